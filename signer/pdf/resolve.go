package pdf

import "fmt"

// Resolve follows references until a direct object is reached.
func (d *Doc) Resolve(v any) (any, error) {
	for range maxResolveDepth {
		r, ok := v.(Ref)
		if !ok {
			return v, nil
		}
		var err error
		if v, err = d.Object(r.Num); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: reference chain longer than %d", ErrSyntax, maxResolveDepth)
}

// Get resolves v, reading what cannot be read as null, as viewers do.
func (d *Doc) Get(v any) any {
	v, err := d.Resolve(v)
	if err != nil {
		return nil
	}
	return v
}

// Dict resolves v to a dictionary (a stream's own), nil when it is none.
func (d *Doc) Dict(v any) Dict {
	switch x := d.Get(v).(type) {
	case Dict:
		return x
	case Stream:
		return x.Dict
	}
	return nil
}

// Array resolves v to an array, nil when it is none.
func (d *Doc) Array(v any) Array {
	a, _ := d.Get(v).(Array)
	return a
}

// Size returns the first object number an update may use: the trailer's
// /Size, or one more than the highest number in the xref if that is more.
func (d *Doc) Size() int {
	size := 0
	if n, ok := d.Trailer.Get("Size").(int64); ok && n > 0 && n <= maxObjectNumber {
		size = int(n)
	}
	for num := range d.XRef {
		size = max(size, num+1)
	}
	return size
}

// Catalog returns the document catalog (7.7.2).
func (d *Doc) Catalog() Dict { return d.Dict(d.Trailer.Get("Root")) }

// AcroForm returns the interactive form dictionary (12.7.2), nil if none.
func (d *Doc) AcroForm() Dict { return d.Dict(d.Catalog().Get("AcroForm")) }

// Decode decodes a stream within the File's limits.
func (d *Doc) Decode(s Stream) ([]byte, error) { return d.File.Decode(s) }

package pdf

import (
	"bytes"
	"errors"
	"fmt"
)

// XRefEntry locates one object of a revision (7.5.4, 7.5.8.3).
type XRefEntry struct {
	Type   byte // 0 free, 1 at Offset, 2 the Index-th object of object stream Stream
	Offset int
	Gen    int
	Stream int
	Index  int
}

// Doc is the document as a reader sees it when the file ends at End: the
// cross-reference data reached from the last startxref before End.
type Doc struct {
	File *File
	End  int
	// Trailer merges the trailers of all sections, newer ones winning.
	Trailer Dict
	XRef    map[int]XRefEntry
	// StartXRef is the offset of the newest xref section; XRefStream tells
	// that section is a stream (7.5.8), so an update should write one too.
	StartXRef  int
	XRefStream bool
	// Repaired tells the xref was broken and rebuilt by scanning the file
	// for objects, as lenient readers do.
	Repaired bool
	cache    map[int]result
	busy     map[int]bool
}

type result struct {
	v   any
	err error
}

// Open reads the newest revision of b.
func Open(b []byte) (*Doc, error) {
	// Readers accept the header anywhere in the first 1024 bytes (7.5.2).
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF- header", ErrSyntax)
	}
	return NewFile(b).Open(len(b))
}

// Open reads the revision that ends at end. When its xref is broken the
// objects are found by scanning (Doc.Repaired); an error remains only when
// no catalog can be found, and then the Doc is returned too.
func (f *File) Open(end int) (*Doc, error) {
	if end < 0 || end > len(f.b) {
		end = len(f.b)
	}
	d := &Doc{File: f, End: end, XRef: map[int]XRefEntry{}, cache: map[int]result{}, busy: map[int]bool{}}
	err := d.loadXRef()
	if err != nil || d.Trailer.Get("Root") == nil {
		d.Repaired = true
		d.reconstruct()
		if d.Trailer.Get("Root") == nil {
			if err == nil {
				err = errors.New("no document catalog")
			}
			return d, fmt.Errorf("pdf: read the xref of the revision ending at %d: %w", end, err)
		}
	}
	return d, nil
}

func (d *Doc) loadXRef() error {
	b := d.File.b[:d.End]
	i := bytes.LastIndex(b, []byte("startxref"))
	if i < 0 {
		return errors.New("no startxref")
	}
	off, ok := NewScanner(b, i+len("startxref")).integer()
	if !ok {
		return errors.New("bad startxref")
	}
	d.StartXRef = off
	seen := map[int]bool{}
	for n := 0; ; n++ {
		if n >= maxXrefSections {
			return errors.New("too many xref sections")
		}
		if seen[off] {
			return errors.New("xref /Prev loop")
		}
		seen[off] = true
		trailer, isStream, err := d.section(off)
		if err != nil {
			return err
		}
		if n == 0 {
			d.XRefStream = isStream
		}
		// A hybrid file's /XRefStm is read before /Prev (7.5.8.4).
		if stm, ok := trailer.Get("XRefStm").(int64); ok && !isStream && !seen[int(stm)] {
			seen[int(stm)] = true
			if _, _, err := d.section(int(stm)); err != nil {
				return err
			}
		}
		d.mergeTrailer(trailer)
		prev, ok := trailer.Get("Prev").(int64)
		if !ok {
			return nil
		}
		off = int(prev)
	}
}

// mergeTrailer adds the keys of an older trailer that newer ones lack.
func (d *Doc) mergeTrailer(t Dict) {
	have := make(map[Name]bool, len(d.Trailer))
	for _, e := range d.Trailer {
		have[e.Key] = true
	}
	for _, e := range t {
		if !have[e.Key] {
			d.Trailer = append(d.Trailer, e)
		}
	}
}

// section reads one xref table or stream at off, adding the entries that no
// newer section defined, and returns its trailer dictionary.
func (d *Doc) section(off int) (Dict, bool, error) {
	if off < 0 || off >= d.End {
		return nil, false, fmt.Errorf("xref offset %d outside the file", off)
	}
	s := NewScanner(d.File.b[:d.End], off)
	if s.expect("xref") {
		t, err := d.table(s)
		return t, false, err
	}
	o := d.File.ObjectAt(off)
	if o.Err != nil {
		return nil, false, fmt.Errorf("xref at %d: %w", off, o.Err)
	}
	st, ok := o.Value.(Stream)
	if !ok || st.Dict.Get("Type") != Name("XRef") {
		return nil, false, fmt.Errorf("no xref at offset %d", off)
	}
	return st.Dict, true, d.xrefStream(st)
}

func (d *Doc) table(s *Scanner) (Dict, error) {
	for {
		if s.expect("trailer") {
			v, err := s.Object()
			if err != nil {
				return nil, fmt.Errorf("trailer: %w", err)
			}
			t, ok := v.(Dict)
			if !ok {
				return nil, errors.New("trailer is not a dictionary")
			}
			return t, nil
		}
		start, ok1 := s.integer()
		count, ok2 := s.integer()
		if !ok1 || !ok2 || start+count > maxObjectNumber {
			return nil, fmt.Errorf("bad xref subsection header at offset %d", s.pos)
		}
		for i := range count {
			off, ok1 := s.integer()
			gen, ok2 := s.integer()
			s.skipSpace()
			typ := string(s.word())
			if !ok1 || !ok2 || (typ != "n" && typ != "f") {
				return nil, fmt.Errorf("bad xref entry for object %d", start+i)
			}
			if _, known := d.XRef[start+i]; known {
				continue
			}
			e := XRefEntry{Gen: gen}
			if typ == "n" {
				e.Type, e.Offset = 1, off
			}
			d.XRef[start+i] = e
		}
	}
}

// xrefStream reads the entries of a cross-reference stream (7.5.8.3). Data
// shorter than /Index says ends the section, as readers tolerate it.
func (d *Doc) xrefStream(st Stream) error {
	data, err := d.File.Decode(st)
	if err != nil {
		return err
	}
	wArr, _ := st.Dict.Get("W").(Array)
	if len(wArr) != 3 {
		return errors.New("xref stream /W must have 3 entries")
	}
	var w [3]int
	rowLen := 0
	for i, v := range wArr {
		n, ok := v.(int64)
		if !ok || n < 0 || n > 8 {
			return errors.New("bad xref stream /W")
		}
		w[i] = int(n)
		rowLen += int(n)
	}
	if rowLen == 0 {
		return errors.New("empty xref stream rows")
	}
	size, _ := st.Dict.Get("Size").(int64)
	index := Array{int64(0), size}
	if idx, ok := st.Dict.Get("Index").(Array); ok {
		index = idx
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxObjectNumber {
			return errors.New("bad xref stream /Index")
		}
		for j := range int(count) {
			if pos+rowLen > len(data) {
				return nil
			}
			var f [3]int64
			for k := range f {
				for range w[k] {
					f[k] = f[k]<<8 | int64(data[pos])
					pos++
				}
			}
			if w[0] == 0 {
				f[0] = 1
			}
			num := int(start) + j
			if _, known := d.XRef[num]; known {
				continue
			}
			switch {
			case f[0] == 0:
				d.XRef[num] = XRefEntry{}
			case f[0] == 1 && f[1] >= 0 && f[2] >= 0 && f[2] <= 65535:
				d.XRef[num] = XRefEntry{Type: 1, Offset: int(f[1]), Gen: int(f[2])}
			case f[0] == 2 && f[1] >= 0 && f[1] <= maxObjectNumber && f[2] >= 0 && f[2] <= maxObjStmN:
				d.XRef[num] = XRefEntry{Type: 2, Stream: int(f[1]), Index: int(f[2])}
			}
		}
	}
	return nil
}

// reconstruct rebuilds the xref by scanning for object headers, as lenient
// readers do; the last definition of an object number wins. Entries read
// from intact sections before the chain broke are kept: they are what the
// file declares.
func (d *Doc) reconstruct() {
	declared := d.XRef
	d.XRef = map[int]XRefEntry{}
	d.cache = map[int]result{}
	headers := d.File.objectHeaders()
	for _, h := range headers {
		if h.off >= d.End {
			break
		}
		d.XRef[h.num] = XRefEntry{Type: 1, Offset: h.off}
	}
	for num, e := range declared {
		if e.Type != 0 {
			d.XRef[num] = e
		}
	}
	// The newest trailer with a catalog wins; the candidates are bounded so
	// that a file full of the word costs linear time.
	b := d.File.b[:d.End]
	for i, n := len(b), 0; i > 0 && n < maxXrefSections; n++ {
		j := bytes.LastIndex(b[:i], []byte("trailer"))
		if j < 0 {
			break
		}
		v, err := NewScanner(b, j+len("trailer")).Object()
		if t, ok := v.(Dict); err == nil && ok && t.Get("Root") != nil {
			d.mergeTrailer(t)
			return
		}
		i = j
	}
	if d.Trailer.Get("Root") != nil {
		return
	}
	// No classic trailer: take /Root from the newest xref stream that has
	// one, or else from the newest catalog.
	var catalog any
	for k := len(headers) - 1; k >= 0; k-- {
		h := headers[k]
		if h.off >= d.End || d.XRef[h.num].Offset != h.off {
			continue
		}
		switch v := d.File.ObjectAt(h.off).Value.(type) {
		case Stream:
			if v.Dict.Get("Type") == Name("XRef") && v.Dict.Get("Root") != nil {
				d.Trailer = d.Trailer.With("Root", v.Dict.Get("Root"))
				return
			}
		case Dict:
			if catalog == nil && v.Get("Type") == Name("Catalog") {
				catalog = Ref{Num: h.num}
			}
		}
	}
	if catalog != nil {
		d.Trailer = d.Trailer.With("Root", catalog)
	}
}

// Object returns object num as this revision has it; a free or missing
// object is null (7.3.10).
func (d *Doc) Object(num int) (any, error) {
	if r, ok := d.cache[num]; ok {
		return r.v, r.err
	}
	if d.busy[num] {
		return nil, fmt.Errorf("%w: object %d depends on itself", ErrSyntax, num)
	}
	d.busy[num] = true
	v, err := d.load(num)
	delete(d.busy, num)
	d.cache[num] = result{v, err}
	return v, err
}

func (d *Doc) load(num int) (any, error) {
	e, ok := d.XRef[num]
	switch {
	case !ok || e.Type == 0:
		return nil, nil
	case e.Type == 2:
		return d.fromObjStm(num, e)
	}
	if e.Offset < 0 || e.Offset >= d.End {
		return nil, fmt.Errorf("pdf: object %d: offset %d outside the file", num, e.Offset)
	}
	o := d.File.ObjectAt(e.Offset)
	if o.Err != nil {
		return nil, fmt.Errorf("pdf: object %d: %w", num, o.Err)
	}
	// An xref entry that points at another object is a known trick to show
	// other content.
	if o.Num != num {
		return nil, fmt.Errorf("%w: the xref entry of object %d points at object %d", ErrSyntax, num, o.Num)
	}
	if s, ok := o.Value.(Stream); ok {
		return d.withLength(s, o.data), nil
	}
	return o.Value, nil
}

// withLength applies an indirect /Length, which the File could not resolve
// when it delimited the data at off by searching for "endstream".
func (d *Doc) withLength(s Stream, off int) Stream {
	r, ok := s.Dict.Get("Length").(Ref)
	if !ok {
		return s
	}
	n, ok := d.Get(r).(int64)
	if !ok || n < 0 || int64(off)+n > int64(len(d.File.b)) || int(n) == len(s.Raw) {
		return s
	}
	end := off + int(n)
	rest := NewScanner(d.File.b, end)
	rest.skipSpace()
	if bytes.HasPrefix(d.File.b[rest.pos:], []byte("endstream")) {
		s.Raw = d.File.b[off:end:end]
	}
	return s
}

package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// Limits that keep hostile files from costing unbounded time or memory.
const (
	maxObjectNumber = 8 << 20 // highest object number accepted in an xref
	maxXrefSections = 1024    // length of a /Prev chain
	maxResolveDepth = 32      // references to references
	maxObjectLoads  = 400000  // object parses per File
	maxObjStmN      = 1 << 20 // objects in one object stream

	// maxStreamBytes bounds one decoded stream read through a File.
	maxStreamBytes = 32 << 20
	// maxDecodedBytes bounds all streams decoded through one File.
	maxDecodedBytes = 512 << 20
)

// ErrLimit is wrapped when a File has parsed or decoded as much as allowed.
var ErrLimit = errors.New("pdf: analysis limit reached")

// File is the bytes of a PDF with the caches that all its revisions share:
// an object at a given offset is the same in every revision that has it.
type File struct {
	b          []byte
	loads      int
	decoded    int64
	objects    map[int]Object  // by offset
	objStms    map[int]*objStm // by offset of the object stream
	endstreams []int           // offsets of "endstream", built on first need
	headers    []objectHeader  // "num gen obj" headers, built on first need
}

// Object is an indirect object as parsed at some offset.
type Object struct {
	Num, Gen int
	Value    any // a Stream when the dictionary is followed by stream data
	// Contents is the span of the value of the top-level /Contents key of a
	// dictionary, zero when there is none: ByteRange checks need it exactly.
	Contents [2]int
	Err      error
	data     int // offset of a stream's data
}

// NewFile wraps b, which must not change while the File is in use.
func NewFile(b []byte) *File {
	return &File{b: b, objects: map[int]Object{}, objStms: map[int]*objStm{}}
}

// Bytes returns the whole file.
func (f *File) Bytes() []byte { return f.b }

// ObjectAt parses the indirect object "num gen obj … endobj" at off.
func (f *File) ObjectAt(off int) Object {
	if o, ok := f.objects[off]; ok {
		return o
	}
	if f.loads++; f.loads > maxObjectLoads {
		return Object{Err: fmt.Errorf("%w: more than %d objects parsed", ErrLimit, maxObjectLoads)}
	}
	o := f.parseObjectAt(off)
	f.objects[off] = o
	return o
}

func (f *File) parseObjectAt(off int) Object {
	if off < 0 || off >= len(f.b) {
		return Object{Err: fmt.Errorf("%w: object offset %d outside the file", ErrSyntax, off)}
	}
	s := NewScanner(f.b, off)
	num, ok1 := s.integer()
	gen, ok2 := s.integer()
	if !ok1 || !ok2 || !s.expect("obj") {
		return Object{Err: fmt.Errorf("%w: no object header at offset %d", ErrSyntax, off)}
	}
	v, err := s.Object()
	if err != nil {
		return Object{Num: num, Gen: gen, Err: err}
	}
	o := Object{Num: num, Gen: gen, Value: v, Contents: s.contents}
	d, ok := v.(Dict)
	if !ok || !s.expect("stream") {
		return o
	}
	start := s.pos
	if start < len(f.b) && f.b[start] == '\r' {
		start++
	}
	if start < len(f.b) && f.b[start] == '\n' {
		start++
	}
	raw, err := f.streamData(d, start)
	if err != nil {
		o.Err = err
		return o
	}
	o.Value, o.data = Stream{Dict: d, Raw: raw}, start
	return o
}

// streamData returns the bytes of a stream body starting at pos, trusting a
// direct /Length when "endstream" follows it and searching otherwise; Doc
// corrects the end where an indirect /Length says otherwise.
func (f *File) streamData(d Dict, pos int) ([]byte, error) {
	if n, ok := d.Get("Length").(int64); ok && n >= 0 && int64(pos)+n <= int64(len(f.b)) {
		end := pos + int(n)
		s := NewScanner(f.b, end)
		s.skipSpace()
		if bytes.HasPrefix(f.b[s.pos:], []byte("endstream")) {
			return f.b[pos:end:end], nil
		}
	}
	end := f.nextEndstream(pos)
	if end < 0 {
		return nil, fmt.Errorf("%w: unterminated stream at offset %d", ErrSyntax, pos)
	}
	// The EOL before endstream is not part of the data.
	if end > pos && f.b[end-1] == '\n' {
		end--
	}
	if end > pos && f.b[end-1] == '\r' {
		end--
	}
	return f.b[pos:end:end], nil
}

// nextEndstream returns the offset of the first "endstream" at or after pos.
// The offsets are collected once, so files with many streams whose /Length
// is wrong cost linear, not quadratic, time.
func (f *File) nextEndstream(pos int) int {
	if f.endstreams == nil {
		f.endstreams = []int{}
		for i := 0; ; {
			j := bytes.Index(f.b[i:], []byte("endstream"))
			if j < 0 {
				break
			}
			f.endstreams = append(f.endstreams, i+j)
			i += j + len("endstream")
		}
	}
	k := sort.SearchInts(f.endstreams, pos)
	if k == len(f.endstreams) {
		return -1
	}
	return f.endstreams[k]
}

// Decode decodes a stream within the File's limits.
func (f *File) Decode(s Stream) ([]byte, error) {
	left := maxDecodedBytes - f.decoded
	if left <= 0 {
		return nil, fmt.Errorf("%w: more than %d decoded bytes", ErrLimit, maxDecodedBytes)
	}
	data, err := Decode(s, min(left, maxStreamBytes))
	f.decoded += int64(len(data))
	return data, err
}

// Revision is one incremental revision (7.5.6) of a file.
type Revision struct {
	// End is the offset just after the revision's %%EOF and its end of line:
	// the file as it was when this revision was the last one.
	End int
	// StartXRef is the offset of the revision's newest xref section.
	StartXRef int
}

// Revisions lists the revisions in file order. A %%EOF counts only where
// "startxref" stands since the previous one: otherwise it is text inside
// some stream.
func (f *File) Revisions() []Revision {
	var out []Revision
	// f.b[prev:clean] is known to hold no "startxref": each byte is searched
	// for it at most once, so hostile runs of markers cost linear time, and
	// the usual file costs one forward pass for %%EOF and a few bytes back.
	prev, clean := 0, 0
	for i := 0; ; {
		j := bytes.Index(f.b[i:], []byte("%%EOF"))
		if j < 0 {
			return out
		}
		e := i + j + len("%%EOF")
		if e < len(f.b) && f.b[e] == '\r' {
			e++
		}
		if e < len(f.b) && f.b[e] == '\n' {
			e++
		}
		i = e
		// No "startxref" can straddle e: the bytes before it are %%EOF and
		// its end of line.
		from := max(prev, clean-len("startxref")+1)
		k := bytes.LastIndex(f.b[from:e], []byte("startxref"))
		clean = e
		if k < 0 {
			continue
		}
		off, _ := NewScanner(f.b[:e], from+k+len("startxref")).integer()
		out = append(out, Revision{End: e, StartXRef: off})
		prev = e
	}
}

type objectHeader struct{ num, off int }

// objectHeaders scans the whole file once for "num gen obj" headers, in
// file order, for rebuilding a broken xref.
func (f *File) objectHeaders() []objectHeader {
	if f.headers != nil {
		return f.headers
	}
	f.headers = []objectHeader{}
	b := f.b
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("obj"))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 3
		if i < len(b) && !isSpace(b[i]) && !isDelim(b[i]) {
			continue // "objects"; "endobj" fails the checks below
		}
		if h, ok := headerBefore(b, at); ok {
			f.headers = append(f.headers, h)
		}
	}
	return f.headers
}

// headerBefore checks that "num gen " precedes the "obj" keyword at at and
// returns the object number and the header's offset.
func headerBefore(b []byte, at int) (objectHeader, bool) {
	k := at
	digits := func() (int, int, bool) {
		end := k
		for k > 0 && b[k-1] >= '0' && b[k-1] <= '9' {
			k--
		}
		if end == k || end-k > 10 {
			return 0, 0, false
		}
		n, err := strconv.Atoi(string(b[k:end]))
		return n, k, err == nil
	}
	spaces := func() bool {
		end := k
		for k > 0 && isSpace(b[k-1]) {
			k--
		}
		return k < end
	}
	if !spaces() {
		return objectHeader{}, false
	}
	if _, _, ok := digits(); !ok || !spaces() {
		return objectHeader{}, false
	}
	num, start, ok := digits()
	if !ok || num > maxObjectNumber || (start > 0 && !isSpace(b[start-1]) && !isDelim(b[start-1])) {
		return objectHeader{}, false
	}
	return objectHeader{num: num, off: start}, true
}

package pades

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// Limits that keep hostile input from costing unbounded time or memory.
const (
	maxXrefSections = 4096
	maxObjectNumber = 8 << 20
	maxResolveDepth = 32
)

// xrefEntry locates one object: either at a byte offset (inStream false) or
// as the idx-th object of object stream stm.
type xrefEntry struct {
	offset   int64
	gen      int
	inStream bool
	stm      int
	idx      int
	free     bool
}

// document is a parsed view of an existing PDF. Only the cross-reference
// data and trailer are read eagerly; objects are parsed on demand.
type document struct {
	b         []byte
	xref      map[int]xrefEntry
	trailer   dict
	startxref int64
	// xrefStream is true when the newest cross-reference section is a
	// stream; the update then writes a stream too (ISO 32000 7.5.8.4).
	xrefStream bool
	size       int
	cache      map[int]any
	objStms    map[int]*objStm
	endstreams []int // offsets of "endstream", built on first need
	decoded    int   // bytes inflated so far, see maxDecoded
}

type objStm struct {
	data    []byte
	offsets map[int]int // object number → offset in data
	nums    []int       // object numbers by index
}

func parseDocument(b []byte) (*document, error) {
	// Readers accept the header anywhere in the first 1024 bytes (7.5.2).
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("pades: not a PDF: no %%PDF- header")
	}
	d := &document{b: b, xref: map[int]xrefEntry{}, cache: map[int]any{}, objStms: map[int]*objStm{}}
	start, err := findStartXref(b)
	if err != nil {
		return nil, err
	}
	d.startxref = start
	if err := d.readXrefChain(start); err != nil {
		return nil, err
	}
	if d.trailer.get("Encrypt") != nil {
		return nil, errors.New("pades: encrypted PDFs are not supported")
	}
	if _, ok := d.trailer.get("Root").(ref); !ok {
		return nil, errors.New("pades: trailer has no /Root reference")
	}
	if sz, ok := d.trailer.get("Size").(int64); ok && sz > 0 && sz <= maxObjectNumber {
		d.size = int(sz)
	}
	for n := range d.xref {
		if n >= d.size {
			d.size = n + 1
		}
	}
	return d, nil
}

// findStartXref returns the offset named by the last "startxref".
func findStartXref(b []byte) (int64, error) {
	tail := b[max(0, len(b)-4096):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return 0, errors.New("pades: no startxref found (truncated or not a PDF)")
	}
	p := &parser{b: tail, pos: i + len("startxref")}
	p.skipSpace()
	tok := p.regular()
	off, err := strconv.ParseInt(string(tok), 10, 64)
	if err != nil || off < 0 || off >= int64(len(b)) {
		return 0, fmt.Errorf("pades: bad startxref offset %q", tok)
	}
	return off, nil
}

// readXrefChain reads the newest section at off and follows /Prev and
// /XRefStm; entries already known from newer sections win.
func (d *document) readXrefChain(off int64) error {
	seen := map[int64]bool{}
	queue := []int64{off}
	first := true
	for len(queue) > 0 {
		off, queue = queue[0], queue[1:]
		if seen[off] {
			continue
		}
		if len(seen) >= maxXrefSections {
			return errors.New("pades: too many cross-reference sections")
		}
		seen[off] = true
		trailer, isStream, err := d.readXrefSection(off)
		if err != nil {
			return err
		}
		if first {
			d.trailer, d.xrefStream, first = trailer, isStream, false
		}
		// A hybrid file's /XRefStm is consulted before /Prev (7.5.8.4).
		if x, ok := trailer.get("XRefStm").(int64); ok && !isStream {
			if x >= 0 && x < int64(len(d.b)) {
				queue = append(queue, x)
			}
		}
		// "/Prev 0" is a known producer bug meaning "no previous section".
		if prev, ok := trailer.get("Prev").(int64); ok && prev != 0 {
			if prev < 0 || prev >= int64(len(d.b)) {
				return fmt.Errorf("pades: bad /Prev offset %d", prev)
			}
			queue = append(queue, prev)
		}
	}
	return nil
}

func (d *document) readXrefSection(off int64) (dict, bool, error) {
	p := &parser{b: d.b, pos: int(off)}
	p.skipSpace()
	if bytes.HasPrefix(d.b[p.pos:], []byte("xref")) {
		p.pos += 4
		t, err := d.readXrefTable(p)
		return t, false, err
	}
	_, obj, err := d.parseIndirectAt(int(off), -1)
	if err != nil {
		return nil, false, fmt.Errorf("pades: cross-reference at %d: %w", off, err)
	}
	s, ok := obj.(stream)
	if !ok || s.d.get("Type") != name("XRef") {
		return nil, false, fmt.Errorf("pades: no cross-reference section at offset %d", off)
	}
	if err := d.readXrefStream(s); err != nil {
		return nil, false, err
	}
	return s.d, true, nil
}

func (d *document) readXrefTable(p *parser) (dict, error) {
	for {
		p.skipSpace()
		if bytes.HasPrefix(d.b[p.pos:], []byte("trailer")) {
			p.pos += len("trailer")
			v, err := p.object(0)
			if err != nil {
				return nil, fmt.Errorf("pades: trailer: %w", err)
			}
			t, ok := v.(dict)
			if !ok {
				return nil, errors.New("pades: trailer is not a dictionary")
			}
			return t, nil
		}
		startTok := p.regular()
		p.skipSpace()
		countTok := p.regular()
		start, err1 := strconv.Atoi(string(startTok))
		count, err2 := strconv.Atoi(string(countTok))
		if err1 != nil || err2 != nil || start < 0 || count < 0 || start+count > maxObjectNumber {
			return nil, fmt.Errorf("pades: bad xref subsection header at offset %d", p.pos)
		}
		for i := 0; i < count; i++ {
			p.skipSpace()
			offTok := p.regular()
			p.skipSpace()
			genTok := p.regular()
			p.skipSpace()
			typ := p.regular()
			o, e1 := strconv.ParseInt(string(offTok), 10, 64)
			g, e2 := strconv.Atoi(string(genTok))
			if e1 != nil || e2 != nil || (string(typ) != "n" && string(typ) != "f") {
				return nil, fmt.Errorf("pades: bad xref entry for object %d", start+i)
			}
			if _, known := d.xref[start+i]; !known {
				d.xref[start+i] = xrefEntry{offset: o, gen: g, free: string(typ) == "f"}
			}
		}
	}
}

func (d *document) readXrefStream(s stream) error {
	data, err := d.decodeStream(s)
	if err != nil {
		return fmt.Errorf("pades: xref stream: %w", err)
	}
	wArr, _ := s.d.get("W").(array)
	if len(wArr) != 3 {
		return errors.New("pades: xref stream: bad /W")
	}
	var w [3]int
	for i, v := range wArr {
		n, ok := v.(int64)
		if !ok || n < 0 || n > 8 {
			return errors.New("pades: xref stream: bad /W")
		}
		w[i] = int(n)
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return errors.New("pades: xref stream: empty /W")
	}
	size, _ := s.d.get("Size").(int64)
	index := array{int64(0), size}
	if idx, ok := s.d.get("Index").(array); ok {
		index = idx
	}
	if len(index)%2 != 0 {
		return errors.New("pades: xref stream: bad /Index")
	}
	row := 0
	for i := 0; i < len(index); i += 2 {
		start, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxObjectNumber {
			return errors.New("pades: xref stream: bad /Index")
		}
		for j := int64(0); j < count; j++ {
			if (row+1)*rowLen > len(data) {
				return errors.New("pades: xref stream: data shorter than /Index says")
			}
			f := data[row*rowLen:]
			row++
			typ := int64(1)
			if w[0] > 0 {
				typ = beInt(f[:w[0]])
			}
			f2, f3 := beInt(f[w[0]:w[0]+w[1]]), beInt(f[w[0]+w[1]:rowLen])
			num := int(start + j)
			if _, known := d.xref[num]; known {
				continue
			}
			switch typ {
			case 0:
				d.xref[num] = xrefEntry{free: true}
			case 1:
				d.xref[num] = xrefEntry{offset: f2, gen: int(f3)}
			case 2:
				if f2 < 0 || f2 > maxObjectNumber || f3 < 0 || f3 > maxObjectNumber {
					return errors.New("pades: xref stream: bad compressed entry")
				}
				d.xref[num] = xrefEntry{inStream: true, stm: int(f2), idx: int(f3)}
			}
		}
	}
	return nil
}

func beInt(b []byte) int64 {
	var v int64
	for _, c := range b {
		v = v<<8 | int64(c)
	}
	return v
}

// parseIndirectAt parses "num gen obj ... endobj" at off. want, when not -1,
// is the object number the caller expects to find.
func (d *document) parseIndirectAt(off, want int) (int, any, error) {
	p := &parser{b: d.b, pos: off}
	p.skipSpace()
	numTok := p.regular()
	p.skipSpace()
	genTok := p.regular()
	num, err1 := strconv.Atoi(string(numTok))
	_, err2 := strconv.Atoi(string(genTok))
	if err1 != nil || err2 != nil {
		return 0, nil, fmt.Errorf("%w: no object header at offset %d", errSyntax, off)
	}
	if want >= 0 && num != want {
		return 0, nil, fmt.Errorf("%w: expected object %d at offset %d, found %d", errSyntax, want, off, num)
	}
	if err := p.expectKeyword("obj"); err != nil {
		return 0, nil, err
	}
	v, err := p.object(0)
	if err != nil {
		return 0, nil, err
	}
	dct, isDict := v.(dict)
	save := p.pos
	p.skipSpace()
	if !isDict || !bytes.HasPrefix(d.b[p.pos:], []byte("stream")) {
		p.pos = save
		return num, v, nil
	}
	p.pos += len("stream")
	if p.pos < len(d.b) && d.b[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(d.b) && d.b[p.pos] == '\n' {
		p.pos++
	}
	data, err := d.streamData(dct, p.pos)
	if err != nil {
		return 0, nil, err
	}
	return num, stream{d: dct, data: data}, nil
}

// streamData returns the bytes of a stream body starting at pos, trusting
// /Length when it ends at "endstream" and searching for it otherwise.
func (d *document) streamData(s dict, pos int) ([]byte, error) {
	var length int64 = -1
	switch l := s.get("Length").(type) {
	case int64:
		length = l
	case ref:
		// Resolving a stream Length must not recurse into streams forever.
		if v, err := d.resolveDepth(l, maxResolveDepth-1); err == nil {
			if n, ok := v.(int64); ok {
				length = n
			}
		}
	}
	if length >= 0 && int64(pos)+length <= int64(len(d.b)) {
		end := pos + int(length)
		q := &parser{b: d.b, pos: end}
		q.skipSpace()
		if bytes.HasPrefix(d.b[q.pos:], []byte("endstream")) {
			return d.b[pos:end:end], nil
		}
	}
	end := d.nextEndstream(pos)
	if end < 0 {
		return nil, fmt.Errorf("%w: unterminated stream at offset %d", errSyntax, pos)
	}
	// The EOL before endstream is not part of the data.
	if end > pos && d.b[end-1] == '\n' {
		end--
	}
	if end > pos && d.b[end-1] == '\r' {
		end--
	}
	return d.b[pos:end:end], nil
}

// nextEndstream returns the offset of the first "endstream" at or after
// pos. The offsets are collected once, so files with many streams whose
// /Length is wrong cost linear, not quadratic, time.
func (d *document) nextEndstream(pos int) int {
	if d.endstreams == nil {
		d.endstreams = []int{}
		for i := 0; ; {
			j := bytes.Index(d.b[i:], []byte("endstream"))
			if j < 0 {
				break
			}
			d.endstreams = append(d.endstreams, i+j)
			i += j + len("endstream")
		}
	}
	k := sort.SearchInts(d.endstreams, pos)
	if k == len(d.endstreams) {
		return -1
	}
	return d.endstreams[k]
}

// resolve follows references until a direct object is reached.
func (d *document) resolve(v any) (any, error) {
	r, ok := v.(ref)
	if !ok {
		return v, nil
	}
	return d.resolveDepth(r, 0)
}

func (d *document) resolveDepth(r ref, depth int) (any, error) {
	if depth >= maxResolveDepth {
		return nil, fmt.Errorf("pades: reference chain too long at object %d", r.num)
	}
	if v, ok := d.cache[r.num]; ok {
		return v, nil
	}
	e, ok := d.xref[r.num]
	if !ok || e.free {
		return nil, nil // a reference to a missing object is null (7.3.10)
	}
	var v any
	var err error
	if e.inStream {
		v, err = d.objectFromStream(r.num, e, depth)
	} else {
		if e.offset < 0 || e.offset >= int64(len(d.b)) {
			return nil, fmt.Errorf("pades: object %d: offset %d out of range", r.num, e.offset)
		}
		d.cache[r.num] = nil // guards against self-referencing /Length
		_, v, err = d.parseIndirectAt(int(e.offset), r.num)
		delete(d.cache, r.num)
	}
	if err != nil {
		return nil, fmt.Errorf("pades: object %d: %w", r.num, err)
	}
	if next, ok := v.(ref); ok {
		v, err = d.resolveDepth(next, depth+1)
		if err != nil {
			return nil, err
		}
	}
	d.cache[r.num] = v
	return v, nil
}

func (d *document) objectFromStream(num int, e xrefEntry, depth int) (any, error) {
	os, err := d.loadObjStm(e.stm, depth)
	if err != nil {
		return nil, err
	}
	off, ok := os.offsets[num]
	if !ok {
		return nil, nil
	}
	p := &parser{b: os.data, pos: off}
	return p.object(0)
}

func (d *document) loadObjStm(num, depth int) (*objStm, error) {
	if os, ok := d.objStms[num]; ok {
		return os, nil
	}
	e, ok := d.xref[num]
	if !ok || e.inStream || e.free {
		return nil, fmt.Errorf("pades: object stream %d not found", num)
	}
	d.objStms[num] = &objStm{offsets: map[int]int{}} // cycle guard
	v, err := d.resolveDepth(ref{num, 0}, depth+1)
	if err != nil {
		return nil, err
	}
	s, ok := v.(stream)
	if !ok {
		return nil, fmt.Errorf("pades: object %d is not an object stream", num)
	}
	data, err := d.decodeStream(s)
	if err != nil {
		return nil, fmt.Errorf("pades: object stream %d: %w", num, err)
	}
	n, _ := s.d.get("N").(int64)
	first, _ := s.d.get("First").(int64)
	if n < 0 || first < 0 || first > int64(len(data)) || n > int64(len(data)) {
		return nil, fmt.Errorf("pades: object stream %d: bad /N or /First", num)
	}
	os := &objStm{data: data, offsets: map[int]int{}}
	p := &parser{b: data[:first]}
	for i := int64(0); i < n; i++ {
		p.skipSpace()
		objNum, err1 := strconv.Atoi(string(p.regular()))
		p.skipSpace()
		off, err2 := strconv.Atoi(string(p.regular()))
		if err1 != nil || err2 != nil || off < 0 || int64(off)+first > int64(len(data)) {
			return nil, fmt.Errorf("pades: object stream %d: bad header", num)
		}
		os.offsets[objNum] = int(first) + off
		os.nums = append(os.nums, objNum)
	}
	d.objStms[num] = os
	return os, nil
}

// maxDecoded caps the decompressed bytes of all structural streams (xref
// and object streams) of one document, so a flate bomb cannot exhaust memory.
const maxDecoded = 256 << 20

// decodeStream undoes /FlateDecode (with PNG predictors); other filters are
// never needed for the structural streams this package reads.
func (d *document) decodeStream(s stream) ([]byte, error) {
	var filters array
	switch f := s.d.get("Filter").(type) {
	case nil:
		return s.data, nil
	case name:
		filters = array{f}
	case array:
		filters = f
	}
	if len(filters) == 0 {
		return s.data, nil
	}
	if len(filters) != 1 || filters[0] != name("FlateDecode") {
		return nil, fmt.Errorf("pades: unsupported filter %v", filters)
	}
	zr, err := zlib.NewReader(bytes.NewReader(s.data))
	if err != nil {
		return nil, fmt.Errorf("pades: flate: %w", err)
	}
	budget := int64(maxDecoded - d.decoded)
	out, err := io.ReadAll(io.LimitReader(zr, budget+1))
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("pades: flate: %w", err)
	}
	if int64(len(out)) > budget {
		return nil, errors.New("pades: compressed streams expand to too much data")
	}
	d.decoded += len(out)
	parms, _ := s.d.get("DecodeParms").(dict)
	if arr, ok := s.d.get("DecodeParms").(array); ok && len(arr) == 1 {
		parms, _ = arr[0].(dict)
	}
	return unpredict(out, parms)
}

// unpredict reverses PNG predictors (Predictor >= 10) row by row.
func unpredict(data []byte, parms dict) ([]byte, error) {
	pred, _ := parms.get("Predictor").(int64)
	if pred < 10 {
		if pred > 1 {
			return nil, fmt.Errorf("pades: unsupported predictor %d", pred)
		}
		return data, nil
	}
	cols := int64(1)
	if c, ok := parms.get("Columns").(int64); ok {
		cols = c
	}
	if cols < 1 || cols > 1<<20 {
		return nil, errors.New("pades: bad predictor /Columns")
	}
	stride := int(cols)
	out := make([]byte, 0, len(data))
	prev := make([]byte, stride)
	for len(data) > 0 {
		if len(data) < stride+1 {
			return nil, errors.New("pades: truncated predictor row")
		}
		typ, row := data[0], append([]byte(nil), data[1:stride+1]...)
		data = data[stride+1:]
		for i := range row {
			var left, upLeft byte
			if i > 0 {
				left, upLeft = row[i-1], prev[i-1]
			}
			up := prev[i]
			switch typ {
			case 0:
			case 1:
				row[i] += left
			case 2:
				row[i] += up
			case 3:
				row[i] += byte((int(left) + int(up)) / 2)
			case 4:
				row[i] += paeth(left, up, upLeft)
			default:
				return nil, fmt.Errorf("pades: bad PNG filter type %d", typ)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

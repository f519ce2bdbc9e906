package verify

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
)

// Limits that keep hostile files from making the validator hang or explode.
const (
	maxXrefSections = 1024    // /Prev chain length; loops are also detected
	maxObjectNumber = 8 << 20 // highest object number accepted in an xref
	maxObjectLoads  = 400000  // object parses per Verify call
)

var errLimit = errors.New("pades: analysis limit reached")

type xrefEntry struct {
	kind byte // 1: at offset, 2: inside an object stream
	off  int  // offset, or object stream number for kind 2
	idx  int  // index inside the object stream
}

// pdfFile is the whole input plus caches shared by every revision view.
type pdfFile struct {
	b       []byte
	loads   int
	decoded int // bytes produced by stream decoding, bounded by maxDecoded
	headers []objectHeader
	certs   map[string]*x509.Certificate // parsed certificates by DER
	objects map[int]parsedObject         // keyed by file offset
	objstms map[int][]objstmItem         // keyed by offset of the object stream
}

type parsedObject struct {
	num      int
	v        any
	contents [2]int
	err      error
}

type objstmItem struct {
	num int
	v   any
}

func newPDFFile(b []byte) *pdfFile {
	return &pdfFile{b: b, objects: map[int]parsedObject{}, objstms: map[int][]objstmItem{}}
}

// cert parses a certificate once per file: every revision's DSS and every
// CMS tends to repeat the same few certificates.
func (f *pdfFile) cert(der []byte) (*x509.Certificate, error) {
	if c, ok := f.certs[string(der)]; ok {
		return c, nil
	}
	c, err := parseCert(der)
	if err == nil {
		if f.certs == nil {
			f.certs = map[string]*x509.Certificate{}
		}
		f.certs[string(der)] = c
	}
	return c, err
}

// maxDecoded bounds the bytes all decoded streams of one file may produce.
const maxDecoded = 512 << 20

// decode decodes a stream within the file's decoding budget.
func (f *pdfFile) decode(s pdfStream) ([]byte, error) {
	if f.decoded > maxDecoded {
		return nil, errLimit
	}
	data, err := decodeStream(s)
	f.decoded += len(data)
	return data, err
}

// objectAt parses the indirect object at off, caching by offset because the
// same bytes mean the same object in every revision.
func (f *pdfFile) objectAt(off int) parsedObject {
	if o, ok := f.objects[off]; ok {
		return o
	}
	f.loads++
	if f.loads > maxObjectLoads {
		return parsedObject{err: errLimit}
	}
	p := parser{b: f.b, pos: off}
	num, v, err := p.indirect()
	o := parsedObject{num: num, v: v, contents: p.contents, err: err}
	f.objects[off] = o
	return o
}

// revisionEnds lists the offsets just after each %%EOF marker (and its EOL).
func (f *pdfFile) revisionEnds() []int {
	var ends []int
	for i := 0; ; {
		j := bytes.Index(f.b[i:], []byte("%%EOF"))
		if j < 0 {
			return ends
		}
		e := i + j + 5
		if e < len(f.b) && f.b[e] == '\r' {
			e++
		}
		if e < len(f.b) && f.b[e] == '\n' {
			e++
		}
		ends = append(ends, e)
		i = e
	}
}

// view is the document as a reader sees it when the file ends at end: the
// xref chain reached from the last startxref before end.
type view struct {
	f        *pdfFile
	end      int
	entries  map[int]xrefEntry
	trailer  pdfDict
	repaired bool
	cache    map[int]any
	busy     map[int]bool
}

func newView(f *pdfFile, end int) (*view, error) {
	v := &view{f: f, end: end, cache: map[int]any{}, busy: map[int]bool{}}
	err := v.loadXref()
	if err != nil || v.trailer["Root"] == nil {
		// A reader would rebuild a broken xref by scanning; do the same so the
		// object graph can still be compared, but remember it was needed.
		v.repaired = true
		v.reconstruct()
		if v.trailer["Root"] == nil {
			if err == nil {
				err = errors.New("no document catalog")
			}
			return v, fmt.Errorf("pades: read xref of revision ending at %d: %w", end, err)
		}
	}
	return v, nil
}

func (v *view) loadXref() error {
	b := v.f.b[:v.end]
	i := bytes.LastIndex(b, []byte("startxref"))
	if i < 0 {
		return errors.New("no startxref")
	}
	p := parser{b: b, pos: i + len("startxref")}
	p.skipSpace()
	off, err := strconv.Atoi(p.word())
	if err != nil {
		return errors.New("bad startxref")
	}
	v.entries = map[int]xrefEntry{}
	v.trailer = pdfDict{}
	seen := map[int]bool{}
	for n := 0; ; n++ {
		if n >= maxXrefSections {
			return errors.New("too many xref sections")
		}
		if seen[off] {
			return errors.New("xref /Prev loop")
		}
		seen[off] = true
		trailer, err := v.section(off)
		if err != nil {
			return err
		}
		if stm, ok := trailer["XRefStm"].(int64); ok && !seen[int(stm)] {
			seen[int(stm)] = true
			if _, err := v.section(int(stm)); err != nil {
				return err
			}
		}
		for k, val := range trailer {
			if _, ok := v.trailer[k]; !ok {
				v.trailer[k] = val
			}
		}
		prev, ok := trailer["Prev"].(int64)
		if !ok {
			return nil
		}
		off = int(prev)
	}
}

// section reads one xref table or xref stream at off, adding entries not yet
// defined by a newer section, and returns its trailer dictionary.
func (v *view) section(off int) (pdfDict, error) {
	if off < 0 || off >= v.end {
		return nil, fmt.Errorf("xref offset %d outside file", off)
	}
	p := parser{b: v.f.b[:v.end], pos: off}
	p.skipSpace()
	if bytes.HasPrefix(p.b[p.pos:], []byte("xref")) {
		p.pos += 4
		return v.table(&p)
	}
	o := v.f.objectAt(off)
	if o.err != nil {
		return nil, o.err
	}
	s, ok := o.v.(pdfStream)
	if !ok || s.dict["Type"] != pdfName("XRef") {
		return nil, fmt.Errorf("no xref at %d", off)
	}
	return s.dict, v.xrefStream(s)
}

func (v *view) table(p *parser) (pdfDict, error) {
	for {
		p.skipSpace()
		if bytes.HasPrefix(p.b[p.pos:], []byte("trailer")) {
			p.pos += len("trailer")
			t, err := p.object(0)
			if err != nil {
				return nil, err
			}
			d, ok := t.(pdfDict)
			if !ok {
				return nil, errors.New("trailer is not a dictionary")
			}
			return d, nil
		}
		start, err1 := strconv.Atoi(p.word())
		p.skipSpace()
		count, err2 := strconv.Atoi(p.word())
		if err1 != nil || err2 != nil || start < 0 || count < 0 || start+count > maxObjectNumber {
			return nil, errors.New("bad xref subsection header")
		}
		for i := 0; i < count; i++ {
			p.skipSpace()
			off, err1 := strconv.Atoi(p.word())
			p.skipSpace()
			_, err2 := strconv.Atoi(p.word())
			p.skipSpace()
			typ := p.word()
			if err1 != nil || err2 != nil || (typ != "n" && typ != "f") {
				return nil, errors.New("bad xref entry")
			}
			num := start + i
			if _, ok := v.entries[num]; ok {
				continue
			}
			if typ == "n" {
				v.entries[num] = xrefEntry{kind: 1, off: off}
			} else {
				v.entries[num] = xrefEntry{kind: 0}
			}
		}
	}
}

func (v *view) xrefStream(s pdfStream) error {
	data, err := v.f.decode(s)
	if err != nil {
		return err
	}
	w, _ := s.dict["W"].(pdfArray)
	if len(w) != 3 {
		return errors.New("xref stream /W must have 3 entries")
	}
	var ws [3]int
	rowLen := 0
	for i := range ws {
		n, ok := w[i].(int64)
		if !ok || n < 0 || n > 8 {
			return errors.New("bad xref stream /W")
		}
		ws[i] = int(n)
		rowLen += int(n)
	}
	if rowLen == 0 {
		return errors.New("empty xref stream rows")
	}
	size, _ := s.dict["Size"].(int64)
	index := pdfArray{int64(0), size}
	if idx, ok := s.dict["Index"].(pdfArray); ok {
		index = idx
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxObjectNumber {
			return errors.New("bad xref stream /Index")
		}
		for j := 0; j < int(count); j++ {
			if pos+rowLen > len(data) {
				return nil
			}
			var f [3]int
			for k := 0; k < 3; k++ {
				for n := 0; n < ws[k]; n++ {
					f[k] = f[k]<<8 | int(data[pos])
					pos++
				}
			}
			if ws[0] == 0 {
				f[0] = 1
			}
			num := int(start) + j
			if _, ok := v.entries[num]; ok {
				continue
			}
			switch f[0] {
			case 0:
				v.entries[num] = xrefEntry{kind: 0}
			case 1:
				v.entries[num] = xrefEntry{kind: 1, off: f[1]}
			case 2:
				v.entries[num] = xrefEntry{kind: 2, off: f[1], idx: f[2]}
			}
		}
	}
	return nil
}

// reconstruct rebuilds the xref by scanning for object headers, as lenient
// readers do; the last definition of an object number wins.
func (v *view) reconstruct() {
	// Entries read from intact xref sections before the chain broke are
	// kept: they are what the file declares. Only missing numbers are filled.
	declared := v.entries
	v.entries = map[int]xrefEntry{}
	v.cache = map[int]any{}
	b := v.f.b[:v.end]
	for _, h := range v.f.objectHeaders() {
		if h.off >= v.end {
			break
		}
		v.entries[h.num] = xrefEntry{kind: 1, off: h.off}
	}
	for num, e := range declared {
		if e.kind != 0 {
			v.entries[num] = e
		}
	}
	if v.trailer == nil {
		v.trailer = pdfDict{}
	}
	for i := len(b); i > 0; {
		j := bytes.LastIndex(b[:i], []byte("trailer"))
		if j < 0 {
			break
		}
		p := parser{b: b, pos: j + len("trailer")}
		if t, err := p.object(0); err == nil {
			if d, ok := t.(pdfDict); ok && d["Root"] != nil {
				for k, val := range d {
					if _, ok := v.trailer[k]; !ok {
						v.trailer[k] = val
					}
				}
				break
			}
		}
		i = j
	}
	if v.trailer["Root"] != nil {
		return
	}
	// No classic trailer: take /Root from an xref stream, or find the catalog.
	for num, e := range v.entries {
		o := v.f.objectAt(e.off)
		if s, ok := o.v.(pdfStream); ok && s.dict["Type"] == pdfName("XRef") && s.dict["Root"] != nil {
			v.trailer["Root"] = s.dict["Root"]
			return
		}
		if d, ok := o.v.(pdfDict); ok && d["Type"] == pdfName("Catalog") {
			v.trailer["Root"] = pdfRef{num: num}
		}
	}
}

type objectHeader struct{ num, off int }

// objectHeaders scans the whole file once for "num gen obj" headers, in
// file order; every repaired revision view reuses the result.
func (f *pdfFile) objectHeaders() []objectHeader {
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
			continue // "objects", "endobj" handled by the checks below
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

// get returns the object with number num as this revision sees it, or nil.
func (v *view) get(num int) any {
	if o, ok := v.cache[num]; ok {
		return o
	}
	if v.busy[num] {
		return nil // reference cycle through object streams
	}
	v.busy[num] = true
	defer delete(v.busy, num)
	var obj any
	e, ok := v.entries[num]
	switch {
	case !ok:
	case e.kind == 1:
		if e.off >= 0 && e.off < v.end {
			o := v.f.objectAt(e.off)
			// An xref entry that points at a different object number is a
			// known trick to show other content; treat it as missing.
			if o.err == nil && o.num == num {
				obj = o.v
			}
		}
	case e.kind == 2:
		obj = v.fromObjStm(e.off, e.idx, num)
	}
	v.cache[num] = obj
	return obj
}

func (v *view) fromObjStm(stmNum, idx, num int) any {
	se, ok := v.entries[stmNum]
	if !ok || se.kind != 1 {
		return nil
	}
	items, ok := v.f.objstms[se.off]
	if !ok {
		s, _ := v.get(stmNum).(pdfStream)
		items = parseObjStm(v.f, s)
		v.f.objstms[se.off] = items
	}
	if idx >= 0 && idx < len(items) && items[idx].num == num {
		return items[idx].v
	}
	for _, it := range items {
		if it.num == num {
			return it.v
		}
	}
	return nil
}

func parseObjStm(f *pdfFile, s pdfStream) []objstmItem {
	if s.dict == nil || s.dict["Type"] != pdfName("ObjStm") {
		return nil
	}
	data, err := f.decode(s)
	if err != nil {
		return nil
	}
	n, _ := s.dict["N"].(int64)
	first, _ := s.dict["First"].(int64)
	if n <= 0 || n > 1<<20 || first < 0 || int(first) > len(data) {
		return nil
	}
	hp := parser{b: data[:first]}
	var items []objstmItem
	for i := 0; i < int(n); i++ {
		hp.skipSpace()
		num, err1 := strconv.Atoi(hp.word())
		hp.skipSpace()
		off, err2 := strconv.Atoi(hp.word())
		if err1 != nil || err2 != nil || off < 0 || int(first)+off > len(data) {
			break
		}
		p := parser{b: data, pos: int(first) + off}
		val, err := p.object(0)
		if err != nil {
			val = nil
		}
		items = append(items, objstmItem{num: num, v: val})
	}
	return items
}

// resolve follows references (a bounded number of times) to a direct value.
func (v *view) resolve(x any) any {
	for i := 0; i < 32; i++ {
		r, ok := x.(pdfRef)
		if !ok {
			return x
		}
		x = v.get(r.num)
	}
	return nil
}

func (v *view) dict(x any) pdfDict {
	switch d := v.resolve(x).(type) {
	case pdfDict:
		return d
	case pdfStream:
		return d.dict
	}
	return nil
}

func (v *view) array(x any) pdfArray {
	a, _ := v.resolve(x).(pdfArray)
	return a
}

func (v *view) root() pdfDict { return v.dict(v.trailer["Root"]) }

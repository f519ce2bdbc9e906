package pades

import (
	"bytes"
	"sort"
	"strconv"

	"github.com/vanthu/vanthu/signer/pdf"
)

// update collects the objects of one incremental update (ISO 32000 7.5.6)
// and serialises them after the untouched original bytes.
type update struct {
	doc     *pdf.Doc
	next    int
	objects []pendingObject
}

type pendingObject struct {
	num  int
	gen  int
	body []byte
	// gap bytes, filled in later, follow body, then rest (see encoded).
	gap  int
	rest []byte
}

func newUpdate(doc *pdf.Doc) *update {
	return &update{doc: doc, next: doc.Size()}
}

// AddObject implements ObjectWriter: it allocates a fresh object number.
func (u *update) AddObject(body []byte) int {
	num := u.next
	u.next++
	u.objects = append(u.objects, pendingObject{num: num, body: append([]byte(nil), body...)})
	return num
}

// reserve allocates an object number whose body is set later.
func (u *update) reserve() int {
	return u.AddObject(nil)
}

// set stores v as the body of object num, which may be a new object or a
// new version of an existing one (same number and generation).
func (u *update) set(num int, v any) {
	var buf bytes.Buffer
	pdf.Write(&buf, v)
	u.setRaw(num, buf.Bytes())
}

func (u *update) setRaw(num int, body []byte) {
	u.setGapped(num, body, 0, nil)
}

// setGapped stores an object whose body has a gap of n bytes, written
// later, between body and rest. One object per update may have a gap.
func (u *update) setGapped(num int, body []byte, n int, rest []byte) {
	for i := range u.objects {
		if u.objects[i].num == num {
			u.objects[i].body, u.objects[i].gap, u.objects[i].rest = body, n, rest
			return
		}
	}
	gen := 0
	if e, ok := u.doc.XRef[num]; ok && e.Type != 2 {
		gen = e.Gen
	}
	u.objects = append(u.objects, pendingObject{num: num, gen: gen, body: body, gap: n, rest: rest})
}

// addStream adds a new stream object with the given extra dictionary keys.
func (u *update) addStream(d pdf.Dict, data []byte) int {
	var buf bytes.Buffer
	pdf.Write(&buf, d.With("Length", len(data)))
	buf.WriteString("\nstream\n")
	buf.Write(data)
	buf.WriteString("\nendstream")
	return u.AddObject(buf.Bytes())
}

// bytes returns the original document followed by the update, for updates
// without a gap. bytes.Join allocates the result once, at its final size,
// and does not zero it before copying.
func (u *update) bytes() []byte {
	e := u.encode()
	return bytes.Join([][]byte{u.doc.File.Bytes(), e.head, e.tail}, nil)
}

// encoded is an update serialised around an optional gap: after the
// original file come head, gap bytes written later (a signature's hex
// digits), then tail. Offsets in the xref already count the gap, so the
// gap is never materialised as placeholder bytes.
type encoded struct {
	head []byte
	gap  int
	tail []byte
}

func (e *encoded) size() int { return len(e.head) + e.gap + len(e.tail) }

// encode serialises the update's objects, xref and trailer.
func (u *update) encode() encoded {
	orig := u.doc.File.Bytes()
	var e encoded
	w := &bytes.Buffer{}
	w.Grow(1024 + 96*len(u.objects))
	if len(orig) > 0 && orig[len(orig)-1] != '\n' && orig[len(orig)-1] != '\r' {
		w.WriteByte('\n')
	}
	base := int64(len(orig))
	pos := func() int64 { return base + int64(len(e.head)+e.gap+w.Len()) }
	offsets := make(map[int]int64, len(u.objects))
	sort.Slice(u.objects, func(i, j int) bool { return u.objects[i].num < u.objects[j].num })
	for _, o := range u.objects {
		offsets[o.num] = pos()
		w.WriteString(strconv.Itoa(o.num) + " " + strconv.Itoa(o.gen) + " obj\n")
		w.Write(o.body)
		if o.gap > 0 && e.head == nil {
			e.head, e.gap = w.Bytes(), o.gap
			w = &bytes.Buffer{}
			w.Grow(1024 + 64*len(u.objects))
		}
		w.Write(o.rest)
		w.WriteString("\nendobj\n")
	}
	xrefOff := pos()
	if u.doc.XRefStream {
		u.writeXrefStream(w, offsets, xrefOff)
	} else {
		u.writeXrefTable(w, offsets)
	}
	w.WriteString("startxref\n" + strconv.FormatInt(xrefOff, 10) + "\n%%EOF\n")
	if e.head == nil {
		e.head = w.Bytes()
	} else {
		e.tail = w.Bytes()
	}
	return e
}

// trailerFor builds the new trailer: Root, Info and ID carry over, Prev
// points at the section this update extends.
func (u *update) trailerFor(size int) pdf.Dict {
	t := pdf.Dict{{Key: "Size", Value: size}}
	for _, k := range []pdf.Name{"Root", "Info", "ID"} {
		if v := u.doc.Trailer.Get(k); v != nil {
			t = append(t, pdf.Entry{Key: k, Value: v})
		}
	}
	return append(t, pdf.Entry{Key: "Prev", Value: u.doc.StartXRef})
}

func (u *update) writeXrefTable(w *bytes.Buffer, offsets map[int]int64) {
	w.WriteString("xref\n")
	nums := u.sortedNums()
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		w.WriteString(strconv.Itoa(nums[i]) + " " + strconv.Itoa(j-i+1) + "\n")
		for k := i; k <= j; k++ {
			// "%010d %05d n\r\n" without fmt: an entry is exactly 20 bytes.
			var e [20]byte
			e[10], e[16], e[17], e[18], e[19] = ' ', ' ', 'n', '\r', '\n'
			zeroPadded(e[:10], offsets[nums[k]])
			zeroPadded(e[11:16], int64(u.genOf(nums[k])))
			w.Write(e[:])
		}
		i = j + 1
	}
	w.WriteString("trailer\n")
	pdf.Write(w, u.trailerFor(u.next))
	w.WriteByte('\n')
}

// writeXrefStream writes an uncompressed cross-reference stream that also
// lists itself, as 7.5.8.3 requires.
func (u *update) writeXrefStream(w *bytes.Buffer, offsets map[int]int64, self int64) {
	selfNum := u.next
	offsets[selfNum] = self
	nums := append(u.sortedNums(), selfNum)
	var index pdf.Array
	var data []byte
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		index = append(index, nums[i], j-i+1)
		for k := i; k <= j; k++ {
			off, gen := offsets[nums[k]], u.genOf(nums[k])
			data = append(data, 1, byte(off>>32), byte(off>>24), byte(off>>16), byte(off>>8), byte(off), byte(gen>>8), byte(gen))
		}
		i = j + 1
	}
	d := append(pdf.Dict{{Key: "Type", Value: pdf.Name("XRef")}}, u.trailerFor(selfNum+1)...)
	d = append(d, pdf.Entry{Key: "W", Value: pdf.Array{1, 5, 2}}, pdf.Entry{Key: "Index", Value: index}, pdf.Entry{Key: "Length", Value: len(data)})
	w.WriteString(strconv.Itoa(selfNum) + " 0 obj\n")
	pdf.Write(w, d)
	w.WriteString("\nstream\n")
	w.Write(data)
	w.WriteString("\nendstream\nendobj\n")
}

// zeroPadded writes v in decimal filling dst, with leading zeros; the
// offsets and generations of an xref table always fit.
func zeroPadded(dst []byte, v int64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte('0' + v%10)
		v /= 10
	}
}

func (u *update) sortedNums() []int {
	nums := make([]int, 0, len(u.objects))
	for _, o := range u.objects {
		nums = append(nums, o.num)
	}
	sort.Ints(nums)
	return nums
}

func (u *update) genOf(num int) int {
	for _, o := range u.objects {
		if o.num == num {
			return o.gen
		}
	}
	return 0
}

package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
)

// builder writes test files object by object, recording offsets for the xref.
type builder struct {
	buf  bytes.Buffer
	offs map[int]int
	last int // offset of the newest xref section, for /Prev
}

func newBuilder() *builder {
	b := &builder{offs: map[int]int{}, last: -1}
	b.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return b
}

func (b *builder) obj(num int, body string) {
	b.offs[num] = b.buf.Len()
	fmt.Fprintf(&b.buf, "%d 0 obj\n%s\nendobj\n", num, body)
}

// table writes a classic xref section for nums and its trailer, and
// returns the section's offset.
func (b *builder) table(nums []int, trailer string) int {
	off := b.buf.Len()
	b.buf.WriteString("xref\n")
	if len(nums) == 0 || nums[0] != 0 {
		b.buf.WriteString("0 1\n0000000000 65535 f\r\n")
	}
	for _, n := range nums {
		fmt.Fprintf(&b.buf, "%d 1\n%010d 00000 n\r\n", n, b.offs[n])
	}
	if b.last >= 0 {
		trailer += fmt.Sprintf(" /Prev %d", b.last)
	}
	fmt.Fprintf(&b.buf, "trailer\n<< %s >>\n", trailer)
	b.last = off
	return off
}

// xrefRow is one entry of a cross-reference stream: type 1 (offset of
// object num) or type 2 (index idx of object stream stm).
type xrefRow struct{ num, typ, stm, idx int }

// xrefStream writes object num as a compressed xref stream with PNG Up
// predictors, as Acrobat and qpdf write them, and returns its offset.
func (b *builder) xrefStream(num int, rows []xrefRow, extra string) int {
	b.offs[num] = b.buf.Len()
	rows = append(rows, xrefRow{num: num, typ: 1})
	var raw []byte
	var index []string
	for _, r := range rows {
		f2, f3 := b.offs[r.num], 0
		if r.typ == 2 {
			f2, f3 = r.stm, r.idx
		}
		raw = append(raw, byte(r.typ), byte(f2>>16), byte(f2>>8), byte(f2), byte(f3))
		index = append(index, fmt.Sprintf("%d 1", r.num))
	}
	data := flate(pngUp(raw, 5))
	if b.last >= 0 {
		extra += fmt.Sprintf(" /Prev %d", b.last)
	}
	off := b.buf.Len()
	fmt.Fprintf(&b.buf, "%d 0 obj\n<< /Type /XRef /W [1 3 1] /Index [%s] /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 5 >> /Length %d %s >>\nstream\n",
		num, strings.Join(index, " "), len(data), extra)
	b.buf.Write(data)
	b.buf.WriteString("\nendstream\nendobj\n")
	b.last = off
	return off
}

// objStm writes object num as an object stream holding the given objects.
func (b *builder) objStm(num int, objs map[int]string, order []int) {
	var head, body bytes.Buffer
	for _, n := range order {
		fmt.Fprintf(&head, "%d %d ", n, body.Len())
		body.WriteString(objs[n] + "\n")
	}
	data := flate(append(head.Bytes(), body.Bytes()...))
	b.obj(num, fmt.Sprintf("<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream",
		len(order), head.Len(), len(data), data))
}

func (b *builder) end(xref int) []byte {
	fmt.Fprintf(&b.buf, "startxref\n%d\n%%%%EOF\n", xref)
	return append([]byte(nil), b.buf.Bytes()...)
}

func flate(b []byte) []byte {
	var out bytes.Buffer
	w := zlib.NewWriter(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}

// pngUp encodes rows of width columns with the PNG Up filter.
func pngUp(data []byte, width int) []byte {
	var out []byte
	prev := make([]byte, width)
	for i := 0; i < len(data); i += width {
		row := data[i : i+width]
		out = append(out, 2)
		for j := range row {
			out = append(out, row[j]-prev[j])
		}
		prev = row
	}
	return out
}

// classic is a two-page document with a classic xref table and inherited
// page attributes.
func classic() []byte {
	b := newBuilder()
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] >> >>")
	b.obj(2, "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] /Resources << /Font << >> >> >>")
	b.obj(3, "<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>")
	b.obj(4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>")
	b.obj(5, "<< /Length 6 0 R >>\nstream\nBT (endstream) Tj ET\nendstream")
	b.obj(6, "20")
	return b.end(b.table([]int{1, 2, 3, 4, 5, 6}, "/Size 7 /Root 1 0 R"))
}

func mustOpen(t *testing.T, b []byte) *Doc {
	t.Helper()
	doc, err := Open(b)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return doc
}

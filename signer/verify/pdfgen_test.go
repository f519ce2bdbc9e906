package verify

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/vanthu/vanthu/signer/pdf"
)

// basePDF builds a small two-page document with one Square annotation on
// page 1, standing in for an official letter (công văn) before signing.
func basePDF() []byte {
	objs := []string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots [8 0 R] >>",
		4: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
		5: streamObj("BT /F1 18 Tf 72 760 Td (Cong van so 12/UBND: cap 500 trieu dong) Tj ET"),
		6: streamObj("BT /F1 18 Tf 72 760 Td (Trang 2) Tj ET"),
		7: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		8: "<< /Type /Annot /Subtype /Square /Rect [100 100 200 200] /P 3 0 R /Contents (ghi chu) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i := 1; i < len(objs); i++ {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, objs[i])
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs))
	for i := 1; i < len(objs); i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offs[i])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs), xref)
	return b.Bytes()
}

func streamObj(content string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
}

// finalObject returns object num of the document's last revision, and the
// catalog's object number, for building updates that modify them.
func finalObject(t testing.TB, doc []byte, num int) pdf.Dict {
	t.Helper()
	v, err := pdf.NewFile(doc).Open(len(doc))
	if err != nil {
		t.Fatalf("read document: %v", err)
	}
	d := v.Dict(pdf.Ref{Num: num})
	if d == nil {
		t.Fatalf("object %d not found", num)
	}
	return d
}

func catalogNum(t testing.TB, doc []byte) int {
	t.Helper()
	v, err := pdf.NewFile(doc).Open(len(doc))
	if err != nil {
		t.Fatalf("read document: %v", err)
	}
	return v.Trailer.Get("Root").(pdf.Ref).Num
}

// serialize writes a parsed object back as PDF syntax.
func serialize(x any) string {
	var b bytes.Buffer
	pdf.Write(&b, x)
	return b.String()
}

package pdftext

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"testing"
)

// writePDF writes a classic PDF whose object n is objects[n-1]; object 1 is the catalogue.
// A "%s" standing alone for a stream body is not needed: stream objects are passed whole.
func writePDF(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// stream writes a stream object with an uncompressed body.
func stream(dict, body string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(body), body)
}

// imagePDF wraps 8-bit grey pixels as a one-page, image-only PDF, A4 wide: what a scanner
// gives, no fonts, no text.
func imagePDF(t testing.TB, gray []byte, width, height int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(gray); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	pageW := 595.28
	pageH := pageW * float64(height) / float64(width)
	return writePDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>", pageW, pageH),
		stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", width, height), z.String()),
		stream("", fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q", pageW, pageH)),
	)
}

package signertest

import (
	"bytes"
	"crypto/rand"
	"fmt"
)

// RandomScanPDF is a PDF of about size bytes: pages of one uncompressed greyscale image
// each, as a scanner makes them, the image data random so that nothing compresses it away.
func RandomScanPDF(size, pages int) []byte {
	side := 1
	for (side+1)*(side+1)*pages < size-2000*pages {
		side++
	}
	kids := make([]string, pages)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 3+3*i)
	}
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids %v /Count %d >>", kids, pages)}
	for i := range pages {
		content := fmt.Sprintf("q %d 0 0 %d 0 0 cm /Im0 Do Q", side, side)
		pixels := make([]byte, side*side)
		_, _ = rand.Read(pixels)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>",
				side, side, 5+3*i, 4+3*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
			fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream",
				side, side, len(pixels), pixels))
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, body := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /ID [<0102030405060708090A0B0C0D0E0F10> <0102030405060708090A0B0C0D0E0F10>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(objs)+1, xref)
	return out.Bytes()
}

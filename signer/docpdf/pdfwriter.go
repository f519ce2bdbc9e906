package docpdf

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// objects collects the indirect objects of a new PDF. Numbers are handed out in the order
// objects are added (it is a font.ObjectWriter), so the same document always gets the same
// numbering and bytes.
type objects struct {
	bodies [][]byte
}

// AddObject stores body as the next object and returns its number.
func (o *objects) AddObject(body []byte) int {
	o.bodies = append(o.bodies, body)
	return len(o.bodies)
}

// reserve allocates a number for an object whose body is only known later (the page tree
// references pages and pages reference it).
func (o *objects) reserve() int { return o.AddObject(nil) }

func (o *objects) set(n int, body []byte) { o.bodies[n-1] = body }

// bytes serialises a PDF 1.7 file with a classic cross-reference table, which incremental
// updates by the signer (PAdES) append to. The file identifier is a hash of the content, so it
// is stable for a fixed input yet differs between documents.
func (o *objects) bytes(root, info int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") // binary comment: marks the file as binary for transfer tools
	offsets := make([]int, len(o.bodies))
	for i, body := range o.bodies {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(body)
		b.WriteString("\nendobj\n")
	}
	id := sha256.Sum256(b.Bytes())
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(o.bodies)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%X> <%X>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(o.bodies)+1, root, info, id[:16], id[:16], xref)
	return b.Bytes()
}

package signertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/font"
)

// TextLine is a line of text drawn at a baseline (PDF points from the page's lower left
// corner), as an editor's export draws it: each part with its own show operator, and
// Moves[i] (thousandths of an em, negative to the right, as in TJ) before part i, the way
// Word leaves a wide gap without space glyphs.
type TextLine struct {
	X, Y, Size float64
	Parts      []string
	Moves      []float64
}

// Line is a TextLine of one part.
func Line(x, y, size float64, text string) TextLine {
	return TextLine{X: x, Y: y, Size: size, Parts: []string{text}}
}

// TextPDF is a one-page A4 PDF with the lines in an embedded Liberation Serif (a Type0
// font with /ToUnicode, as Word and LibreOffice write Vietnamese): a stand-in for a draft
// made outside vanthu, text and nothing else.
func TextPDF(t testing.TB, lines ...TextLine) []byte {
	t.Helper()
	face, err := font.Regular()
	if err != nil {
		t.Fatalf("TextPDF: %v", err)
	}
	use := font.NewUse(face)
	var content strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&content, "BT /F1 %g Tf %g %g Td\n", l.Size, l.X, l.Y)
		for i, p := range l.Parts {
			if i < len(l.Moves) && l.Moves[i] != 0 {
				fmt.Fprintf(&content, "[%g] TJ\n", l.Moves[i])
			}
			hex, err := use.Encode(p)
			if err != nil {
				t.Fatalf("TextPDF: %q: %v", p, err)
			}
			fmt.Fprintf(&content, "%s Tj\n", hex)
		}
		content.WriteString("ET\n")
	}
	w := &stringObjects{objs: []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"null", // keeps the font's number fixed below
	}}
	fontRef, err := use.Write(w)
	if err != nil {
		t.Fatalf("TextPDF: font: %v", err)
	}
	w.objs[2] = strings.Replace(w.objs[2], "/F1 6 0 R", fmt.Sprintf("/F1 %d 0 R", fontRef), 1)
	return classicPDF(w.objs...)
}

// stringObjects numbers objects from 1 as they are added (font.ObjectWriter).
type stringObjects struct{ objs []string }

func (o *stringObjects) AddObject(body []byte) int {
	o.objs = append(o.objs, string(body))
	return len(o.objs)
}

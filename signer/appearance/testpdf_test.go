package appearance

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/font"
)

// onePagePDF is the smallest PDF writer that can show appearances: it implements ObjectWriter
// and, in finish, adds a page that draws each Form XObject at its Rect with Do.
type onePagePDF struct {
	objects [][]byte
}

func (p *onePagePDF) AddObject(body []byte) int {
	p.objects = append(p.objects, body)
	return len(p.objects)
}

// finish writes every appearance's objects, the page tree and the file with its xref table.
func (p *onePagePDF) finish(t *testing.T, pageBox [4]float64, apps ...*Appearance) []byte {
	t.Helper()
	var content, xobjects strings.Builder
	for i, a := range apps {
		ref, err := a.WriteXObject(p)
		if err != nil {
			t.Fatalf("WriteXObject: %v", err)
		}
		r := a.Rect()
		fmt.Fprintf(&xobjects, " /Fm%d %d 0 R", i, ref)
		fmt.Fprintf(&content, "q 1 0 0 1 %s %s cm /Fm%d Do Q\n", num(r[0]), num(r[1]), i)
	}
	contents := p.AddObject(font.StreamObject("", []byte(content.String())))
	page := len(p.objects) + 1
	pages, catalog := page+1, page+2
	p.AddObject(fmt.Appendf(nil, "<< /Type /Page /Parent %d 0 R /MediaBox [%s %s %s %s] /Resources << /XObject <<%s >> >> /Contents %d 0 R >>",
		pages, num(pageBox[0]), num(pageBox[1]), num(pageBox[2]), num(pageBox[3]), xobjects.String(), contents))
	p.AddObject(fmt.Appendf(nil, "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	p.AddObject(fmt.Appendf(nil, "<< /Type /Catalog /Pages %d 0 R >>", pages))

	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(p.objects))
	for i, body := range p.objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(p.objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(p.objects)+1, catalog, xref)
	return out.Bytes()
}

// Test images are drawn here rather than committed: a blue scribble and a red round seal, both
// on a transparent background like the real scans Decree 30 asks for.
var (
	signatureBlue = color.NRGBA{R: 0x10, G: 0x30, B: 0xD0, A: 0xFF}
	sealRed       = color.NRGBA{R: 0xE0, G: 0x10, B: 0x10, A: 0xFF}
)

// scribblePNG is a w×h blue handwriting-like curve on transparency.
func scribblePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := w / 20; x < w-w/20; x++ {
		// A loopy curve: a slow wave plus a fast one, drawn with a thick pen.
		y := float64(h)/2 + float64(h)*0.3*math.Sin(float64(x)/float64(w)*2*math.Pi) +
			float64(h)*0.12*math.Sin(float64(x)/float64(w)*14*math.Pi)
		for dx := -3; dx <= 3; dx++ {
			for dy := -3; dy <= 3; dy++ {
				img.SetNRGBA(x+dx, int(y)+dy, signatureBlue)
			}
		}
	}
	return encodePNG(t, img)
}

// sealPNG is a d×d red seal: an outer and inner ring and a filled star-like centre disc.
func sealPNG(t testing.TB, d int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, d, d))
	c := float64(d) / 2
	for y := range d {
		for x := range d {
			r := math.Hypot(float64(x)+0.5-c, float64(y)+0.5-c) / c
			if (r > 0.92 && r <= 1) || (r > 0.62 && r < 0.67) || r < 0.2 {
				img.SetNRGBA(x, y, sealRed)
			}
		}
	}
	return encodePNG(t, img)
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatalf("encode test PNG: %v", err)
	}
	return b.Bytes()
}

// blank is a fully transparent w×h image, for tests that only care about proportions.
func blank(w, h int) image.Image { return image.NewNRGBA(image.Rect(0, 0, w, h)) }

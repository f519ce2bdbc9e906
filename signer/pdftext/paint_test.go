package pdftext

import (
	"context"
	"testing"

	"github.com/vanthu/vanthu/signer/pdf"
)

func TestPaintedBoxes(t *testing.T) {
	t.Parallel()
	image := "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x00\nendstream"
	cases := []struct {
		name, content string
		probe         Box
		want          bool
	}{
		{"TextPaintsItsGlyphs", "BT /F1 12 Tf 100 700 Td (Hello) Tj ET", Box{100, 700, 110, 710}, true},
		{"NothingAboveTheAscender", "BT /F1 12 Tf 100 700 Td (Hello) Tj ET", Box{100, 712, 200, 720}, false},
		{"SpacesLeaveNoMark", "BT /F1 12 Tf 100 700 Td (    ) Tj ET", Box{100, 697, 130, 712}, false},
		{"InvisibleTextLeavesNoMark", "BT 3 Tr /F1 12 Tf 100 700 Td (Hello) Tj ET", Box{100, 700, 110, 710}, false},
		{"FillPaintsItsArea", "0 0 1 rg 100 100 200 50 re f", Box{150, 120, 160, 130}, true},
		{"WhiteFillLeavesNoMark", "1 g 0 0 595 842 re f", Box{150, 120, 160, 130}, false},
		{"FrameDoesNotPaintInside", "1 w 100 100 200 50 re S", Box{110, 110, 290, 140}, false},
		{"FramePaintsItsLines", "1 w 100 100 200 50 re S", Box{95, 95, 105, 105}, true},
		{"TransformMovesPaint", "q 2 0 0 2 100 100 cm 0 0 10 10 re f Q", Box{115, 115, 119, 119}, true},
		{"TransformScalesPaint", "q 2 0 0 2 100 100 cm 0 0 10 10 re f Q", Box{125, 125, 130, 130}, false},
		{"ImageFillsItsUnitSquare", "q 50 0 0 50 300 300 cm /X1 Do Q", Box{310, 310, 320, 320}, true},
		{"TouchingAtAnEdgeIsNotOverlap", "100 100 200 50 re f", Box{300, 100, 350, 150}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			doc, err := pdf.Open(onePage("/F1 4 0 R", c.content, image))
			if err != nil {
				t.Fatal(err)
			}
			boxes, err := PaintedBoxes(context.Background(), doc, doc.Pages(1)[0], Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, b := range boxes {
				got = got || b.Overlaps(c.probe)
			}
			if got != c.want {
				t.Fatalf("paint over %v: %v, want %v; boxes %v", c.probe, got, c.want, boxes)
			}
		})
	}
}

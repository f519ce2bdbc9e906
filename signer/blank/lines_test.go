package blank

import (
	"math"
	"testing"

	"github.com/vanthu/vanthu/signer/pdftext"
)

// glyphsOf lays text out one glyph per rune, 7 pt apart, a new line 20 pt lower at each
// "\n", at the sizes the bytes of sizes give in turn.
func glyphsOf(text string, sizes []byte) []pdftext.Glyph {
	var out []pdftext.Glyph
	x, y := 50.0, 800.0
	for i, r := range text {
		if r == '\n' {
			x, y = 50, y-20
			continue
		}
		size := 13.0
		if len(sizes) > 0 {
			size = float64(sizes[i%len(sizes)]) / 8
		}
		out = append(out, pdftext.Glyph{Text: string(r), X: x, Y: y, EndX: x + 6, Size: size})
		x += 7
	}
	return out
}

func TestLinesOfText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text               string
		number, day, month bool
	}{
		{"Số:    /QĐ-UBND   Hòa Bình, ngày    tháng    năm 2026", true, true, true},
		{"SỐ :/CV\nngày…tháng…năm…", true, true, true},
		{"Số: 12/QĐ-UBND Hòa Bình, ngày 05 tháng 3 năm 2026", false, false, false},
		{"số: ___ /TTr\nHà Nội, ngày __ tháng 03 năm ____", true, true, false},
		{"Sổ:  /QĐ ngàyy  tháng  năm", true, false, false}, // "Sổ" folds to "so" too; "ngàyy" is no "ngày"
	} {
		h := inGlyphs(glyphsOf(c.text, nil))
		if (h.Number != nil) != c.number {
			t.Errorf("%q: number %+v", c.text, h.Number)
		}
		gotDay := h.Date != nil && h.Date.Day != nil
		gotMonth := h.Date != nil && h.Date.Month != nil
		if gotDay != c.day || gotMonth != c.month {
			t.Errorf("%q: date %+v", c.text, h.Date)
		}
	}
}

// FuzzLines runs the search over arbitrary text at arbitrary sizes: no panic, and every
// blank found has a position and size that a stamp can use.
func FuzzLines(f *testing.F) {
	f.Add("Số:    /QĐ-UBND   Hòa Bình, ngày    tháng    năm 2026", []byte{104})
	f.Add("SỐ :/CV\nngày…tháng…năm…", []byte{0, 255})
	f.Fuzz(func(t *testing.T, text string, sizes []byte) {
		if len(text) > 4096 {
			return
		}
		h := inGlyphs(glyphsOf(text, sizes))
		check := func(g *Gap) {
			if g != nil && (math.IsNaN(g.X) || g.Size <= 0 || g.Width < 0) {
				t.Fatalf("gap %+v", *g)
			}
		}
		check(h.Number)
		if h.Date != nil {
			check(h.Date.Day)
			check(h.Date.Month)
			check(h.Date.Year)
		}
	})
}

package pdftext

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Glyph is one glyph of a page's content with where it stands: the baseline start and end
// in the page's default user space, and the type size it was drawn at. Only upright text
// (not rotated) is reported: the header lines of a Decree 30 document are upright.
type Glyph struct {
	Text       string
	X, Y, EndX float64
	Size       float64
}

// maxGlyphs bounds what PageGlyphs keeps of one page.
const maxGlyphs = 200_000

// PageGlyphs returns the glyphs of the 0-based page's content streams (annotations left
// out: they are not part of the page as drafted), in content order, within the limits of
// opts.
func PageGlyphs(ctx context.Context, data []byte, index int, opts Options) ([]Glyph, error) {
	opts = opts.withDefaults()
	r := bytes.NewReader(data)
	if err := checkTail(r, int64(len(data))); err != nil {
		return nil, fmt.Errorf("pdftext: open: %w", err)
	}
	doc, err := open(r, int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("pdftext: open: %w", err)
	}
	var pages []pdf.Page
	if err := guard(func() error {
		pages = doc.Pages(index + 1)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("pdftext: page tree: %w", err)
	}
	if index < 0 || index >= len(pages) {
		return nil, fmt.Errorf("pdftext: %w: no page %d", ErrMalformed, index+1)
	}
	lim := &limits{ctx: ctx, bytes: opts.MaxBytes, ops: opts.MaxOps}
	var glyphs []Glyph
	p := &page{doc: doc, lim: lim, glyphs: &glyphs, st: state{ctm: identity, tm: identity, tlm: identity, th: 1}}
	err = guard(func() error {
		content, err := contents(doc, pages[index].Dict.Get("Contents"), lim)
		if err != nil {
			return err
		}
		return p.run(content, &scope{res: doc.Dict(pages[index].Attr("Resources")), fonts: map[string]*font{}}, 0)
	})
	if err != nil {
		return glyphs, fmt.Errorf("pdftext: page %d: %w", index+1, err)
	}
	return glyphs, nil
}

// recordGlyph keeps a glyph for PageGlyphs when it is upright and its numbers are sane. The
// size is the vertical scale alone: a slanted (synthetic italic) glyph is no larger.
func (p *page) recordGlyph(text string, trm matrix, endX float64) {
	if len(*p.glyphs) >= maxGlyphs || text == "" || trm[0] <= 0 || trm[3] <= 0 || math.Abs(trm[1]) > 1e-6*trm[0] {
		return
	}
	g := Glyph{Text: text, X: trm[4], Y: trm[5], EndX: endX, Size: trm[3]}
	if math.IsNaN(g.X+g.Y+g.EndX) || math.IsInf(g.X+g.Y+g.EndX, 0) {
		return
	}
	*p.glyphs = append(*p.glyphs, g)
}

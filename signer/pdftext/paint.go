package pdftext

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Box is an axis-aligned rectangle in a page's default user space.
type Box struct{ X0, Y0, X1, Y1 float64 }

// Overlaps reports that b and c share an area: boxes that only touch at an edge do not.
func (b Box) Overlaps(c Box) bool {
	return math.Min(b.X1, c.X1) > math.Max(b.X0, c.X0) && math.Min(b.Y1, c.Y1) > math.Max(b.Y0, c.Y0)
}

func (b Box) add(x, y float64) Box {
	return Box{math.Min(b.X0, x), math.Min(b.Y0, y), math.Max(b.X1, x), math.Max(b.Y1, y)}
}

// emptyBox is the start of a union: adding any point makes it that point.
var emptyBox = Box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}

// everywhere stands for paint whose extent is not followed (a shading filling the clip).
var everywhere = Box{-1e9, -1e9, 1e9, 1e9}

// painter records the areas where a content stream leaves marks. The boxes are
// conservative: a glyph's box spans its advance from descender to ascender height, a
// filled path its whole bounding box, a stroked path each segment's box widened by the
// line width, an image its unit square. Paint in white on the page (a background, a
// white-out box) leaves no visible mark and is not recorded.
type painter struct {
	boxes []Box
	max   int
	seg   Box // the current subpath segment's start, as a degenerate box
	cur   [2]float64
	fill  Box   // bounding box of the current path
	segs  []Box // boxes of the current path's segments, for stroking
}

// PaintedBoxes returns where the content streams of a page paint: text, paths, images and
// shadings, in default user space, annotations excluded. The list is capped; when the cap
// or a limit of opts is reached the error says so, and the caller must treat the rest of
// the page as painted.
func PaintedBoxes(ctx context.Context, doc *pdf.Doc, pg pdf.Page, opts Options) ([]Box, error) {
	opts = opts.withDefaults()
	lim := &limits{ctx: ctx, bytes: opts.MaxBytes, ops: opts.MaxOps}
	p := &page{doc: doc, lim: lim, st: state{ctm: identity, tm: identity, tlm: identity, th: 1},
		paint: &painter{max: 100_000, fill: emptyBox}}
	p.st.lineWidth = 1
	err := guard(func() error {
		data, err := contents(doc, pg.Dict.Get("Contents"), lim)
		if err != nil {
			return err
		}
		return p.run(data, &scope{res: doc.Dict(pg.Attr("Resources")), fonts: map[string]*font{}}, 0)
	})
	if err == nil && len(p.paint.boxes) >= p.paint.max {
		err = fmt.Errorf("%w: more than %d painted areas", ErrTooLarge, p.paint.max)
	}
	if err != nil {
		return p.paint.boxes, fmt.Errorf("pdftext: painted areas: %w", err)
	}
	return p.paint.boxes, nil
}

// record adds a box unless the list is full.
func (pt *painter) record(b Box) {
	if len(pt.boxes) < pt.max && b.X0 <= b.X1 && b.Y0 <= b.Y1 {
		pt.boxes = append(pt.boxes, b)
	}
}

// transformed returns the box of the unit-space rectangle r mapped by m.
func transformed(m matrix, x0, y0, x1, y1 float64) Box {
	b := emptyBox
	for _, c := range [4][2]float64{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
		b = b.add(c[0]*m[0]+c[1]*m[2]+m[4], c[0]*m[1]+c[1]*m[3]+m[5])
	}
	return b
}

// paintOp follows the operators that paint or build paths, and the colour and line state
// they need. Operators with missing operands are ignored.
func (p *page) paintOp(op string, args []token, n func(int) float64) {
	pt, st, ctm := p.paint, &p.st, p.st.ctm
	point := func(x, y float64) {
		dx, dy := x*ctm[0]+y*ctm[2]+ctm[4], x*ctm[1]+y*ctm[3]+ctm[5]
		pt.fill = pt.fill.add(dx, dy)
		seg := Box{pt.cur[0], pt.cur[1], pt.cur[0], pt.cur[1]}.add(dx, dy)
		pt.segs = append(pt.segs, seg)
		pt.cur = [2]float64{dx, dy}
	}
	switch op {
	case "m":
		if len(args) == 2 {
			dx, dy := n(0)*ctm[0]+n(1)*ctm[2]+ctm[4], n(0)*ctm[1]+n(1)*ctm[3]+ctm[5]
			pt.fill = pt.fill.add(dx, dy)
			pt.cur = [2]float64{dx, dy}
			pt.seg = Box{dx, dy, dx, dy}
		}
	case "l":
		if len(args) == 2 {
			point(n(0), n(1))
		}
	case "c":
		if len(args) == 6 {
			// A Bézier curve lies inside the hull of its control points.
			point(n(0), n(1))
			point(n(2), n(3))
			point(n(4), n(5))
		}
	case "v", "y":
		if len(args) == 4 {
			point(n(0), n(1))
			point(n(2), n(3))
		}
	case "re":
		if len(args) == 4 {
			x, y, w, h := n(0), n(1), n(2), n(3)
			p.paintOp("m", args[:2], n)
			point(x+w, y)
			point(x+w, y+h)
			point(x, y+h)
			point(x, y)
		}
	case "h":
		pt.segs = append(pt.segs, pt.seg.add(pt.cur[0], pt.cur[1]))
	case "S", "s":
		pt.stroke(st.lineWidth * p.lineScale())
	case "f", "F", "f*":
		if !st.white {
			pt.record(pt.fill)
		}
		pt.endPath()
	case "B", "B*", "b", "b*":
		if !st.white {
			pt.record(pt.fill)
		}
		pt.stroke(st.lineWidth * p.lineScale())
	case "n":
		pt.endPath()
	case "w":
		st.lineWidth = n(0)
	case "g":
		st.white = len(args) == 1 && n(0) >= 1
	case "rg":
		st.white = len(args) == 3 && n(0) >= 1 && n(1) >= 1 && n(2) >= 1
	case "k":
		st.white = len(args) == 4 && n(0) <= 0 && n(1) <= 0 && n(2) <= 0 && n(3) <= 0
	case "sc", "scn", "cs":
		st.white = false // another colour space or a pattern: assume it shows
	case "Tr":
		st.invisible = n(0) == 3 || n(0) == 7
	case "sh":
		pt.record(everywhere)
	case "BI":
		pt.record(transformed(ctm, 0, 0, 1, 1))
	}
}

// lineScale is how far, in user space, a stroke of width 1 reaches beyond its path.
func (p *page) lineScale() float64 {
	m := p.st.ctm
	return math.Max(math.Hypot(m[0], m[1]), math.Hypot(m[2], m[3]))
}

// stroke records each segment of the current path widened by half the line width (at least
// a device pixel's worth): a frame drawn around an area does not paint inside it.
func (pt *painter) stroke(width float64) {
	half := math.Max(width, 1) / 2
	for _, s := range pt.segs {
		pt.record(Box{s.X0 - half, s.Y0 - half, s.X1 + half, s.Y1 + half})
	}
	pt.endPath()
}

func (pt *painter) endPath() {
	pt.fill, pt.segs = emptyBox, pt.segs[:0]
}

// blank tells a glyph known to leave no mark: a space.
func (g glyph) blank() bool {
	return g.space || g.text != "" && strings.TrimSpace(g.text) == ""
}

// glyph records the box of one glyph drawn with the text rendering matrix trm.
func (pt *painter) glyph(st *state, trm matrix, width float64) {
	if !st.invisible {
		pt.record(transformed(trm, 0, -0.25, width/1000, 1))
	}
}

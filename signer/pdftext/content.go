package pdftext

import (
	"math"
	"strings"

	"github.com/vanthu/vanthu/signer/pdf"
)

// matrix is a PDF transformation [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m×n: first m, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) matrix { return matrix{1, 0, 0, 1, x, y} }

// state is the part of the graphics and text state that positions text.
type state struct {
	ctm                  matrix
	tm, tlm              matrix
	tc, tw, th, tl, rise float64
	size                 float64
	font                 *font
	// what PaintedBoxes needs besides
	lineWidth        float64
	white, invisible bool // white non-stroking colour; text render mode that paints no glyphs
}

// scope is a resource dictionary with the fonts already read from it.
type scope struct {
	res   pdf.Dict
	fonts map[string]*font
}

// page turns the content streams of one page into text, in content order, with a space where
// the glyphs leave a gap and a line break where the baseline moves.
type page struct {
	doc   *pdf.Doc
	lim   *limits
	paint *painter // set when the page's painted areas are wanted
	// glyphs, when set, receives every upright glyph with its position (PageGlyphs)
	glyphs *[]Glyph
	out    strings.Builder
	st     state
	stack  []state
	// where the last glyph ended, in device space, for gap detection
	last struct {
		set        bool
		x, y, size float64
	}
}

// maxFormDepth bounds Form XObjects drawn inside forms, a loop in a hostile file included.
const maxFormDepth = 8

func (p *page) run(data []byte, sc *scope, depth int) error {
	l := newLexer(data)
	var args []token
	for {
		t := l.next()
		switch t.kind {
		case tokEOF:
			return nil
		case tokOp:
		default:
			if len(args) < 64 {
				args = append(args, t)
			}
			continue
		}
		if err := p.lim.op(); err != nil {
			return err
		}
		if t.op == "ID" {
			l.skipInlineImage()
		}
		if err := p.do(t.op, args, sc, depth); err != nil {
			return err
		}
		args = args[:0]
	}
}

// do runs one operator. Operators with missing operands are ignored.
func (p *page) do(op string, args []token, sc *scope, depth int) error {
	n := func(i int) float64 { // numeric operand i, counted from the first
		if i < len(args) && args[i].kind == tokNum {
			return args[i].num
		}
		return 0
	}
	st := &p.st
	if p.paint != nil {
		p.paintOp(op, args, n)
	}
	switch op {
	case "q":
		if len(p.stack) < 256 {
			p.stack = append(p.stack, p.st)
		}
	case "Q":
		if len(p.stack) > 0 {
			p.st, p.stack = p.stack[len(p.stack)-1], p.stack[:len(p.stack)-1]
		}
	case "cm":
		if len(args) == 6 {
			st.ctm = matrix{n(0), n(1), n(2), n(3), n(4), n(5)}.mul(st.ctm)
		}
	case "BT":
		st.tm, st.tlm = identity, identity
	case "Tf":
		if len(args) == 2 && args[0].kind == tokName {
			st.font, st.size = p.font(sc, args[0].op), n(1)
		}
	case "Tc":
		st.tc = n(0)
	case "Tw":
		st.tw = n(0)
	case "Tz":
		st.th = n(0) / 100
	case "TL":
		st.tl = n(0)
	case "Ts":
		st.rise = n(0)
	case "Td":
		p.moveLine(n(0), n(1))
	case "TD":
		st.tl = -n(1)
		p.moveLine(n(0), n(1))
	case "Tm":
		if len(args) == 6 {
			st.tm = matrix{n(0), n(1), n(2), n(3), n(4), n(5)}
			st.tlm = st.tm
		}
	case "T*":
		p.moveLine(0, -st.tl)
	case "Tj":
		p.showArgs(args)
	case "'":
		p.moveLine(0, -st.tl)
		p.showArgs(args)
	case "\"":
		if len(args) == 3 {
			st.tw, st.tc = n(0), n(1)
			p.moveLine(0, -st.tl)
			p.showArgs(args[2:])
		}
	case "TJ":
		if len(args) == 1 && args[0].kind == tokArray {
			for _, e := range args[0].array {
				switch e.kind {
				case tokString:
					p.show(e.str)
				case tokNum:
					st.tm = translate(-e.num/1000*st.size*st.th, 0).mul(st.tm)
				}
			}
		}
	case "Do":
		if len(args) == 1 && args[0].kind == tokName && depth < maxFormDepth {
			return p.form(sc, args[0].op, depth)
		}
	}
	return nil
}

func (p *page) moveLine(tx, ty float64) {
	p.st.tlm = translate(tx, ty).mul(p.st.tlm)
	p.st.tm = p.st.tlm
}

func (p *page) showArgs(args []token) {
	if len(args) > 0 && args[len(args)-1].kind == tokString {
		p.show(args[len(args)-1].str)
	}
}

// show draws a string glyph by glyph, advancing the text matrix as PDF 32000 §9.4.4 says.
func (p *page) show(s string) {
	st := &p.st
	if st.font == nil {
		if p.paint != nil { // no metrics: take every byte for a full-width glyph
			trm := matrix{st.size * st.th, 0, 0, st.size, 0, st.rise}.mul(st.tm).mul(st.ctm)
			p.paint.glyph(st, trm, 1000*float64(len(s)))
		}
		return
	}
	st.font.decode(s, func(g glyph) {
		trm := matrix{st.size * st.th, 0, 0, st.size, 0, st.rise}.mul(st.tm).mul(st.ctm)
		if p.paint != nil && !g.blank() {
			p.paint.glyph(st, trm, g.width)
		}
		adv := g.width/1000*st.size + st.tc
		if g.space {
			adv += st.tw
		}
		st.tm = translate(adv*st.th, 0).mul(st.tm)
		end := matrix{1, 0, 0, 1, 0, st.rise}.mul(st.tm).mul(st.ctm)
		p.emit(g.text, trm, end[4], end[5])
	})
}

// emit appends a glyph's text, first a line break or a space when its position is far from
// where the previous glyph ended. Distances are measured along and across the baseline, so
// rotated pages read as well as upright ones.
func (p *page) emit(text string, trm matrix, endX, endY float64) {
	size := math.Hypot(trm[2], trm[3])
	dirLen := math.Hypot(trm[0], trm[1])
	if size == 0 || dirLen == 0 || math.IsNaN(size+dirLen) {
		return
	}
	dx, dy := trm[0]/dirLen, trm[1]/dirLen
	if p.last.set && text != "" {
		gx, gy := trm[4]-p.last.x, trm[5]-p.last.y
		along, across := gx*dx+gy*dy, gy*dx-gx*dy
		ref := math.Max(size, p.last.size)
		switch {
		case math.Abs(across) > ref/2:
			p.separate('\n')
		case along > ref*0.15 || along < -ref:
			p.separate(' ')
		}
	}
	if text != "" {
		p.out.WriteString(text)
	}
	if p.glyphs != nil {
		p.recordGlyph(text, trm, endX)
	}
	p.last.set, p.last.x, p.last.y, p.last.size = true, endX, endY, size
}

// separate writes a separator unless the text already ends with white space.
func (p *page) separate(c byte) {
	s := p.out.String()
	if s == "" {
		return
	}
	switch s[len(s)-1] {
	case '\n':
		return
	case ' ':
		if c == ' ' {
			return
		}
	}
	p.out.WriteByte(c)
}

// font returns the font resource name of the current scope, read once.
func (p *page) font(sc *scope, name string) *font {
	if f, ok := sc.fonts[name]; ok {
		return f
	}
	var f *font
	if fd := p.doc.Dict(p.doc.Dict(sc.res.Get("Font")).Get(pdf.Name(name))); fd != nil {
		f = newFont(p.doc, fd, p.lim)
	}
	sc.fonts[name] = f
	return f
}

// maxAnnots bounds the annotations read on one page.
const maxAnnots = 500

// annotations draws the normal appearance of the page's visible annotations after its
// content, as viewers and pdftotext show them: a visible signature's "Ký bởi: …" text, form
// fields, stamps.
func (p *page) annotations(annots pdf.Array) error {
	doc := p.doc
	for i := 0; i < len(annots) && i < maxAnnots; i++ {
		a := doc.Dict(annots[i])
		if integer(doc, a.Get("F"))&2 != 0 { // hidden
			continue
		}
		ap, ok := doc.Get(doc.Dict(a.Get("AP")).Get("N")).(pdf.Stream)
		if !ok {
			continue // absent, or one appearance per state (check boxes): no text
		}
		rect, bbox := doc.Array(a.Get("Rect")), doc.Array(ap.Dict.Get("BBox"))
		// Place the form's box at the annotation's corner; the scaling of PDF 32000 §12.5.5
		// does not matter for the text.
		saved := p.st.ctm
		p.st.ctm = translate(index(doc, rect, 0)-index(doc, bbox, 0), index(doc, rect, 1)-index(doc, bbox, 1)).mul(p.st.ctm)
		p.separate('\n')
		err := p.drawForm(ap, &scope{fonts: map[string]*font{}}, 0)
		p.st.ctm = saved
		if err != nil {
			return err
		}
	}
	return nil
}

// form draws a Form XObject: its own content with its own resources (or the caller's) and
// its /Matrix, inside a saved graphics state.
func (p *page) form(sc *scope, name string, depth int) error {
	x, ok := p.doc.Get(p.doc.Dict(sc.res.Get("XObject")).Get(pdf.Name(name))).(pdf.Stream)
	if ok && p.paint != nil && p.doc.Get(x.Dict.Get("Subtype")) == pdf.Name("Image") {
		p.paint.record(transformed(p.st.ctm, 0, 0, 1, 1))
	}
	if !ok || p.doc.Get(x.Dict.Get("Subtype")) != pdf.Name("Form") {
		return nil
	}
	return p.drawForm(x, sc, depth)
}

// drawForm draws the form stream x.
func (p *page) drawForm(x pdf.Stream, sc *scope, depth int) error {
	data, err := p.lim.read(x)
	if err != nil {
		return err
	}
	inner := sc
	if res := p.doc.Dict(x.Dict.Get("Resources")); res != nil {
		inner = &scope{res: res, fonts: map[string]*font{}}
	}
	saved := p.st
	if m := p.doc.Array(x.Dict.Get("Matrix")); len(m) == 6 {
		var fm matrix
		for i := range fm {
			fm[i] = index(p.doc, m, i)
		}
		p.st.ctm = fm.mul(p.st.ctm)
	}
	err = p.run(data, inner, depth+1)
	p.st = saved
	return err
}

// index returns element i of a as a number, 0 when it is missing or not a number.
func index(doc *pdf.Doc, a pdf.Array, i int) float64 {
	if i >= len(a) {
		return 0
	}
	f, _ := pdf.Number(doc.Get(a[i]))
	return f
}

// integer returns v as an integer, 0 when it is not one.
func integer(doc *pdf.Doc, v any) int64 {
	n, _ := doc.Get(v).(int64)
	return n
}

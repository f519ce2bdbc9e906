package docpdf

import (
	"fmt"
	"strconv"
	"strings"
)

// Type sizes of Decree 30 (PL I, Phần I, mục II), all within the ranges the decree allows.
var (
	nationalStyle = style{size: 13, bold: true}               // ô 1 Quốc hiệu
	mottoStyle    = style{size: 14, bold: true}               // ô 1 Tiêu ngữ
	parentStyle   = style{size: 13}                           // ô 2 cơ quan chủ quản
	agencyStyle   = style{size: 13, bold: true}               // ô 2 cơ quan ban hành
	numberStyle   = style{size: 13}                           // ô 3 and ô 5b
	dateStyle     = style{size: 14, italic: true}             // ô 4
	titleStyle    = style{size: 14, bold: true}               // ô 5a
	bodyStyle     = style{size: 14}                           // ô 6
	signerStyle   = style{size: 14, bold: true}               // ô 7
	toHeadStyle   = style{size: 12, bold: true, italic: true} // ô 9b heading
	toStyle       = style{size: 11}                           // ô 9b entries
	stampStyle    = style{size: 13, bold: true, red: true}    // ô 10a, 10b
	pageNumStyle  = style{size: 13}
)

// The grid: ô 2, 3 and 9 sit in a left column, ô 1, 4 and 7 in the right one.
var (
	textWidth    = pageWidth - marginLeft - marginRight
	leftColumn   = mm(70)
	rightColumn  = textWidth - leftColumn
	paraIndent   = mm(12.7) // first-line indent of body paragraphs: 1–1.27 cm
	paraSpacing  = 6.0      // at least 6 pt between paragraphs
	lineSpacing  = 1.3      // within single to 1.5 lines
	signatureBox = [2]float64{mm(60), mm(25)}
)

// layout flows a document down A4 portrait pages. cursor is the y of the top of the next
// line; everything above it on the current page is taken.
type layout struct {
	c      *canvas
	cursor float64
	top    float64 // where content starts on the current page
	tail   float64 // height that must follow the last two lines of the body on their page
	blanks IssueBlanks
}

func newLayout() (*layout, error) {
	c, err := newCanvas(pageWidth, pageHeight)
	if err != nil {
		return nil, err
	}
	l := &layout{c: c}
	l.nextPage()
	return l, nil
}

// nextPage starts a page; from the second page on the number is centred in the top margin.
func (l *layout) nextPage() {
	n := l.c.newPage()
	l.top = pageHeight - marginTop
	l.cursor = l.top
	if n > 0 {
		// Digits are in every font, so this cannot fail.
		_, _ = l.c.centred(pageNumStyle, pageWidth/2+(marginLeft-marginRight)/2, pageHeight-mm(13), strconv.Itoa(n+1))
	}
}

// need moves to a new page unless h points fit above the bottom margin.
func (l *layout) need(h float64) {
	if l.cursor-h < marginBottom && l.cursor < l.top {
		l.nextPage()
	}
}

// lineHeight is the advance from one baseline to the next.
func lineHeight(s style) float64 { return s.size * lineSpacing }

// baseline is where the baseline of a line whose top is at top goes.
func (l *layout) baseline(s style, top float64) float64 {
	lh := lineHeight(s)
	f := l.c.face(s)
	return top - (lh-f.Ascent(s.size)-f.Descent(s.size))/2 - f.Ascent(s.size)
}

// centredLines draws text wrapped to width and centred on cx, starting at top; it returns the
// y under the last line and the width of the widest line.
func (l *layout) centredLines(s style, cx, top, width float64, text string) (bottom, widest float64, err error) {
	lines, err := l.c.wrap(s, clean(text), width, width)
	if err != nil {
		return 0, 0, err
	}
	for _, ln := range lines {
		if err := l.c.runs(s, cx-ln.width/2, l.baseline(s, top), ln.words, 0); err != nil {
			return 0, 0, err
		}
		top -= lineHeight(s)
		widest = max(widest, ln.width)
	}
	return top, widest, nil
}

// alignment is how a paragraph's lines sit between its margins.
type alignment int

const (
	alignLeft    alignment = iota
	alignJustify           // flush both sides except the last line
	alignCentre
)

// paragraph flows text over width starting at x, breaking pages as needed. indent applies to
// the first line.
func (l *layout) paragraph(s style, x, width, indent float64, text string, align alignment) error {
	return l.paragraphWithTail(s, x, width, indent, text, align, 0)
}

// paragraphWithTail is paragraph whose last two lines need tail points after them on the page.
func (l *layout) paragraphWithTail(s style, x, width, indent float64, text string, align alignment, tail float64) error {
	return l.flow(s, x, width, indent, "", text, align, tail)
}

// flow is paragraphWithTail with a lead set in bold before text on the first line. The lead
// and the space after it are taken from the first line's width before wrapping, and that
// space stretches with the others when the line is justified.
func (l *layout) flow(s style, x, width, indent float64, lead, text string, align alignment, tail float64) error {
	lead = clean(lead)
	bold := s
	bold.bold = true
	space, err := l.c.measure(s, " ")
	if err != nil {
		return err
	}
	leadWidth := 0.0
	if lead != "" {
		if leadWidth, err = l.c.measure(bold, lead); err != nil {
			return err
		}
		leadWidth += space
	}
	lines, err := l.c.wrap(s, clean(text), width-indent-leadWidth, width)
	if err != nil {
		return err
	}
	if lead != "" && len(lines) == 0 {
		lines = []line{{}}
	}
	for i, ln := range lines {
		if keep := len(lines) - i; tail > 0 && keep <= 2 && (keep == 2 || len(lines) == 1) {
			l.need(float64(keep)*lineHeight(s) + tail)
		} else {
			l.need(lineHeight(s))
		}
		lx, lw, lineLead, gaps := x, width, "", len(ln.words)-1
		if i == 0 {
			lx, lw, lineLead = x+indent, width-indent, lead
			if lead != "" {
				ln.width += leadWidth
				gaps++
			}
		}
		extra := 0.0
		if align == alignCentre {
			lx += (lw - ln.width) / 2
		}
		if align == alignJustify && i < len(lines)-1 && gaps > 0 {
			// Spread the slack over the gaps, but never stretch a gap beyond three spaces:
			// a line with one long word after a short one looks worse stretched than ragged.
			extra = min((lw-ln.width)/float64(gaps), 2*space)
		}
		y := l.baseline(s, l.cursor)
		if lineLead != "" {
			if err := l.c.runs(bold, lx, y, []string{lineLead}, 0); err != nil {
				return err
			}
			lx += leadWidth + extra
		}
		if len(ln.words) > 0 {
			if err := l.c.runs(s, lx, y, ln.words, extra); err != nil {
				return err
			}
		}
		l.cursor -= lineHeight(s)
	}
	return nil
}

// where wraps err with the document element it came from.
func where(element string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("docpdf: %s: %w", element, err)
}

// upperLines splits on explicit line breaks and upper-cases, for agency names.
func upperLines(s string) []string {
	var out []string
	for _, part := range strings.Split(s, "\n") {
		if p := clean(part); p != "" {
			out = append(out, strings.ToUpper(p))
		}
	}
	return out
}

// Package blank finds, on the first page of a draft that vanthu did not render itself (a
// Word or LibreOffice export uploaded by a specialist), the blanks Decree 30 leaves for
// the clerk: the number after "Số:" (ô 3, under the issuing authority) and the day, month
// and year of "ngày … tháng … năm …" (ô 4, under the motto). The agency's signature
// writes the number and date there at issue (service/keyring).
//
// The search reads the page's text layer with positions (signer/pdftext). It is tolerant of
// how editors write the header: composed or decomposed diacritics, any letter case,
// "Số :" or "Số:", spaces, dots, underscores or ellipses as blanks, text split across
// several show operators, and parts already printed ("tháng 12 năm 2026").
package blank

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/signer/pdftext"
	"golang.org/x/text/unicode/norm"
)

// Gap is one blank on a baseline of the first page, in default user space: X is where the
// text written into it starts (one space after the label), Width how far it runs before the
// next printed character (0 when nothing follows on the line), Size the type size of the
// label, which the written text takes.
type Gap struct {
	X, Y, Width, Size float64
}

// Date is the date line of ô 4. A nil gap is a part already printed, whose value is in
// Printed (day, month, year; 0 where blank).
type Date struct {
	Day, Month, Year *Gap
	Printed          [3]int
}

// Header is what Find found; a nil field was not found.
type Header struct {
	// Number is the blank between "Số:" and the "/" of the notation.
	Number *Gap
	// Date is the first "ngày … tháng … năm …" with a blank, or a fully printed one that
	// follows the place name in the header.
	Date *Date
}

// ErrUnreadable wraps what makes the first page's text unreadable.
var ErrUnreadable = errors.New("blank: the first page's text cannot be read")

// limits bound the work on a hostile upload: the first page only, a few MiB of content.
var limits = pdftext.Options{MaxPages: 1, MaxBytes: 32 << 20, MaxOps: 2_000_000}

// headerDepth is how far below the page's topmost text a fully printed date line may stand
// and still be taken for ô 4 rather than a date cited in the body.
const headerDepth = 200.0

// Find looks for the number and date blanks on the first page of pdf.
func Find(ctx context.Context, pdf []byte) (Header, error) {
	glyphs, err := pdftext.PageGlyphs(ctx, pdf, 0, limits)
	if err != nil && len(glyphs) == 0 {
		return Header{}, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return inGlyphs(glyphs), nil
}

// inGlyphs looks for the blanks among a page's glyphs.
func inGlyphs(glyphs []pdftext.Glyph) Header {
	lines := splitLines(glyphs)
	var h Header
	for _, ln := range lines {
		if h.Number == nil {
			h.Number = ln.number()
		}
		if h.Date == nil {
			h.Date = ln.date(lines[0].y - ln.y)
		}
	}
	return h
}

// cell is one folded rune of a line: a base letter in lower case without its marks, or a
// space standing for a gap between glyphs. x0 and x1 are where it starts and ends.
type cell struct {
	r      rune
	x0, x1 float64
	size   float64
}

// line is the text on one baseline, left to right.
type line struct {
	y     float64
	cells []cell
}

// splitLines groups glyphs by baseline, top to bottom, and folds each line.
func splitLines(glyphs []pdftext.Glyph) []line {
	order := make([]int, len(glyphs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(glyphs[b].Y, glyphs[a].Y) })
	var lines []line
	var members [][]pdftext.Glyph
	for _, i := range order {
		g := glyphs[i]
		if g.Size <= 0 {
			continue
		}
		n := len(lines)
		if n > 0 && lines[n-1].y-g.Y <= 0.25*g.Size {
			members[n-1] = append(members[n-1], g)
			continue
		}
		lines = append(lines, line{y: g.Y})
		members = append(members, []pdftext.Glyph{g})
	}
	for i := range lines {
		// Stable: a zero-width combining mark keeps its place after its letter.
		slices.SortStableFunc(members[i], func(a, b pdftext.Glyph) int { return cmp.Compare(a.X, b.X) })
		lines[i].cells = fold(members[i])
	}
	return lines
}

// fold turns glyphs into cells: decomposed, marks dropped, lower case, with a space where
// the glyphs leave a gap wider than a thin space.
func fold(glyphs []pdftext.Glyph) []cell {
	var out []cell
	for i, g := range glyphs {
		if i > 0 {
			prev := glyphs[i-1]
			if g.X-prev.EndX > 0.15*g.Size {
				out = append(out, cell{r: ' ', x0: prev.EndX, x1: g.X, size: g.Size})
			}
		}
		runes := []rune(norm.NFD.String(g.Text))
		kept := 0
		for _, r := range runes {
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			kept++
		}
		// A glyph of several letters (a ligature) shares its width between them.
		w, k := (g.EndX-g.X)/float64(max(kept, 1)), 0
		for _, r := range runes {
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			if unicode.IsSpace(r) {
				r = ' '
			}
			x0 := g.X + float64(k)*w
			out = append(out, cell{r: unicode.ToLower(r), x0: x0, x1: x0 + w, size: g.Size})
			k++
		}
	}
	return out
}

// isBlank tells whether r fills a blank: white space, dots, underscores, ellipses.
func isBlank(r rune) bool {
	switch r {
	case ' ', '.', '_', '…', '·':
		return true
	}
	return false
}

// word reports whether the word w (folded) starts at i, not inside another word.
func (l line) word(i int, w string) (end int, ok bool) {
	if i > 0 && unicode.IsLetter(l.cells[i-1].r) {
		return 0, false
	}
	for _, r := range w {
		if i >= len(l.cells) || l.cells[i].r != r {
			return 0, false
		}
		i++
	}
	if i < len(l.cells) && unicode.IsLetter(l.cells[i].r) {
		return 0, false
	}
	return i, true
}

// skip returns the first index from i whose cell is not a blank.
func (l line) skip(i int) int {
	for i < len(l.cells) && isBlank(l.cells[i].r) {
		i++
	}
	return i
}

// gap is the blank after the label that ends at cell end-1, running to cell next (or the
// line's end); it is written one space after the label.
func (l line) gap(end, next int) *Gap {
	label := l.cells[end-1]
	size := label.size
	x := label.x1 + 0.25*size
	g := &Gap{X: x, Y: l.y, Size: size}
	if next < len(l.cells) {
		g.Width = max(0, l.cells[next].x0-x)
	}
	return g
}

// number finds "Số:" followed only by blanks up to a "/".
func (l line) number() *Gap {
	for i := range l.cells {
		end, ok := l.word(i, "so")
		if !ok {
			continue
		}
		for end < len(l.cells) && l.cells[end].r == ' ' {
			end++
		}
		if end >= len(l.cells) || l.cells[end].r != ':' {
			continue
		}
		end++
		next := l.skip(end)
		if next < len(l.cells) && l.cells[next].r == '/' {
			return l.gap(end, next)
		}
	}
	return nil
}

// date finds "ngày … tháng … năm …" where each part is blank or a number; depth is how far
// the line is below the page's topmost text.
func (l line) date(depth float64) *Date {
	for i := range l.cells {
		if _, ok := l.word(i, "ngay"); !ok {
			continue
		}
		d, printed, ok := l.dateAt(i)
		if !ok {
			continue
		}
		if printed && !(depth <= headerDepth && l.afterComma(i)) {
			continue // a date cited in the body, not the header's
		}
		return d
	}
	return nil
}

// dateAt reads the parts of the date line starting with "ngày" at i; printed is true when
// no part is blank.
func (l line) dateAt(i int) (d *Date, printed, ok bool) {
	d = &Date{}
	parts := []struct {
		word string
		gap  **Gap
		then string
	}{{"ngay", &d.Day, "thang"}, {"thang", &d.Month, "nam"}, {"nam", &d.Year, ""}}
	for k, p := range parts {
		end, ok := l.word(i, p.word)
		if !ok {
			return nil, false, false
		}
		next := l.skip(end)
		digits := next
		for digits < len(l.cells) && '0' <= l.cells[digits].r && l.cells[digits].r <= '9' {
			digits++
		}
		switch {
		case digits > next && digits-next <= 4:
			for _, c := range l.cells[next:digits] {
				d.Printed[k] = d.Printed[k]*10 + int(c.r-'0')
			}
			i = l.skip(digits) // printed
		case digits == next && (p.then == "" || l.startsWord(next, p.then)):
			*p.gap = l.gap(end, next)
			i = next
		default:
			return nil, false, false
		}
		if p.then != "" && !l.startsWord(i, p.then) {
			return nil, false, false
		}
	}
	return d, d.Day == nil && d.Month == nil && d.Year == nil, true
}

func (l line) startsWord(i int, w string) bool {
	_, ok := l.word(i, w)
	return ok
}

// afterComma tells whether the last printed character before i is a comma, as in
// "Hòa Bình, ngày".
func (l line) afterComma(i int) bool {
	for i--; i >= 0; i-- {
		if r := l.cells[i].r; r != ' ' {
			return r == ','
		}
	}
	return false
}

// String is the folded line, for tests and logs.
func (l line) String() string {
	var b strings.Builder
	for _, c := range l.cells {
		b.WriteRune(c.r)
	}
	return b.String()
}

package docpdf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Register is a sổ đăng ký (incoming or outgoing document register) to print as a table on
// landscape A4 pages; clerks print it for the paper archive.
type Register struct {
	// Agency is printed top left, in upper case, e.g. "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH".
	Agency string
	// Title is the register's name, e.g. "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"; Subtitle is under it, e.g. "Năm 2025".
	Title, Subtitle string
	// Columns are the table's columns, left to right.
	Columns []Column
	// Rows hold one string per column; a missing trailing cell is empty.
	Rows [][]string
}

// Column is one register column.
type Column struct {
	Title string
	// Width is the column's share of the table width, relative to the other columns.
	Width float64
}

// Landscape A4 and the table's type.
var (
	landscapeWidth, landscapeHeight = pageHeight, pageWidth
	registerMargin                  = [4]float64{mm(20), mm(15), mm(15), mm(15)} // left, right, top, bottom
	cellStyle                       = style{size: 11}
	headStyle                       = style{size: 11, bold: true}
	cellPad                         = 3.0
)

// RenderRegister prints r as a table over as many landscape A4 pages as needed, repeating the
// column headings on every page.
func RenderRegister(r Register) ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	c, err := newCanvas(landscapeWidth, landscapeHeight)
	if err != nil {
		return nil, err
	}
	t := &table{c: c, widths: r.widths()}
	if err := t.titlePage(r); err != nil {
		return nil, err
	}
	for i, row := range r.Rows {
		cells := make([]string, len(r.Columns))
		copy(cells, row)
		if err := t.row(cells, cellStyle); err != nil {
			return nil, where("register row "+strconv.Itoa(i+1), err)
		}
	}
	return c.pdf(clean(r.Title + " " + r.Subtitle))
}

func (r *Register) validate() error {
	if len(r.Columns) == 0 {
		return fmt.Errorf("docpdf: %w: a register needs at least one column", ErrInvalid)
	}
	texts := []string{r.Agency, r.Title, r.Subtitle}
	for _, col := range r.Columns {
		if col.Width < 0 {
			return fmt.Errorf("docpdf: %w: column %q has a negative width", ErrInvalid, col.Title)
		}
		texts = append(texts, col.Title)
	}
	for i, row := range r.Rows {
		if len(row) > len(r.Columns) {
			return fmt.Errorf("docpdf: %w: row %d has %d cells for %d columns", ErrInvalid, i+1, len(row), len(r.Columns))
		}
		texts = append(texts, row...)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return fmt.Errorf("docpdf: %w: text %q is not valid UTF-8", ErrInvalid, s)
		}
	}
	return nil
}

// widths shares the table width among the columns; a column without a width gets an average share.
func (r *Register) widths() []float64 {
	total := landscapeWidth - registerMargin[0] - registerMargin[1]
	sum, given := 0.0, 0
	for _, col := range r.Columns {
		if col.Width > 0 {
			sum += col.Width
			given++
		}
	}
	avg := 1.0
	if given > 0 {
		avg = sum / float64(given)
	}
	shares := make([]float64, len(r.Columns))
	all := 0.0
	for i, col := range r.Columns {
		shares[i] = col.Width
		if shares[i] == 0 {
			shares[i] = avg
		}
		all += shares[i]
	}
	for i := range shares {
		shares[i] *= total / all
	}
	return shares
}

// table flows rows down landscape pages.
type table struct {
	c       *canvas
	widths  []float64
	heading []string
	cursor  float64
	// headingLines is how many lines the headings took, to tell a page holding only them.
	headingLines float64
}

// titlePage draws the agency, the title and the first column headings.
func (t *table) titlePage(r Register) error {
	t.c.newPage()
	t.cursor = landscapeHeight - registerMargin[2]
	left := registerMargin[0]
	centre := left + (landscapeWidth-registerMargin[0]-registerMargin[1])/2
	if a := strings.ToUpper(clean(r.Agency)); a != "" {
		if err := t.c.text(agencyStyle, left, t.cursor-agencyStyle.size, a); err != nil {
			return where("register agency", err)
		}
		t.cursor -= lineHeight(agencyStyle)
	}
	for _, line := range []struct {
		text string
		s    style
	}{{strings.ToUpper(clean(r.Title)), style{size: 16, bold: true}}, {clean(r.Subtitle), style{size: 13, italic: true}}} {
		if line.text == "" {
			continue
		}
		if _, err := t.c.centred(line.s, centre, t.cursor-line.s.size, line.text); err != nil {
			return where("register title", err)
		}
		t.cursor -= lineHeight(line.s)
	}
	t.cursor -= 6
	for _, col := range r.Columns {
		t.heading = append(t.heading, col.Title)
	}
	return where("register column headings", t.row(t.heading, headStyle))
}

// row draws one row of cells, wrapped in their columns. A row that does not fit goes to the
// next page under repeated headings; a row taller than a whole page is split between pages.
func (t *table) row(cells []string, s style) error {
	wrapped := make([][]line, len(cells))
	n := 1
	for i, cell := range cells {
		lines, err := t.c.wrap(s, clean(cell), t.widths[i]-2*cellPad, t.widths[i]-2*cellPad)
		if err != nil {
			return err
		}
		wrapped[i], n = lines, max(n, len(lines))
	}
	lh := lineHeight(s)
	for start := 0; start < n; {
		fits := int((t.cursor - registerMargin[3] - 2*cellPad) / lh)
		rest := n - start
		if fits < rest && s != headStyle && !t.freshPage() {
			if err := t.nextPage(); err != nil {
				return err
			}
			continue
		}
		count := max(1, min(rest, fits))
		if err := t.drawLines(wrapped, start, count, s); err != nil {
			return err
		}
		start += count
		if start < n {
			if err := t.nextPage(); err != nil {
				return err
			}
		}
	}
	return nil
}

// freshPage reports whether only the headings are on the page yet.
func (t *table) freshPage() bool {
	return t.cursor >= landscapeHeight-registerMargin[2]-t.headingHeight()-0.5
}

func (t *table) headingHeight() float64 { return t.headingLines*lineHeight(headStyle) + 2*cellPad }

// drawLines draws lines [start, start+count) of every cell and the row's borders.
func (t *table) drawLines(wrapped [][]line, start, count int, s style) error {
	lh := lineHeight(s)
	h := float64(count)*lh + 2*cellPad
	x := registerMargin[0]
	f := t.c.face(s)
	for i, lines := range wrapped {
		for j := start; j < start+count && j < len(lines); j++ {
			baseline := t.cursor - cellPad - float64(j-start)*lh - (lh+f.Ascent(s.size)-f.Descent(s.size))/2
			if err := t.c.runs(s, x+cellPad, baseline, lines[j].words, 0); err != nil {
				return err
			}
		}
		t.c.box(x, t.cursor-h, t.widths[i], h, false)
		x += t.widths[i]
	}
	if s == headStyle {
		t.headingLines = float64(count)
	}
	t.cursor -= h
	return nil
}

// nextPage starts a page with its number in the top margin and the column headings.
func (t *table) nextPage() error {
	n := t.c.newPage()
	_, _ = t.c.centred(pageNumStyle, landscapeWidth/2, landscapeHeight-mm(10), strconv.Itoa(n+1)) // digits always render
	t.cursor = landscapeHeight - registerMargin[2]
	return t.row(t.heading, headStyle)
}

package docpdf

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/vanthu/vanthu/signer/font"
	"golang.org/x/text/unicode/norm"
)

// style is how a run of text is set. Italic is a slanted Regular (the bundle has no italic
// face); Decree 30 asks for italics only on the place-and-date line and "Nơi nhận".
type style struct {
	size   float64
	bold   bool
	italic bool
	red    bool // urgency and confidentiality stamps
}

// canvas is a PDF under construction: its pages' content streams and the fonts they draw with.
type canvas struct {
	width, height float64
	faces         [2]*font.Face // regular, bold
	uses          [2]*font.Use
	pages         []*bytes.Buffer
}

func newCanvas(width, height float64) (*canvas, error) {
	regular, err := font.Regular()
	if err != nil {
		return nil, fmt.Errorf("docpdf: %w", err)
	}
	bold, err := font.Bold()
	if err != nil {
		return nil, fmt.Errorf("docpdf: %w", err)
	}
	c := &canvas{width: width, height: height, faces: [2]*font.Face{regular, bold}}
	c.uses = [2]*font.Use{font.NewUse(regular), font.NewUse(bold)}
	return c, nil
}

// newPage starts a page and returns its 0-based index.
func (c *canvas) newPage() int {
	c.pages = append(c.pages, &bytes.Buffer{})
	return len(c.pages) - 1
}

func (c *canvas) out() *bytes.Buffer { return c.pages[len(c.pages)-1] }

func (s style) faceIndex() int {
	if s.bold {
		return 1
	}
	return 0
}

func (c *canvas) face(s style) *font.Face { return c.faces[s.faceIndex()] }

// measure is the width of text in s, or a *font.MissingGlyphError.
func (c *canvas) measure(s style, text string) (float64, error) {
	return c.face(s).Width(text, s.size)
}

// text draws text with its baseline starting at x, y.
func (c *canvas) text(s style, x, y float64, text string) error {
	return c.runs(s, x, y, []string{text}, 0)
}

// centred draws text centred on cx and returns its width.
func (c *canvas) centred(s style, cx, y float64, text string) (float64, error) {
	w, err := c.measure(s, text)
	if err != nil {
		return 0, err
	}
	return w, c.text(s, cx-w/2, y, text)
}

// runs draws words separated by spaces, each space widened by extra points (justification).
// Identity-H fonts ignore Tw, so the extra space is a TJ displacement after each space glyph.
func (c *canvas) runs(s style, x, y float64, words []string, extra float64) error {
	use := c.uses[s.faceIndex()]
	var tj strings.Builder
	for i, w := range words {
		if i < len(words)-1 {
			w += " "
		}
		hex, err := use.Encode(w)
		if err != nil {
			return err
		}
		tj.WriteString(hex)
		if i < len(words)-1 && extra != 0 {
			fmt.Fprintf(&tj, " %s ", num(-extra*1000/s.size))
		}
	}
	skew := "0"
	if s.italic {
		skew = "0.2" // about 11°, close to Times italic's slant
	}
	colour := "0 g"
	if s.red {
		colour = "0.85 0 0 rg"
	}
	fmt.Fprintf(c.out(), "BT %s /F%d %s Tf 1 0 %s 1 %s %s Tm [%s] TJ ET\n",
		colour, s.faceIndex()+1, num(s.size), skew, num(x), num(y), tj.String())
	return nil
}

// line strokes a black line of the given width.
func (c *canvas) line(x1, y1, x2, y2, width float64) {
	fmt.Fprintf(c.out(), "0 G %s w %s %s m %s %s l S\n", num(width), num(x1), num(y1), num(x2), num(y2))
}

// box strokes a rectangle, red for stamps.
func (c *canvas) box(x, y, w, h float64, red bool) {
	colour := "0 G"
	if red {
		colour = "0.85 0 0 RG"
	}
	fmt.Fprintf(c.out(), "%s 0.8 w %s %s %s %s re S\n", colour, num(x), num(y), num(w), num(h))
}

// line is one wrapped line: its words and their width set with single spaces.
type line struct {
	words []string
	width float64
}

// wrap breaks text into lines: the first at most first wide, the rest at most rest wide. A
// word longer than a line is broken between letters rather than run into the margin.
func (c *canvas) wrap(s style, text string, first, rest float64) ([]line, error) {
	space, err := c.measure(s, " ")
	if err != nil {
		return nil, err
	}
	var lines []line
	cur := line{}
	limit := first
	for _, word := range strings.Fields(text) {
		w, err := c.measure(s, word)
		if err != nil {
			return nil, err
		}
		if len(cur.words) > 0 && cur.width+space+w <= limit {
			cur.words = append(cur.words, word)
			cur.width += space + w
			continue
		}
		if len(cur.words) > 0 {
			lines, cur, limit = append(lines, cur), line{}, rest
		}
		for w > limit {
			piece, pw := c.longestPrefix(s, word, limit)
			lines = append(lines, line{words: []string{piece}, width: pw})
			word, w, limit = word[len(piece):], w-pw, rest
		}
		cur = line{words: []string{word}, width: w}
	}
	if len(cur.words) > 0 {
		lines = append(lines, cur)
	}
	return lines, nil
}

// longestPrefix is the longest prefix of word (at least one rune) that fits in limit, and its
// width. Widths add up rune by rune (the fonts are set without kerning), which keeps breaking
// a very long word linear in its length.
func (c *canvas) longestPrefix(s style, word string, limit float64) (string, float64) {
	end, width := 0, 0.0
	for i, r := range word {
		rw, _ := c.measure(s, string(r)) // every rune was measured by the caller
		if width+rw > limit && end > 0 {
			break
		}
		end, width = i+utf8.RuneLen(r), width+rw
	}
	return word[:end], width
}

// pdf writes the pages, the fonts they used and the document catalogue.
func (c *canvas) pdf(title string) ([]byte, error) {
	o := &objects{}
	catalog := o.reserve()
	tree := o.reserve()
	contents := make([]int, len(c.pages))
	for i, p := range c.pages {
		compressed, err := font.Deflate(p.Bytes())
		if err != nil {
			return nil, fmt.Errorf("docpdf: compress page %d: %w", i+1, err)
		}
		contents[i] = o.AddObject(font.StreamObject("/Filter /FlateDecode", compressed))
	}
	var fonts strings.Builder
	for i, u := range c.uses {
		ref, err := u.Write(o)
		if err != nil {
			return nil, fmt.Errorf("docpdf: %w", err)
		}
		fmt.Fprintf(&fonts, " /F%d %d 0 R", i+1, ref)
	}
	kids := make([]string, len(c.pages))
	for i := range c.pages {
		kids[i] = fmt.Sprintf("%d 0 R", o.AddObject(fmt.Appendf(nil,
			"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources << /Font <<%s >> >> /Contents %d 0 R >>",
			tree, num(c.width), num(c.height), fonts.String(), contents[i])))
	}
	o.set(tree, fmt.Appendf(nil, "<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	o.set(catalog, fmt.Appendf(nil, "<< /Type /Catalog /Pages %d 0 R /Lang (vi-VN) >>", tree))
	info := o.AddObject(fmt.Appendf(nil, "<< /Title %s /Producer (vanthu docpdf) >>", textString(title)))
	return o.bytes(catalog, info), nil
}

// textString encodes s as a PDF text string in UTF-16BE with a byte-order mark, the only
// encoding that carries Vietnamese letters in the document information dictionary.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}

// clean collapses whitespace and composes to NFC, so text typed with combining marks
// (e + U+0302 + U+0301) is drawn with the precomposed glyph (ế) the font has.
func clean(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// num formats a PDF real with at most three decimals, never in exponent form.
func num(v float64) string {
	v = math.Round(v*1000) / 1000
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// mm converts millimetres to PDF points.
func mm(v float64) float64 { return v * 72 / 25.4 }

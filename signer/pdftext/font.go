package pdftext

import (
	"golang.org/x/text/encoding/charmap"

	"github.com/vanthu/vanthu/signer/pdf"
)

// font decodes the strings shown with one font resource into text and advance widths.
type font struct {
	toUnicode *cmap            // the /ToUnicode map, nil if absent
	composite bool             // Type0: multi-byte codes through a CMap, CIDs for widths
	codeLen   int              // bytes per code when fixed: 1 for simple fonts, 2 for Identity-H
	base      *charmap.Charmap // a simple font's base encoding
	diff      map[byte]string  // a simple font's /Differences, as text
	first     int              // a simple font's /FirstChar
	widths    []float64        // a simple font's /Widths, in glyph space (1/1000 em)
	cidWidths map[uint32]float64
	dw        float64 // default width
}

// glyph is one decoded character code.
type glyph struct {
	text  string
	width float64 // advance in glyph space, 1/1000 of the font size
	space bool    // a single-byte code 32, to which word spacing (Tw) applies
}

// newFont reads a font dictionary. Missing or broken entries fall back to sensible
// defaults rather than errors: text is what matters, not exact metrics.
func newFont(doc *pdf.Doc, v pdf.Dict, lim *limits) *font {
	f := &font{dw: 500}
	if tu, ok := doc.Get(v.Get("ToUnicode")).(pdf.Stream); ok {
		if data, err := lim.read(tu); err == nil {
			f.toUnicode = parseCMap(data)
		}
	}
	if doc.Get(v.Get("Subtype")) == pdf.Name("Type0") {
		f.composite = true
		switch doc.Get(v.Get("Encoding")) {
		case pdf.Name("Identity-H"), pdf.Name("Identity-V"):
			f.codeLen = 2
		}
		var cid pdf.Dict
		if desc := doc.Array(v.Get("DescendantFonts")); len(desc) > 0 {
			cid = doc.Dict(desc[0])
		}
		f.readCIDWidths(doc, cid)
		return f
	}
	f.codeLen = 1
	f.base = charmap.Windows1252
	enc := doc.Get(v.Get("Encoding"))
	if d, ok := enc.(pdf.Dict); ok {
		f.readDifferences(doc, doc.Array(d.Get("Differences")))
		enc = doc.Get(d.Get("BaseEncoding"))
	}
	if enc == pdf.Name("MacRomanEncoding") {
		f.base = charmap.Macintosh
	}
	f.first = int(integer(doc, v.Get("FirstChar")))
	ws := doc.Array(v.Get("Widths"))
	for i := 0; i < len(ws) && i < 256; i++ {
		f.widths = append(f.widths, index(doc, ws, i))
	}
	if mw := doc.Get(doc.Dict(v.Get("FontDescriptor")).Get("MissingWidth")); mw != nil {
		f.dw, _ = pdf.Number(mw)
	}
	return f
}

// readDifferences maps the codes of a /Differences array to their glyph names' text.
func (f *font) readDifferences(doc *pdf.Doc, d pdf.Array) {
	f.diff = map[byte]string{}
	c := 0
	for i := 0; i < len(d) && i < 1024; i++ {
		switch x := doc.Get(d[i]).(type) {
		case int64:
			c = int(x)
		case pdf.Name:
			if 0 <= c && c < 256 {
				f.diff[byte(c)] = glyphText(string(x))
			}
			c++
		}
	}
}

// readCIDWidths reads /DW and /W of a CIDFont: runs "c [w1 w2 …]" and "cfirst clast w".
func (f *font) readCIDWidths(doc *pdf.Doc, cid pdf.Dict) {
	f.dw = 1000
	if dw := doc.Get(cid.Get("DW")); dw != nil {
		f.dw, _ = pdf.Number(dw)
	}
	f.cidWidths = map[uint32]float64{}
	w := doc.Array(cid.Get("W"))
	work := maxEntries // widths set, repeated ones included, so overlapping runs cannot loop long
	for i := 0; i+1 < len(w) && work > 0; {
		start := uint32(integer(doc, w[i]))
		if next, ok := doc.Get(w[i+1]).(pdf.Array); ok {
			for j := 0; j < len(next) && work > 0; j, work = j+1, work-1 {
				f.cidWidths[start+uint32(j)] = index(doc, next, j)
			}
			i += 2
			continue
		}
		if i+2 >= len(w) {
			return
		}
		end, width := uint32(integer(doc, w[i+1])), index(doc, w, i+2)
		for c := start; c <= end && work > 0; c, work = c+1, work-1 {
			f.cidWidths[c] = width
			if c == end { // end may be the largest uint32
				break
			}
		}
		i += 3
	}
}

// decode splits a shown string into glyphs. The code length comes from the font's encoding;
// only a composite font with another CMap than Identity falls back on the code space of its
// /ToUnicode, which producers often get wrong (Adobe PDF Library declares <0000> <FFFF> for
// the one-byte codes of simple fonts).
func (f *font) decode(s string, each func(glyph)) {
	for len(s) > 0 {
		n := f.codeLen
		if n == 0 {
			n = 2
			if f.toUnicode != nil {
				n = f.toUnicode.codeLength(s, 2)
			}
		}
		n = min(n, len(s))
		c, _ := toCode(s[:n])
		s = s[n:]
		each(glyph{text: f.text(c), width: f.width(c), space: n == 1 && c.v == 32})
	}
}

// text is the Unicode text of a code: from /ToUnicode first, else from the simple font's
// encoding. A composite font without /ToUnicode has no text to give.
func (f *font) text(c code) string {
	if f.toUnicode != nil {
		if s, ok := f.toUnicode.lookup(c); ok {
			return s
		}
		if c.n == 1 { // a simple font's map written with two-byte codes
			if s, ok := f.toUnicode.lookup(code{2, c.v}); ok {
				return s
			}
		}
	}
	if f.composite || c.n != 1 {
		return ""
	}
	if s, ok := f.diff[byte(c.v)]; ok {
		return s
	}
	if c.v < 32 {
		return ""
	}
	return string(f.base.DecodeByte(byte(c.v)))
}

func (f *font) width(c code) float64 {
	if f.composite {
		if w, ok := f.cidWidths[c.v]; ok {
			return w
		}
		return f.dw
	}
	if i := int(c.v) - f.first; i >= 0 && i < len(f.widths) {
		return f.widths[i]
	}
	return f.dw
}

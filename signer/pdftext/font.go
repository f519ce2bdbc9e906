package pdftext

import (
	"github.com/digitorus/pdf"
	"golang.org/x/text/encoding/charmap"
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
func newFont(v pdf.Value, lim *limits) *font {
	f := &font{dw: 500}
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if data, err := lim.read(tu); err == nil {
			f.toUnicode = parseCMap(data)
		}
	}
	if v.Key("Subtype").Name() == "Type0" {
		f.composite = true
		switch v.Key("Encoding").Name() {
		case "Identity-H", "Identity-V":
			f.codeLen = 2
		}
		f.readCIDWidths(v.Key("DescendantFonts").Index(0))
		return f
	}
	f.codeLen = 1
	f.base = charmap.Windows1252
	enc := v.Key("Encoding")
	if enc.Kind() == pdf.Dict {
		f.readDifferences(enc.Key("Differences"))
		enc = enc.Key("BaseEncoding")
	}
	if enc.Name() == "MacRomanEncoding" {
		f.base = charmap.Macintosh
	}
	f.first = int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	for i := 0; i < ws.Len() && i < 256; i++ {
		f.widths = append(f.widths, ws.Index(i).Float64())
	}
	if mw := v.Key("FontDescriptor").Key("MissingWidth"); mw.Kind() != pdf.Null {
		f.dw = mw.Float64()
	}
	return f
}

// readDifferences maps the codes of a /Differences array to their glyph names' text.
func (f *font) readDifferences(d pdf.Value) {
	f.diff = map[byte]string{}
	c := 0
	for i := 0; i < d.Len() && i < 1024; i++ {
		switch x := d.Index(i); x.Kind() {
		case pdf.Integer:
			c = int(x.Int64())
		case pdf.Name:
			if 0 <= c && c < 256 {
				f.diff[byte(c)] = glyphText(x.Name())
			}
			c++
		}
	}
}

// readCIDWidths reads /DW and /W of a CIDFont: runs "c [w1 w2 …]" and "cfirst clast w".
func (f *font) readCIDWidths(cid pdf.Value) {
	f.dw = 1000
	if dw := cid.Key("DW"); dw.Kind() != pdf.Null {
		f.dw = dw.Float64()
	}
	f.cidWidths = map[uint32]float64{}
	w := cid.Key("W")
	work := maxEntries // widths set, repeated ones included, so overlapping runs cannot loop long
	for i := 0; i+1 < w.Len() && work > 0; {
		start := uint32(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && work > 0; j, work = j+1, work-1 {
				f.cidWidths[start+uint32(j)] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			return
		}
		end, width := uint32(w.Index(i+1).Int64()), w.Index(i+2).Float64()
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

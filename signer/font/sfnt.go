package font

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// This file is a deliberately small TrueType reader: just the tables needed to map runes to glyphs,
// measure advances and cut a subset. Every read is bounds-checked because the subsetter is fuzzed
// with corrupted fonts and must answer with an error, never a panic.

// ErrMalformed is wrapped by every error about a font file that cannot be read.
var ErrMalformed = errors.New("malformed TrueType font")

// TrueType is a parsed TrueType (glyf-outline) font.
type TrueType struct {
	tables      map[string][]byte
	unitsPerEm  int
	bbox        [4]int16 // xMin yMin xMax yMax in font units
	ascent      int16
	descent     int16
	capHeight   int16
	weight      int
	numGlyphs   int
	numHMetrics int
	advances    []uint16  // per glyph, in font units
	glyphOffset []uint32  // numGlyphs+1 entries into glyf
	cmap        cmapTable // zero value maps nothing
}

// Parse reads the table directory and the metrics every use of the font needs.
func Parse(data []byte) (*TrueType, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("%w: %d bytes is too short for a header", ErrMalformed, len(data))
	}
	if v := u32(data, 0); v != 0x00010000 && v != 0x74727565 { // 1.0 or 'true'
		return nil, fmt.Errorf("%w: sfnt version %#x is not TrueType outlines", ErrMalformed, v)
	}
	n := int(u16(data, 4))
	if len(data) < 12+16*n {
		return nil, fmt.Errorf("%w: table directory truncated", ErrMalformed)
	}
	f := &TrueType{tables: make(map[string][]byte, n)}
	for i := range n {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, length := uint64(u32(rec, 8)), uint64(u32(rec, 12))
		if off+length > uint64(len(data)) {
			return nil, fmt.Errorf("%w: table %q lies outside the file", ErrMalformed, tag)
		}
		f.tables[tag] = data[off : off+length]
	}
	for _, step := range []func() error{f.parseHead, f.parseHhea, f.parseMaxp, f.parseHmtx, f.parseLoca, f.parseOS2} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if raw, ok := f.tables["cmap"]; ok {
		f.cmap = pickCmap(raw)
	}
	return f, nil
}

func (f *TrueType) table(tag string, minLen int) ([]byte, error) {
	t, ok := f.tables[tag]
	if !ok {
		return nil, fmt.Errorf("%w: no %q table", ErrMalformed, tag)
	}
	if len(t) < minLen {
		return nil, fmt.Errorf("%w: %q table is %d bytes, want at least %d", ErrMalformed, tag, len(t), minLen)
	}
	return t, nil
}

func (f *TrueType) parseHead() error {
	head, err := f.table("head", 54)
	if err != nil {
		return err
	}
	f.unitsPerEm = int(u16(head, 18))
	if f.unitsPerEm < 16 || f.unitsPerEm > 16384 {
		return fmt.Errorf("%w: unitsPerEm %d out of range", ErrMalformed, f.unitsPerEm)
	}
	for i := range f.bbox {
		f.bbox[i] = int16(u16(head, 36+2*i))
	}
	return nil
}

func (f *TrueType) parseHhea() error {
	hhea, err := f.table("hhea", 36)
	if err != nil {
		return err
	}
	f.ascent, f.descent = int16(u16(hhea, 4)), int16(u16(hhea, 6))
	f.numHMetrics = int(u16(hhea, 34))
	return nil
}

func (f *TrueType) parseMaxp() error {
	maxp, err := f.table("maxp", 6)
	if err != nil {
		return err
	}
	f.numGlyphs = int(u16(maxp, 4))
	if f.numGlyphs == 0 {
		return fmt.Errorf("%w: font has no glyphs", ErrMalformed)
	}
	return nil
}

func (f *TrueType) parseHmtx() error {
	if f.numHMetrics < 1 || f.numHMetrics > f.numGlyphs {
		return fmt.Errorf("%w: numberOfHMetrics %d with %d glyphs", ErrMalformed, f.numHMetrics, f.numGlyphs)
	}
	hmtx, err := f.table("hmtx", 4*f.numHMetrics+2*(f.numGlyphs-f.numHMetrics))
	if err != nil {
		return err
	}
	f.advances = make([]uint16, f.numGlyphs)
	for g := range f.advances {
		// Glyphs past numberOfHMetrics repeat the last advance (monospaced tail).
		f.advances[g] = u16(hmtx, 4*min(g, f.numHMetrics-1))
	}
	return nil
}

func (f *TrueType) parseLoca() error {
	head := f.tables["head"]
	long := int16(u16(head, 50)) != 0
	size := 2
	if long {
		size = 4
	}
	loca, err := f.table("loca", size*(f.numGlyphs+1))
	if err != nil {
		return err
	}
	glyf, err := f.table("glyf", 0)
	if err != nil {
		return err
	}
	f.glyphOffset = make([]uint32, f.numGlyphs+1)
	for i := range f.glyphOffset {
		if long {
			f.glyphOffset[i] = u32(loca, 4*i)
		} else {
			f.glyphOffset[i] = 2 * uint32(u16(loca, 2*i))
		}
		if uint64(f.glyphOffset[i]) > uint64(len(glyf)) {
			return fmt.Errorf("%w: loca entry %d points past glyf", ErrMalformed, i)
		}
	}
	return nil
}

// parseOS2 is lenient: the table is optional, and only cap height and weight come from it.
func (f *TrueType) parseOS2() error {
	f.capHeight, f.weight = f.ascent, 400
	os2, ok := f.tables["OS/2"]
	if !ok || len(os2) < 6 {
		return nil
	}
	f.weight = int(u16(os2, 4))
	if u16(os2, 0) >= 2 && len(os2) >= 90 {
		f.capHeight = int16(u16(os2, 88))
	}
	return nil
}

// NumGlyphs is the number of glyphs in the font, .notdef included.
func (f *TrueType) NumGlyphs() int { return f.numGlyphs }

// UnitsPerEm is the size of the em square all other metrics are measured in.
func (f *TrueType) UnitsPerEm() int { return f.unitsPerEm }

// GlyphIndex returns the glyph id of r, or 0 (.notdef) when the font cannot draw it.
func (f *TrueType) GlyphIndex(r rune) uint16 {
	if g := f.cmap.lookup(r); int(g) < f.numGlyphs {
		return g
	}
	return 0
}

// Advance is the advance width of glyph g in font units (0 for an id the font lacks).
func (f *TrueType) Advance(g uint16) int {
	if int(g) >= len(f.advances) {
		return 0
	}
	return int(f.advances[g])
}

// Ascent and Descent are the hhea line metrics in font units; Descent is usually negative.
func (f *TrueType) Ascent() int  { return int(f.ascent) }
func (f *TrueType) Descent() int { return int(f.descent) }

// Glyph returns the outline bytes of glyph g (empty for glyphs without contours).
func (f *TrueType) Glyph(g int) ([]byte, error) {
	if g < 0 || g >= f.numGlyphs {
		return nil, fmt.Errorf("%w: glyph %d out of range (font has %d)", ErrMalformed, g, f.numGlyphs)
	}
	start, end := f.glyphOffset[g], f.glyphOffset[g+1]
	if start > end {
		return nil, fmt.Errorf("%w: glyph %d has a negative length", ErrMalformed, g)
	}
	return f.tables["glyf"][start:end], nil
}

// cmapTable is one chosen Unicode subtable: format 4 (BMP) or format 12 (full Unicode).
type cmapTable struct {
	format int
	data   []byte
}

// pickCmap prefers a full-Unicode format 12 subtable and falls back to BMP format 4.
func pickCmap(raw []byte) cmapTable {
	if len(raw) < 4 {
		return cmapTable{}
	}
	n := int(u16(raw, 2))
	var best cmapTable
	for i := range n {
		rec := 4 + 8*i
		if rec+8 > len(raw) {
			break
		}
		platform, encoding, off := u16(raw, rec), u16(raw, rec+2), u32(raw, rec+4)
		unicode := platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
		if !unicode || uint64(off)+4 > uint64(len(raw)) {
			continue
		}
		sub := raw[off:]
		switch format := int(u16(sub, 0)); {
		case format == 12 && len(sub) >= 16:
			length := uint64(u32(sub, 4))
			if length <= uint64(len(sub)) {
				return cmapTable{format: 12, data: sub[:length]}
			}
		case format == 4 && best.format == 0:
			length := int(u16(sub, 2))
			if length <= len(sub) && length >= 16 {
				best = cmapTable{format: 4, data: sub[:length]}
			}
		}
	}
	return best
}

// lookup returns the glyph id of r, or 0 (.notdef) when the font lacks it.
func (c cmapTable) lookup(r rune) uint16 {
	switch c.format {
	case 4:
		return c.lookup4(r)
	case 12:
		return c.lookup12(r)
	}
	return 0
}

func (c cmapTable) lookup4(r rune) uint16 {
	d := c.data
	if r < 0 || r > 0xFFFF || len(d) < 14 {
		return 0
	}
	segX2 := int(u16(d, 6))
	if segX2%2 != 0 || 16+4*segX2 > len(d) {
		return 0
	}
	ends, starts, deltas, ranges := 14, 16+segX2, 16+2*segX2, 16+3*segX2
	// Segments are sorted by end code; the first end >= r is the only candidate.
	i := sort.Search(segX2/2, func(i int) bool { return rune(u16(d, ends+2*i)) >= r })
	if i == segX2/2 {
		return 0
	}
	start := rune(u16(d, starts+2*i))
	if r < start {
		return 0
	}
	delta, rangeOff := u16(d, deltas+2*i), int(u16(d, ranges+2*i))
	if rangeOff == 0 {
		return uint16(r) + delta
	}
	at := ranges + 2*i + rangeOff + 2*int(r-start)
	if at+2 > len(d) {
		return 0
	}
	if g := u16(d, at); g != 0 {
		return g + delta
	}
	return 0
}

func (c cmapTable) lookup12(r rune) uint16 {
	d := c.data
	n := int(u32(d, 12))
	if n < 0 || n > (len(d)-16)/12 {
		return 0
	}
	i := sort.Search(n, func(i int) bool { return rune(u32(d, 16+12*i+4)) >= r })
	if i == n {
		return 0
	}
	group := 16 + 12*i
	start := rune(u32(d, group))
	if r < start {
		return 0
	}
	g := u32(d, group+8) + uint32(r-start)
	if g > 0xFFFF {
		return 0
	}
	return uint16(g)
}

func u16(b []byte, off int) uint16 { return binary.BigEndian.Uint16(b[off:]) }
func u32(b []byte, off int) uint32 { return binary.BigEndian.Uint32(b[off:]) }

package font

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// Subset cuts a TrueType font down to the outlines of the glyphs in keep. Glyph ids stay
// the same (the PDF uses /CIDToGIDMap /Identity and content streams carry glyph ids), so unused
// glyphs keep an empty slot in loca; the glyph table is only shortened after the highest id used.
// .notdef and every component of a composite glyph (most Vietnamese letters with diacritics are
// composites: base letter + mark) are kept as well.
func Subset(data []byte, keep []uint16) ([]byte, error) {
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("subset: %w", err)
	}
	used, err := f.GlyphClosure(keep)
	if err != nil {
		return nil, fmt.Errorf("subset: %w", err)
	}
	numGlyphs := int(slices.Max(used)) + 1

	glyf, loca, err := f.subsetGlyf(used, numGlyphs)
	if err != nil {
		return nil, fmt.Errorf("subset: %w", err)
	}
	numHMetrics := min(f.numHMetrics, numGlyphs)
	out := map[string][]byte{
		"glyf": glyf,
		"loca": loca,
		"hmtx": f.subsetHmtx(numGlyphs, numHMetrics),
		"head": patched(f.tables["head"], func(b []byte) {
			binary.BigEndian.PutUint32(b[8:], 0)  // checkSumAdjustment: recomputed last
			binary.BigEndian.PutUint16(b[50:], 1) // indexToLocFormat: long offsets
		}),
		"hhea": patched(f.tables["hhea"], func(b []byte) { binary.BigEndian.PutUint16(b[34:], uint16(numHMetrics)) }),
		"maxp": patched(f.tables["maxp"], func(b []byte) { binary.BigEndian.PutUint16(b[4:], uint16(numGlyphs)) }),
	}
	// Hinting programs are referenced by glyph instructions, so they travel with the outlines.
	// name keeps the copyright notice with the font as the OFL asks; cmap is small and lets
	// tools that inspect the embedded font (or a PDF/A checker) map characters.
	for _, tag := range []string{"cvt ", "fpgm", "prep", "OS/2", "name", "cmap"} {
		if t, ok := f.tables[tag]; ok {
			out[tag] = t
		}
	}
	// post format 2 carries a name for every glyph; format 3 (no names) is all a PDF needs.
	if post, ok := f.tables["post"]; ok && len(post) >= 32 {
		out["post"] = patched(post[:32], func(b []byte) { binary.BigEndian.PutUint32(b, 0x00030000) })
	}
	return assembleSfnt(out), nil
}

// GlyphClosure returns the sorted set of glyphs to keep: .notdef, keep, and their components.
func (f *TrueType) GlyphClosure(keep []uint16) ([]uint16, error) {
	seen := map[uint16]bool{0: true}
	todo := append([]uint16{0}, keep...)
	for len(todo) > 0 {
		g := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		seen[g] = true
		components, err := f.Components(int(g))
		if err != nil {
			return nil, err
		}
		for _, c := range components {
			if !seen[c] {
				todo = append(todo, c)
			}
		}
	}
	used := make([]uint16, 0, len(seen))
	for g := range seen {
		used = append(used, g)
	}
	slices.Sort(used)
	return used, nil
}

// Composite glyph flags (OpenType spec, 'glyf' table).
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// components lists the glyph ids a composite glyph g is built from; simple glyphs have none.
func (f *TrueType) Components(g int) ([]uint16, error) {
	data, err := f.Glyph(g)
	if err != nil {
		return nil, err
	}
	if len(data) < 10 || int16(u16(data, 0)) >= 0 {
		return nil, nil
	}
	var out []uint16
	for off := 10; ; {
		if off+4 > len(data) {
			return nil, fmt.Errorf("%w: composite glyph %d truncated", ErrMalformed, g)
		}
		flags, c := u16(data, off), u16(data, off+2)
		if int(c) >= f.numGlyphs {
			return nil, fmt.Errorf("%w: glyph %d uses missing component %d", ErrMalformed, g, c)
		}
		out = append(out, c)
		off += 4 + 2
		if flags&argsAreWords != 0 {
			off += 2
		}
		switch {
		case flags&haveScale != 0:
			off += 2
		case flags&haveXYScale != 0:
			off += 4
		case flags&haveTwoByTwo != 0:
			off += 8
		}
		if flags&moreComponents == 0 {
			return out, nil
		}
	}
}

// subsetGlyf copies the kept outlines (4-byte aligned) and builds a long-format loca for them.
func (f *TrueType) subsetGlyf(used []uint16, numGlyphs int) (glyf, loca []byte, err error) {
	loca = make([]byte, 4*(numGlyphs+1))
	next := 0
	for g := range numGlyphs {
		binary.BigEndian.PutUint32(loca[4*g:], uint32(len(glyf)))
		if next < len(used) && int(used[next]) == g {
			next++
			data, err := f.Glyph(g)
			if err != nil {
				return nil, nil, err
			}
			glyf = append(glyf, data...)
			glyf = append(glyf, make([]byte, pad4(len(data))-len(data))...)
		}
	}
	binary.BigEndian.PutUint32(loca[4*numGlyphs:], uint32(len(glyf)))
	return glyf, loca, nil
}

// subsetHmtx keeps the metrics of the first numGlyphs glyphs (Parse checked the length).
func (f *TrueType) subsetHmtx(numGlyphs, numHMetrics int) []byte {
	src := f.tables["hmtx"]
	out := make([]byte, 0, 4*numHMetrics+2*(numGlyphs-numHMetrics))
	out = append(out, src[:4*numHMetrics]...)
	for g := numHMetrics; g < numGlyphs; g++ {
		// Only reached when numHMetrics was not cut, so the lsb array is the original one.
		at := 4*f.numHMetrics + 2*(g-f.numHMetrics)
		out = append(out, src[at:at+2]...)
	}
	return out
}

// assembleSfnt writes the table directory and tables in tag order, with checksums and the
// head.checkSumAdjustment that makes the whole file sum to 0xB1B0AFBA.
func assembleSfnt(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	n := len(tags)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := 16 << entrySelector

	header := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(header, 0x00010000)
	binary.BigEndian.PutUint16(header[4:], uint16(n))
	binary.BigEndian.PutUint16(header[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(header[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(header[10:], uint16(16*n-searchRange))

	offset := len(header)
	headAt := -1
	for i, tag := range tags {
		t := tables[tag]
		rec := header[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(offset))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		if tag == "head" {
			headAt = offset
		}
		offset += pad4(len(t))
	}
	out := make([]byte, 0, offset)
	out = append(out, header...)
	for _, tag := range tags {
		t := tables[tag]
		out = append(out, t...)
		out = append(out, make([]byte, pad4(len(t))-len(t))...)
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

// checksum is the TrueType table checksum: the sum of big-endian uint32 words, zero-padded.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var word [4]byte
		copy(word[:], b[i:])
		sum += binary.BigEndian.Uint32(word[:])
	}
	return sum
}

// patched returns a copy of b changed by edit, leaving the parsed original untouched.
func patched(b []byte, edit func([]byte)) []byte {
	c := slices.Clone(b)
	edit(c)
	return c
}

func pad4(n int) int { return (n + 3) &^ 3 }

// Package font reads, measures and subsets TrueType fonts and writes them into PDFs as Type0
// fonts (CIDFontType2, Identity-H, with /W widths and a /ToUnicode map), so that Vietnamese text
// renders identically everywhere and extracts back as the text that was drawn.
//
// Liberation Serif Regular and Bold are bundled: they are metric-compatible with Times New Roman,
// the typeface Decree 30/2020/NĐ-CP prescribes, cover every Vietnamese letter, and their SIL OFL
// licence (License) allows bundling and embedding. The fonts are compiled into the binary so
// rendering and signing never depend on what fonts a server happens to have.
package font

import (
	_ "embed"
	"fmt"
	"sync"
	"unicode/utf8"
)

var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	regularTTF []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	boldTTF []byte
	//go:embed fonts/LICENSE-OFL.txt
	licenseOFL string
)

var (
	regular = sync.OnceValues(func() (*Face, error) { return NewFace("LiberationSerif", regularTTF) })
	bold    = sync.OnceValues(func() (*Face, error) { return NewFace("LiberationSerif-Bold", boldTTF) })
)

// Regular is the bundled Liberation Serif Regular, parsed once and shared.
func Regular() (*Face, error) { return regular() }

// Bold is the bundled Liberation Serif Bold, parsed once and shared.
func Bold() (*Face, error) { return bold() }

// License is the SIL Open Font License text the bundled fonts are distributed under.
func License() string { return licenseOFL }

// Face is one font ready for layout: its file, its parsed tables and its PostScript name.
// A Face is immutable and safe for concurrent use.
type Face struct {
	name string
	raw  []byte
	ttf  *TrueType
}

// NewFace parses data, a TrueType font file, under the given PostScript name.
func NewFace(postScriptName string, data []byte) (*Face, error) {
	ttf, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("font: %s: %w", postScriptName, err)
	}
	return &Face{name: postScriptName, raw: data, ttf: ttf}, nil
}

// Name is the PostScript name, e.g. LiberationSerif-Bold.
func (f *Face) Name() string { return f.name }

// Data is the font file; callers must not modify it.
func (f *Face) Data() []byte { return f.raw }

// TrueType is the parsed font.
func (f *Face) TrueType() *TrueType { return f.ttf }

// MissingGlyphError reports a character the font cannot draw.
type MissingGlyphError struct {
	Font string
	Rune rune
}

func (e *MissingGlyphError) Error() string {
	return fmt.Sprintf("font %s has no glyph for %q (U+%04X)", e.Font, e.Rune, e.Rune)
}

// Has reports whether the font can draw r.
func (f *Face) Has(r rune) bool { return f.ttf.GlyphIndex(r) != 0 }

// Glyphs maps s to glyph ids, failing with a *MissingGlyphError on the first rune the font
// cannot draw: an empty box instead of a letter of a name is worse than a refusal.
func (f *Face) Glyphs(s string) ([]uint16, error) {
	gids := make([]uint16, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		g := f.ttf.GlyphIndex(r)
		if g == 0 {
			return nil, &MissingGlyphError{Font: f.name, Rune: r}
		}
		gids = append(gids, g)
	}
	return gids, nil
}

// Width is the advance width of s in points at size, or an error for an undrawable rune.
func (f *Face) Width(s string, size float64) (float64, error) {
	gids, err := f.Glyphs(s)
	if err != nil {
		return 0, err
	}
	units := 0
	for _, g := range gids {
		units += f.ttf.Advance(g)
	}
	return f.points(units, size), nil
}

// Ascent is the height above the baseline in points at size.
func (f *Face) Ascent(size float64) float64 { return f.points(int(f.ttf.ascent), size) }

// Descent is the depth below the baseline in points at size, as a positive number.
func (f *Face) Descent(size float64) float64 { return -f.points(int(f.ttf.descent), size) }

func (f *Face) points(units int, size float64) float64 {
	return float64(units) * size / float64(f.ttf.unitsPerEm)
}

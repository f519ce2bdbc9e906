package appearance

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Liberation Serif is metric-compatible with Times New Roman, the typeface Decree 30 prescribes,
// covers every Vietnamese letter, and its SIL OFL licence (fonts/LICENSE-OFL.txt) allows bundling
// and embedding. The fonts are compiled into the binary so signing never depends on what fonts
// a server happens to have.
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	regularTTF []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	boldTTF []byte
)

var (
	regularFace = sync.OnceValues(func() (*face, error) { return newFace("LiberationSerif", "FR", regularTTF) })
	boldFace    = sync.OnceValues(func() (*face, error) { return newFace("LiberationSerif-Bold", "FB", boldTTF) })
)

// face is one embedded font: its parsed tables plus the name used in PDF resources.
type face struct {
	postScriptName string
	resource       string // resource name in the form XObject, e.g. FR
	raw            []byte
	ttf            *trueType
}

func newFace(postScriptName, resource string, raw []byte) (*face, error) {
	ttf, err := parseTrueType(raw)
	if err != nil {
		return nil, fmt.Errorf("appearance: embedded font %s: %w", postScriptName, err)
	}
	return &face{postScriptName: postScriptName, resource: resource, raw: raw, ttf: ttf}, nil
}

// glyphs maps s to glyph ids, failing on the first rune the font cannot draw: a signature
// showing an empty box instead of a letter of a name is worse than a refusal to sign.
func (f *face) glyphs(s string) ([]uint16, error) {
	gids := make([]uint16, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		g := f.ttf.cmap.lookup(r)
		if g == 0 || int(g) >= f.ttf.numGlyphs {
			return nil, fmt.Errorf("appearance: font %s has no glyph for %q (U+%04X)", f.postScriptName, r, r)
		}
		gids = append(gids, g)
	}
	return gids, nil
}

// width is the advance width of s in points at size, or an error for an undrawable rune.
func (f *face) width(s string, size float64) (float64, error) {
	gids, err := f.glyphs(s)
	if err != nil {
		return 0, err
	}
	units := 0
	for _, g := range gids {
		units += int(f.ttf.advances[g])
	}
	return float64(units) * size / float64(f.ttf.unitsPerEm), nil
}

// ascent and descent (positive) in points at size.
func (f *face) ascent(size float64) float64 {
	return float64(f.ttf.ascent) * size / float64(f.ttf.unitsPerEm)
}

// cleanText collapses whitespace and composes to NFC, so text typed with combining marks
// (e + U+0302 + U+0301) is drawn with the precomposed glyph (ế) the font has.
func cleanText(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// wrap breaks s into lines no wider than maxWidth, at spaces where possible; a single word
// longer than the line is broken between letters rather than run off the appearance.
func (f *face) wrap(s string, size, maxWidth float64) ([]string, error) {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		w, err := f.width(candidate, size)
		if err != nil {
			return nil, err
		}
		if w <= maxWidth {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		pieces, rest := f.breakWord(word, size, maxWidth)
		lines = append(lines, pieces...)
		line = rest
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines, nil
}

func (f *face) tooWide(word string, size, maxWidth float64) bool {
	w, _ := f.width(word, size) // runes were checked by the caller's width call
	return w > maxWidth
}

// breakWord splits an over-long word into full-width pieces and the remainder that starts
// the next line.
func (f *face) breakWord(word string, size, maxWidth float64) (pieces []string, rest string) {
	for f.tooWide(word, size, maxWidth) {
		cut := 0
		for i := range word {
			if i > 0 && f.tooWide(word[:i], size, maxWidth) {
				break
			}
			cut = i
		}
		if cut == 0 { // not even one letter fits: give it a line of its own
			_, n := utf8.DecodeRuneInString(word)
			cut = n
		}
		pieces = append(pieces, word[:cut])
		word = word[cut:]
	}
	return pieces, word
}

package appearance

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/vanthu/vanthu/signer/font"
	"golang.org/x/text/unicode/norm"
)

// The faces are the bundled Liberation Serif (Times New Roman metrics, every Vietnamese letter;
// see package font), each with the resource name it has in the form XObjects.
var (
	regularFace = sync.OnceValues(func() (*face, error) { return newFace(font.Regular, "FR") })
	boldFace    = sync.OnceValues(func() (*face, error) { return newFace(font.Bold, "FB") })
)

// face is one embedded font plus the name used in PDF resources.
type face struct {
	*font.Face
	resource string // resource name in the form XObject, e.g. FR
}

func newFace(load func() (*font.Face, error), resource string) (*face, error) {
	f, err := load()
	if err != nil {
		return nil, fmt.Errorf("appearance: embedded font: %w", err)
	}
	return &face{Face: f, resource: resource}, nil
}

// width is the advance width of s in points at size, or an error for an undrawable rune.
func (f *face) width(s string, size float64) (float64, error) {
	w, err := f.Width(s, size)
	if err != nil {
		return 0, fmt.Errorf("appearance: %w", err)
	}
	return w, nil
}

// ascent in points at size.
func (f *face) ascent(size float64) float64 { return f.Ascent(size) }

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

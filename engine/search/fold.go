// Package search turns Vietnamese text into a search form that ignores diacritics, case and
// punctuation, splits it into index tokens that keep document identifiers whole ("15/QĐ-UBND",
// "H23.10.01"), and parses the clerk's search box into a Query a store can translate to SQL.
//
// Folding is what makes "quyet dinh" find "quyết định": it removes every combining mark (the
// horn of ơ ư, the breve of ă, the circumflex of â ê ô and the five tones), maps đ and Đ to d and
// lower-cases. Because all marks go, the old and new tone placements ("hoà" and "hòa", "thuý"
// and "thúy") and precomposed (NFC) and decomposed (NFD) input give the same result.
//
// The package does no I/O.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tableSize covers Latin, Greek, Cyrillic and the Latin Extended Additional block (U+1E00–U+1EFF)
// that holds the precomposed Vietnamese letters, so ordinary text never leaves the table.
const tableSize = 0x2100

// folded holds the search form of each rune below tableSize: "" for a mark, " " for a
// separator, otherwise lower-case letters or digits.
var folded = func() (t [tableSize]string) {
	for r := rune(0); r < tableSize; r++ {
		t[r] = foldRune(r)
	}
	return t
}()

// Fold returns the search form of s: lower case, without diacritics, đ as d, letters and digits
// kept, every run of punctuation and space turned into one space, no leading or trailing space.
// Fold is idempotent, and Fold(norm.NFC.String(s)) == Fold(norm.NFD.String(s)).
func Fold(s string) string {
	var w writer
	w.b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII, most of any Vietnamese text
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				w.byte(c)
			case 'A' <= c && c <= 'Z':
				w.byte(c + 'a' - 'A')
			default:
				w.space = true
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		f := ""
		if r < tableSize {
			f = folded[r]
		} else {
			f = foldRune(r)
		}
		// A compatibility decomposition may itself hold separators ("½" is "1⁄2").
		for {
			part, rest, more := strings.Cut(f, " ")
			w.string(part)
			if !more {
				break
			}
			w.space, f = true, rest
		}
	}
	return w.b.String()
}

// writer joins words with single spaces: a separator is only remembered, and written when
// the next word starts, so none leads, trails or doubles.
type writer struct {
	b     strings.Builder
	space bool
}

func (w *writer) byte(c byte) {
	w.sep()
	w.b.WriteByte(c)
}

func (w *writer) string(s string) {
	if s != "" {
		w.sep()
		w.b.WriteString(s)
	}
}

func (w *writer) sep() {
	if w.space && w.b.Len() > 0 {
		w.b.WriteByte(' ')
	}
	w.space = false
}

// foldRune is the slow path behind the table: the compatibility decomposition (NFKD) of the
// lower-cased rune, with marks dropped, letters lower-cased and everything else a separator.
// NFKD rather than NFD so that ligatures from PDF text layers ("ﬁ") and full-width or
// superscript digits fold to their plain letters and digits.
func foldRune(r rune) string {
	if isD(r) {
		return "d"
	}
	if isMark(r) {
		return ""
	}
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(unicode.ToLower(r))) {
		switch {
		case isMark(d):
		case isD(d):
			b.WriteByte('d')
		case unicode.IsLetter(d) || unicode.IsDigit(d):
			b.WriteString(norm.NFKD.String(string(unicode.ToLower(d))))
		default:
			b.WriteByte(' ')
		}
	}
	if strings.TrimSpace(b.String()) == "" && b.Len() > 0 {
		return " "
	}
	return b.String()
}

// isD reports the letters d with a stroke or bar, which Unicode does not decompose: the
// Vietnamese đ above all, and the look-alikes an OCR engine or a keyboard may produce.
func isD(r rune) bool {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð', 'ɖ', 'Ɖ':
		return true
	}
	return false
}

// isMark reports a combining mark: the Vietnamese tones and vowel marks among them.
func isMark(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}

package pdftext

import (
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// glyphText returns the text of an Adobe glyph name from a font's /Differences: "uni1EA1",
// "u1EA1", the punctuation names, and letters with accent names such as "aacute" or the
// Vietnamese "ohornhookabove", composed to NFC. Unknown names give "".
func glyphText(name string) string {
	if i := strings.IndexByte(name, '.'); i > 0 { // "a.sc", "one.oldstyle"
		name = name[:i]
	}
	if s, ok := glyphNames[name]; ok {
		return s
	}
	if hex, ok := strings.CutPrefix(name, "uni"); ok && len(hex) >= 4 && len(hex)%4 == 0 {
		var b strings.Builder
		for i := 0; i < len(hex); i += 4 {
			v, err := strconv.ParseUint(hex[i:i+4], 16, 16)
			if err != nil {
				return ""
			}
			b.WriteRune(rune(v))
		}
		return b.String()
	}
	if hex, ok := strings.CutPrefix(name, "u"); ok && len(hex) >= 4 && len(hex) <= 6 {
		if v, err := strconv.ParseUint(hex, 16, 32); err == nil {
			return string(rune(v))
		}
	}
	return accented(name)
}

// accented composes "ecircumflexacute" from the letter and its accent names.
func accented(name string) string {
	if name == "" || !isASCIILetter(name[0]) {
		return ""
	}
	out := []rune{rune(name[0])}
	for rest := name[1:]; rest != ""; {
		found := false
		for _, a := range accents {
			if after, ok := strings.CutPrefix(rest, a.name); ok {
				out, rest, found = append(out, a.mark), after, true
				break
			}
		}
		if !found {
			return ""
		}
	}
	return norm.NFC.String(string(out))
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// accents lists accent names, longer first where one is a prefix of another.
var accents = []struct {
	name string
	mark rune
}{
	{"grave", '\u0300'}, {"acute", '\u0301'}, {"circumflex", '\u0302'}, {"tilde", '\u0303'},
	{"macron", '\u0304'}, {"breve", '\u0306'}, {"dotaccent", '\u0307'}, {"dieresis", '\u0308'},
	{"hookabove", '\u0309'}, {"hook", '\u0309'}, {"ring", '\u030A'}, {"hungarumlaut", '\u030B'},
	{"caron", '\u030C'}, {"horn", '\u031B'}, {"dotbelow", '\u0323'}, {"cedilla", '\u0327'},
	{"ogonek", '\u0328'},
}

// glyphNames holds the names that are not a letter with accents.
var glyphNames = map[string]string{
	"space": " ", "nbspace": " ", "exclam": "!", "quotedbl": "\"", "numbersign": "#", "dollar": "$",
	"percent": "%", "ampersand": "&", "quotesingle": "'", "quoteright": "’", "quoteleft": "‘",
	"parenleft": "(", "parenright": ")", "asterisk": "*", "plus": "+", "comma": ",", "hyphen": "-",
	"minus": "−", "period": ".", "slash": "/", "zero": "0", "one": "1", "two": "2", "three": "3",
	"four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "colon": ":",
	"semicolon": ";", "less": "<", "equal": "=", "greater": ">", "question": "?", "at": "@",
	"bracketleft": "[", "backslash": "\\", "bracketright": "]", "asciicircum": "^",
	"underscore": "_", "grave": "`", "braceleft": "{", "bar": "|", "braceright": "}",
	"asciitilde": "~", "quotedblleft": "“", "quotedblright": "”", "endash": "–", "emdash": "—",
	"bullet": "•", "ellipsis": "…", "fi": "fi", "fl": "fl", "ff": "ff", "ffi": "ffi", "ffl": "ffl",
	"dcroat": "đ", "Dcroat": "Đ", "dmacron": "đ", "Dslash": "Đ", "dslash": "đ", "germandbls": "ß",
	"ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "oslash": "ø", "Oslash": "Ø", "dotlessi": "ı",
	"section": "§", "degree": "°", "copyright": "©", "registered": "®", "guillemotleft": "«",
	"guillemotright": "»", "periodcentered": "·", "dong": "₫", "Euro": "€",
}

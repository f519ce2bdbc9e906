package search

import (
	"strings"
	"unicode"
)

// Tokens splits s into the folded words an index stores. A document identifier, a word whose
// letters and digits are joined by "/", "-", "." or "_" (the notation "15/QĐ-UBND", the agency
// code "H23.10.01", the record code "HS-01", a date "25/11/2025"), is kept whole, in its FoldCode
// form, right before its parts: "15/qd-ubnd", "15", "qd", "ubnd". Tokens come in text order.
func Tokens(s string) []string {
	var out []string
	for _, field := range strings.FieldsFunc(s, isFieldSeparator) {
		if strings.ContainsAny(field, connectors) {
			if code := foldCodeField(field); strings.ContainsAny(code, connectors) {
				out = append(out, code)
			}
		}
		out = append(out, strings.Fields(Fold(field))...)
	}
	return out
}

// connectors join the parts of an identifier.
const connectors = "/-._"

// FoldCode returns the search form of an identifier: each part folded as by Fold, the
// connectors between parts kept, anything before the first or after the last letter or digit
// dropped: FoldCode("15/QĐ-UBND,") is "15/qd-ubnd". Stores fold notations, agency codes and
// record codes with it so that filters compare exactly. Words separated by spaces stay
// separated by one space.
func FoldCode(s string) string {
	var b strings.Builder
	for i, field := range strings.FieldsFunc(s, isFieldSeparator) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(foldCodeField(field))
	}
	return b.String()
}

// foldCodeField folds one space-free identifier, keeping a connector only between two folded
// parts so that "-UBND." or "15//QĐ" do not leave stray or doubled connectors.
func foldCodeField(field string) string {
	var b strings.Builder
	var pending byte // connector seen since the last part
	start := 0
	flush := func(end int) {
		part := strings.ReplaceAll(Fold(field[start:end]), " ", "")
		if part == "" {
			return
		}
		if pending != 0 && b.Len() > 0 {
			b.WriteByte(pending)
		}
		pending = 0
		b.WriteString(part)
	}
	for i := 0; i < len(field); i++ {
		if c := field[i]; strings.IndexByte(connectors, c) >= 0 {
			flush(i)
			if b.Len() > 0 && pending == 0 {
				pending = c
			}
			start = i + 1
		}
	}
	flush(len(field))
	return b.String()
}

// isFieldSeparator splits text into candidate words: spaces and the punctuation that never
// occurs inside an identifier.
func isFieldSeparator(r rune) bool {
	if r < 0x80 && strings.ContainsRune(connectors, r) {
		return false
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

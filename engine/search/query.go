package search

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Query is a parsed search box. Every text value is already folded (Fold, or FoldCode for
// identifiers), so a store compares it with columns folded the same way. A zero field means
// no condition.
type Query struct {
	// Words must all occur, as tokens (see Tokens).
	Words []string
	// Phrases must all occur as runs of consecutive folded words.
	Phrases []string
	// Excluded words or phrases must not occur.
	Excluded []string
	// Type is the document type code (type:QĐ), folded: "qd".
	Type string
	// Number is the number and notation (so:15/QĐ-UBND), folded by FoldCode: "15/qd-ubnd".
	Number string
	// From and To bound the document date, both days inclusive, at midnight UTC. A month
	// (2025-03) or a year (2025) stands for its first day in from: and its last day in to:.
	From, To time.Time
	// Agency is the issuing agency (agency:H23.10 or agency:"Sở Tài chính"), folded by
	// FoldCode: "h23.10", "so tai chinh". A code stands for the agency and those under it.
	Agency string
	// Signer is the signer's name (signer:"Nguyễn Văn A"), folded: "nguyen van a".
	Signer string
	// Record is the record (hồ sơ) code (record:HS-01), folded by FoldCode: "hs-01".
	Record string
}

// IsZero reports a query without any condition, such as a blank search box.
func (q Query) IsZero() bool {
	return len(q.Words) == 0 && len(q.Phrases) == 0 && len(q.Excluded) == 0 && q.Type == "" &&
		q.Number == "" && q.From.IsZero() && q.To.IsZero() && q.Agency == "" && q.Signer == "" &&
		q.Record == ""
}

// ParseQuery reads a search box: words (all required), "quoted phrases", -excluded words or
// -"phrases", and the filters type:, so:, from:, to:, agency:, signer: and record:, whose value
// may be quoted. A later filter replaces an earlier one of the same name. An unknown field, or
// a date that does not parse, is searched as plain words; ParseQuery never fails.
func ParseQuery(s string) Query {
	var q Query
	for _, t := range lex(s) {
		switch {
		case t.field != "" && !t.exclude && q.filter(t.field, t.value):
		case t.exclude:
			q.Excluded = appendText(q.Excluded, t.raw())
		case t.quoted:
			q.Phrases = appendText(q.Phrases, t.value)
		default:
			q.Words = append(q.Words, words(t.raw())...)
		}
	}
	return q
}

// filter applies a field filter and reports whether field is one.
func (q *Query) filter(field, value string) bool {
	switch field {
	case "type":
		q.Type = FoldCode(value)
	case "so":
		q.Number = FoldCode(value)
	case "agency":
		q.Agency = FoldCode(value)
	case "record":
		q.Record = FoldCode(value)
	case "signer":
		q.Signer = Fold(value)
	case "from":
		from, _, ok := parseDay(value)
		if !ok {
			return false
		}
		q.From = from
	case "to":
		_, to, ok := parseDay(value)
		if !ok {
			return false
		}
		q.To = to
	default:
		return false
	}
	return true
}

// parseDay reads a day, a month or a year (ISO, or the Vietnamese dd/mm/yyyy) and returns the
// first and last day it covers.
func parseDay(s string) (first, last time.Time, ok bool) {
	for _, f := range []struct {
		layout string
		years  int
		months int
		days   int
	}{{"2006-01-02", 0, 0, 1}, {"02/01/2006", 0, 0, 1}, {"2/1/2006", 0, 0, 1}, {"2006-01", 0, 1, 0}, {"01/2006", 0, 1, 0}, {"2006", 1, 0, 0}} {
		if t, err := time.Parse(f.layout, s); err == nil {
			return t, t.AddDate(f.years, f.months, f.days-1), true
		}
	}
	return time.Time{}, time.Time{}, false
}

// words folds a plain search term: an identifier stays one token, as Tokens indexes it,
// anything else becomes its folded words.
func words(term string) []string {
	if code := FoldCode(term); strings.ContainsAny(code, connectors) && !strings.Contains(code, " ") {
		return []string{code}
	}
	return strings.Fields(Fold(term))
}

// appendText appends the folded text unless it folds to nothing.
func appendText(list []string, text string) []string {
	if f := Fold(text); f != "" {
		return append(list, f)
	}
	return list
}

// term is one lexical unit of a search box.
type term struct {
	exclude bool   // written with a leading "-"
	field   string // lower-case name before ":", if any
	value   string // the text, without quotes
	quoted  bool   // value was in quotes
}

// raw is the term as the user meant it when field is not a filter: "field:value".
func (t term) raw() string {
	if t.field != "" {
		return t.field + ":" + t.value
	}
	return t.value
}

// lex splits the search box at spaces outside quotes. A quote left open runs to the end, as
// users forget the closing one.
func lex(s string) []term {
	var out []term
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return out
		}
		var t term
		if s[0] == '-' && len(s) > 1 {
			t.exclude, s = true, s[1:]
		}
		if i := strings.IndexByte(s, ':'); i > 0 && isFieldName(s[:i]) {
			t.field, s = strings.ToLower(s[:i]), s[i+1:]
		}
		t.value, t.quoted, s = value(s)
		out = append(out, t)
	}
}

// value reads a quoted or a bare value from the start of s and returns the rest.
func value(s string) (v string, quoted bool, rest string) {
	if r, n := utf8.DecodeRuneInString(s); isQuote(r) {
		s = s[n:]
		end := strings.IndexFunc(s, isQuote)
		if end < 0 {
			return s, true, ""
		}
		_, m := utf8.DecodeRuneInString(s[end:])
		return s[:end], true, s[end+m:]
	}
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		return s, false, ""
	}
	return s[:end], false, s[end:]
}

// isQuote accepts the straight quote and the curly quotes that word processors and phones type.
func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }

// isFieldName accepts an ASCII word, so that "15:30" or "Điều 5:" are not taken for fields.
func isFieldName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

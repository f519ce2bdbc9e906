package pdftext

import "github.com/vanthu/vanthu/signer/pdf"

// A token of a content stream or CMap: an operator, or an operand (number, string, name,
// array).
type token struct {
	kind  tokenKind
	op    string  // operator or name, without the slash
	num   float64 // number
	str   string  // raw bytes of a literal or hex string
	array []token // elements of an array
}

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokOp
	tokNum
	tokString
	tokName
	tokArray
	tokDict // a dictionary operand; its content is not needed here
)

// lexer reads the PostScript-like syntax of content streams and CMaps. It never fails: bad
// input gives odd tokens, which the interpreters ignore.
type lexer struct {
	s *pdf.Scanner
}

func newLexer(data []byte) *lexer {
	return &lexer{s: pdf.NewContentScanner(data)}
}

// next returns the next token, or tokEOF at the end. What cannot be read (a stray
// delimiter, a PostScript procedure brace in a CMap) is skipped a byte at a time.
func (l *lexer) next() token {
	for !l.s.AtEOF() {
		v, err := l.s.Object()
		if err == nil {
			return toToken(v)
		}
		l.s.Skip()
	}
	return token{kind: tokEOF}
}

// skipInlineImage moves past the data of an inline image, after its ID operator.
func (l *lexer) skipInlineImage() { l.s.SkipInlineImage() }

func toToken(v any) token {
	switch x := v.(type) {
	case int64:
		return token{kind: tokNum, num: float64(x)}
	case float64:
		return token{kind: tokNum, num: x}
	case pdf.String:
		return token{kind: tokString, str: string(x)}
	case pdf.Name:
		return token{kind: tokName, op: string(x)}
	case pdf.Array:
		out := make([]token, len(x))
		for i, e := range x {
			out[i] = toToken(e)
		}
		return token{kind: tokArray, array: out}
	case pdf.Dict:
		return token{kind: tokDict}
	case pdf.Keyword:
		return token{kind: tokOp, op: string(x)}
	case bool:
		if x {
			return token{kind: tokOp, op: "true"}
		}
		return token{kind: tokOp, op: "false"}
	}
	return token{kind: tokOp, op: "null"}
}

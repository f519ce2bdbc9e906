package pdftext

import (
	"bytes"
	"strconv"
)

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
	data []byte
	pos  int
}

// next returns the next token, or tokEOF at the end.
func (l *lexer) next() token {
	for {
		l.skipSpace()
		if l.pos >= len(l.data) {
			return token{kind: tokEOF}
		}
		c := l.data[l.pos]
		switch {
		case c == '(':
			return token{kind: tokString, str: l.literal()}
		case c == '<' && l.peek(1) == '<':
			l.pos += 2
			l.skipDict()
			return token{kind: tokDict}
		case c == '<':
			return token{kind: tokString, str: l.hex()}
		case c == '/':
			l.pos++
			return token{kind: tokName, op: l.word()}
		case c == '[':
			l.pos++
			return token{kind: tokArray, array: l.arrayBody(1)}
		case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
			l.pos++ // stray delimiter, or a PostScript procedure brace in a CMap
			continue
		}
		w := l.word()
		if n, err := strconv.ParseFloat(w, 64); err == nil && isNumberStart(w[0]) {
			return token{kind: tokNum, num: n}
		}
		return token{kind: tokOp, op: w}
	}
}

// arrayBody reads up to the closing bracket; nesting is bounded so that "[[[[…" cannot
// exhaust the stack.
func (l *lexer) arrayBody(depth int) []token {
	var out []token
	for {
		l.skipSpace()
		if l.pos >= len(l.data) {
			return out
		}
		if l.data[l.pos] == ']' {
			l.pos++
			return out
		}
		if l.data[l.pos] == '[' {
			l.pos++
			if depth < 32 {
				out = append(out, token{kind: tokArray, array: l.arrayBody(depth + 1)})
			}
			continue
		}
		out = append(out, l.next())
	}
}

func isNumberStart(c byte) bool { return c == '-' || c == '+' || c == '.' || '0' <= c && c <= '9' }

func (l *lexer) peek(off int) byte {
	if l.pos+off < len(l.data) {
		return l.data[l.pos+off]
	}
	return 0
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.data) {
		switch c := l.data[l.pos]; {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// word reads a run of regular characters; at least one, so the lexer always advances.
func (l *lexer) word() string {
	start := l.pos
	for l.pos < len(l.data) && !isSpace(l.data[l.pos]) && !isDelim(l.data[l.pos]) {
		l.pos++
	}
	if l.pos == start && l.pos < len(l.data) && l.data[start] != '/' {
		l.pos++
	}
	return string(l.data[start:l.pos])
}

// literal reads a (string) with its escapes and balanced parentheses.
func (l *lexer) literal() string {
	l.pos++ // (
	var b []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return string(b)
			}
		case '\\':
			if l.pos >= len(l.data) {
				return string(b)
			}
			c = l.data[l.pos]
			l.pos++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.peek(0) == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if '0' <= c && c <= '7' {
					v := int(c - '0')
					for k := 0; k < 2 && '0' <= l.peek(0) && l.peek(0) <= '7'; k++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				}
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// hex reads a <hex string>; an odd last digit counts as followed by 0.
func (l *lexer) hex() string {
	l.pos++ // <
	end := bytes.IndexByte(l.data[l.pos:], '>')
	if end < 0 {
		end = len(l.data) - l.pos
	}
	var b []byte
	var hi, n int
	for _, c := range l.data[l.pos : l.pos+end] {
		v := unhex(c)
		if v < 0 {
			continue
		}
		if n%2 == 0 {
			hi = v
		} else {
			b = append(b, byte(hi<<4|v))
		}
		n++
	}
	if n%2 == 1 {
		b = append(b, byte(hi<<4))
	}
	l.pos += end + 1
	return string(b)
}

// skipDict skips to the matching ">>", counting nested dictionaries and strings.
func (l *lexer) skipDict() {
	for depth := 1; depth > 0 && l.pos < len(l.data); {
		switch c := l.data[l.pos]; {
		case c == '(':
			l.literal()
		case c == '<' && l.peek(1) == '<':
			depth++
			l.pos += 2
		case c == '>' && l.peek(1) == '>':
			depth--
			l.pos += 2
		case c == '<':
			l.hex()
		default:
			l.pos++
		}
	}
}

// skipInlineImage moves past the data of an inline image (after the ID operator) to just
// behind its EI operator, which must stand between white space.
func (l *lexer) skipInlineImage() {
	for l.pos < len(l.data) {
		i := bytes.Index(l.data[l.pos:], []byte("EI"))
		if i < 0 {
			l.pos = len(l.data)
			return
		}
		at := l.pos + i
		l.pos = at + 2
		if at > 0 && isSpace(l.data[at-1]) && (l.pos == len(l.data) || isSpace(l.data[l.pos]) || isDelim(l.data[l.pos])) {
			return
		}
	}
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

package pades

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// maxDepth bounds nesting of arrays and dictionaries so hostile input
// cannot exhaust the stack.
const maxDepth = 64

var errSyntax = errors.New("pades: malformed PDF")

// parser reads PDF objects from b starting at pos.
type parser struct {
	b   []byte
	pos int
}

func (p *parser) skipSpace() {
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		switch {
		case isWhite(c):
			p.pos++
		case c == '%':
			for p.pos < len(p.b) && p.b[p.pos] != '\n' && p.b[p.pos] != '\r' {
				p.pos++
			}
		default:
			return
		}
	}
}

// regular reads a run of regular characters (a number or keyword).
func (p *parser) regular() []byte {
	start := p.pos
	for p.pos < len(p.b) && !isWhite(p.b[p.pos]) && !isDelim(p.b[p.pos]) {
		p.pos++
	}
	return p.b[start:p.pos]
}

// expectKeyword consumes kw (after whitespace) or reports an error.
func (p *parser) expectKeyword(kw string) error {
	p.skipSpace()
	save := p.pos
	if string(p.regular()) != kw {
		p.pos = save
		return fmt.Errorf("%w: expected %q at offset %d", errSyntax, kw, save)
	}
	return nil
}

// object parses one direct object. References "n g R" are recognised.
func (p *parser) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nesting too deep at offset %d", errSyntax, p.pos)
	}
	p.skipSpace()
	if p.pos >= len(p.b) {
		return nil, fmt.Errorf("%w: unexpected end of data", errSyntax)
	}
	switch c := p.b[p.pos]; c {
	case '/':
		p.pos++
		return p.name()
	case '(':
		p.pos++
		return p.literalString()
	case '[':
		p.pos++
		return p.array(depth)
	case '<':
		if p.pos+1 < len(p.b) && p.b[p.pos+1] == '<' {
			p.pos += 2
			return p.dict(depth)
		}
		p.pos++
		return p.hexString()
	case ')', '>', ']', '{', '}':
		return nil, fmt.Errorf("%w: unexpected %q at offset %d", errSyntax, c, p.pos)
	}
	start := p.pos
	tok := p.regular()
	switch string(tok) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	case "":
		return nil, fmt.Errorf("%w: unexpected byte at offset %d", errSyntax, start)
	}
	if !isNumber(tok) {
		return keyword(tok), nil
	}
	if bytes.ContainsAny(tok, ".") {
		return real(tok), nil
	}
	n, err := strconv.ParseInt(string(tok), 10, 64)
	if err != nil {
		return real(tok), nil // too large for int64, but still a number
	}
	if r, ok := p.tryRef(n); ok {
		return r, nil
	}
	return n, nil
}

// tryRef looks ahead for "gen R" after an integer n.
func (p *parser) tryRef(n int64) (ref, bool) {
	save := p.pos
	p.skipSpace()
	gen := p.regular()
	if len(gen) == 0 || !isDigits(gen) || len(gen) > 5 {
		p.pos = save
		return ref{}, false
	}
	p.skipSpace()
	if string(p.regular()) != "R" || n < 0 || n > 1<<31 {
		p.pos = save
		return ref{}, false
	}
	g, _ := strconv.Atoi(string(gen))
	return ref{int(n), g}, true
}

func (p *parser) name() (name, error) {
	tok := p.regular()
	out := make([]byte, 0, len(tok))
	for i := 0; i < len(tok); i++ {
		if tok[i] == '#' && i+2 < len(tok) {
			if v, err := strconv.ParseUint(string(tok[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, tok[i])
	}
	return name(out), nil
}

func (p *parser) literalString() (pdfString, error) {
	var out []byte
	nest := 1
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		switch c {
		case '(':
			nest++
		case ')':
			nest--
			if nest == 0 {
				return pdfString{b: out}, nil
			}
		case '\\':
			if p.pos >= len(p.b) {
				break
			}
			c = p.b[p.pos]
			p.pos++
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
				if p.pos < len(p.b) && p.b[p.pos] == '\n' {
					p.pos++
				}
				continue
			case '\n':
				continue
			default:
				if c >= '0' && c <= '7' {
					v := int(c - '0')
					for k := 0; k < 2 && p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '7'; k++ {
						v = v*8 + int(p.b[p.pos]-'0')
						p.pos++
					}
					c = byte(v)
				}
			}
		}
		out = append(out, c)
	}
	return pdfString{}, fmt.Errorf("%w: unterminated string", errSyntax)
}

func (p *parser) hexString() (pdfString, error) {
	var out []byte
	var hi byte
	half := false
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		if c == '>' {
			if half {
				out = append(out, hi<<4)
			}
			return pdfString{b: out, hex: true}, nil
		}
		if isWhite(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return pdfString{}, fmt.Errorf("%w: bad hex digit at offset %d", errSyntax, p.pos-1)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return pdfString{}, fmt.Errorf("%w: unterminated hex string", errSyntax)
}

func (p *parser) array(depth int) (array, error) {
	var out array
	for {
		p.skipSpace()
		if p.pos >= len(p.b) {
			return nil, fmt.Errorf("%w: unterminated array", errSyntax)
		}
		if p.b[p.pos] == ']' {
			p.pos++
			return out, nil
		}
		v, err := p.object(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

func (p *parser) dict(depth int) (dict, error) {
	var out dict
	for {
		p.skipSpace()
		if p.pos+1 < len(p.b) && p.b[p.pos] == '>' && p.b[p.pos+1] == '>' {
			p.pos += 2
			return out, nil
		}
		if p.pos >= len(p.b) || p.b[p.pos] != '/' {
			return nil, fmt.Errorf("%w: dictionary key expected at offset %d", errSyntax, p.pos)
		}
		p.pos++
		k, err := p.name()
		if err != nil {
			return nil, err
		}
		v, err := p.object(depth + 1)
		if err != nil {
			return nil, err
		}
		// A null value is the same as an absent key (ISO 32000 7.3.7).
		if v != nil {
			out = append(out, entry{k, v})
		}
	}
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func isNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	i := 0
	if b[0] == '+' || b[0] == '-' {
		i++
	}
	digits, dots := 0, 0
	for ; i < len(b); i++ {
		switch {
		case b[i] >= '0' && b[i] <= '9':
			digits++
		case b[i] == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unsafe"
)

// MaxDepth bounds the nesting of arrays and dictionaries, so that hostile
// input such as "[[[[…" errors instead of exhausting the stack.
const MaxDepth = 64

// ErrSyntax is wrapped by every error about malformed PDF syntax.
var ErrSyntax = errors.New("pdf: malformed syntax")

// Scanner reads PDF objects (ISO 32000 7.3) from a byte slice: the body of a
// file, an object stream or a content stream.
type Scanner struct {
	b   []byte
	pos int
	// content is set for content streams and CMaps, where "1 0 R" is not a
	// reference but three operands.
	content bool
	// contents is the span of the value of the last top-level /Contents key
	// read, which signature validation compares with /ByteRange.
	contents [2]int
}

// NewScanner returns a scanner of b starting at pos.
func NewScanner(b []byte, pos int) *Scanner {
	return &Scanner{b: b, pos: pos}
}

// NewContentScanner returns a scanner for a content stream or a CMap: no
// indirect references, bare words come back as Keyword (operators).
func NewContentScanner(b []byte) *Scanner {
	return &Scanner{b: b, content: true}
}

// AtEOF reports that only white space and comments are left.
func (s *Scanner) AtEOF() bool {
	s.skipSpace()
	return s.pos >= len(s.b)
}

// Skip moves past one byte, so a caller can resynchronise after an error.
func (s *Scanner) Skip() {
	if s.pos < len(s.b) {
		s.pos++
	}
}

// skipSpace moves past white space and comments.
func (s *Scanner) skipSpace() {
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case isSpace(c):
			s.pos++
		case c == '%':
			for s.pos < len(s.b) && s.b[s.pos] != '\n' && s.b[s.pos] != '\r' {
				s.pos++
			}
		default:
			return
		}
	}
}

// word reads a run of regular characters (a number or a keyword).
func (s *Scanner) word() []byte {
	start := s.pos
	for s.pos < len(s.b) && !isSpace(s.b[s.pos]) && !isDelim(s.b[s.pos]) {
		s.pos++
	}
	return s.b[start:s.pos]
}

// integer reads an unsigned decimal integer after white space.
func (s *Scanner) integer() (int, bool) {
	s.skipSpace()
	w := s.word()
	if len(w) == 0 || len(w) > 18 || !isDigits(w) {
		return 0, false
	}
	n, err := strconv.Atoi(string(w))
	return n, err == nil
}

// expect consumes kw after white space, or reports that it is not there.
func (s *Scanner) expect(kw string) bool {
	s.skipSpace()
	save := s.pos
	if string(s.word()) != kw {
		s.pos = save
		return false
	}
	return true
}

// Object reads one direct object; in a file body "n g R" is a Ref.
func (s *Scanner) Object() (any, error) {
	return s.object(0)
}

func (s *Scanner) object(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d at offset %d", ErrSyntax, MaxDepth, s.pos)
	}
	s.skipSpace()
	if s.pos >= len(s.b) {
		return nil, fmt.Errorf("%w: unexpected end of data", ErrSyntax)
	}
	switch c := s.b[s.pos]; c {
	case '/':
		s.pos++
		return s.name(), nil
	case '(':
		s.pos++
		return s.literal()
	case '[':
		s.pos++
		return s.array(depth)
	case '<':
		if s.pos+1 < len(s.b) && s.b[s.pos+1] == '<' {
			s.pos += 2
			if s.content {
				// Operands such as marked-content properties matter to no
				// content reader here; skipping them tolerates any damage.
				s.skipDict()
				return Dict{}, nil
			}
			return s.dict(depth)
		}
		s.pos++
		return s.hex()
	case ')', '>', ']', '{', '}':
		return nil, fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, c, s.pos)
	}
	w := s.word()
	switch string(w) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	case "":
		return nil, fmt.Errorf("%w: unexpected byte at offset %d", ErrSyntax, s.pos)
	}
	if !isNumberStart(w[0]) {
		return Keyword(w), nil
	}
	return s.number(w), nil
}

// number reads an integer, a reference or a real. Malformed numbers such as
// "--5" or "1.2.3" read as 0, as most readers do.
func (s *Scanner) number(w []byte) any {
	if isDigits(w) || (len(w) > 1 && (w[0] == '-' || w[0] == '+') && isDigits(w[1:])) {
		if n, err := strconv.ParseInt(string(w), 10, 64); err == nil {
			if !s.content && n >= 0 {
				if r, ok := s.tryRef(n); ok {
					return r
				}
			}
			return n
		}
	}
	if !isReal(w) {
		return float64(0)
	}
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return float64(0)
	}
	return f
}

// tryRef looks ahead for "gen R" after the integer n.
func (s *Scanner) tryRef(n int64) (Ref, bool) {
	save := s.pos
	s.skipSpace()
	gen := s.word()
	if len(gen) == 0 || len(gen) > 5 || !isDigits(gen) || n > 1<<31 {
		s.pos = save
		return Ref{}, false
	}
	s.skipSpace()
	if string(s.word()) != "R" {
		s.pos = save
		return Ref{}, false
	}
	g, _ := strconv.Atoi(string(gen))
	return Ref{Num: int(n), Gen: g}, true
}

// name reads a name after its slash, decoding #xx escapes (7.3.5).
func (s *Scanner) name() Name {
	w := s.word()
	if bytes.IndexByte(w, '#') < 0 {
		return Name(w)
	}
	out := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if w[i] == '#' && i+2 < len(w) {
			hi, ok1 := unhex(w[i+1])
			lo, ok2 := unhex(w[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, w[i])
	}
	return Name(out)
}

// literal reads a (string) after its parenthesis, with its escapes and
// balanced parentheses (7.3.4.2).
func (s *Scanner) literal() (String, error) {
	var out []byte
	nest := 1
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		s.pos++
		switch c {
		case '(':
			nest++
		case ')':
			if nest--; nest == 0 {
				return String(out), nil
			}
		case '\\':
			if s.pos >= len(s.b) {
				continue
			}
			c = s.b[s.pos]
			s.pos++
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
				if s.pos < len(s.b) && s.b[s.pos] == '\n' {
					s.pos++
				}
				continue
			case '\n':
				continue
			default:
				if '0' <= c && c <= '7' {
					v := int(c - '0')
					for k := 0; k < 2 && s.pos < len(s.b) && '0' <= s.b[s.pos] && s.b[s.pos] <= '7'; k++ {
						v = v*8 + int(s.b[s.pos]-'0')
						s.pos++
					}
					c = byte(v)
				}
			}
		}
		out = append(out, c)
	}
	if s.content {
		return String(out), nil // a content stream keeps the text before the damage
	}
	return "", fmt.Errorf("%w: unterminated string", ErrSyntax)
}

// hex reads a <hex string> after its bracket; an odd last digit counts as
// followed by 0 (7.3.4.3).
func (s *Scanner) hex() (String, error) {
	end := bytes.IndexByte(s.b[s.pos:], '>')
	if end < 0 {
		if !s.content {
			return "", fmt.Errorf("%w: unterminated hex string", ErrSyntax)
		}
		end = len(s.b) - s.pos
	}
	raw := s.b[s.pos : s.pos+end]
	s.pos = min(s.pos+end+1, len(s.b))
	out, bad := unhexAll(raw)
	if bad >= 0 && !s.content {
		return "", fmt.Errorf("%w: bad hex digit %q", ErrSyntax, rune(bad))
	}
	if len(out) == 0 {
		return "", nil
	}
	// out is new and nothing else holds it: the string takes it rather than a copy
	// (a signature's /Contents is tens of kilobytes).
	return String(unsafe.String(&out[0], len(out))), nil
}

// unhexAll decodes hex digits, padding an odd last one with 0. Other bytes
// are skipped; the first that is not white space is returned, or -1.
func unhexAll(raw []byte) ([]byte, int) {
	out := make([]byte, 0, len(raw)/2+1)
	// Writers put digits in pairs without spaces (a signature's /Contents is tens of
	// thousands of them): those go a pair at a time, the rest digit by digit.
	i := 0
	for ; i+1 < len(raw); i += 2 {
		hi, lo := hexValue[raw[i]], hexValue[raw[i+1]]
		if hi|lo > 0x0f {
			break
		}
		out = append(out, hi<<4|lo)
	}
	var hi byte
	half := false
	bad := -1
	for _, c := range raw[i:] {
		v := hexValue[c]
		if v > 0x0f {
			if bad < 0 && !isSpace(c) {
				bad = int(c)
			}
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	return out, bad
}

// hexValue is each byte's value as a hex digit, 0xff for bytes that are none.
var hexValue = func() (t [256]byte) {
	for c := range t {
		v, ok := unhex(byte(c))
		if !ok {
			v = 0xff
		}
		t[c] = v
	}
	return t
}()

func (s *Scanner) array(depth int) (Array, error) {
	var out Array
	for {
		s.skipSpace()
		if s.pos >= len(s.b) {
			if s.content {
				return out, nil
			}
			return nil, fmt.Errorf("%w: unterminated array", ErrSyntax)
		}
		if s.b[s.pos] == ']' {
			s.pos++
			return out, nil
		}
		v, err := s.object(depth + 1)
		if err != nil {
			if !s.content || depth >= MaxDepth {
				return nil, err
			}
			s.Skip() // a stray delimiter inside an operand array
			continue
		}
		out = append(out, v)
	}
}

func (s *Scanner) dict(depth int) (Dict, error) {
	var out Dict
	for {
		s.skipSpace()
		if s.pos >= len(s.b) {
			return nil, fmt.Errorf("%w: unterminated dictionary", ErrSyntax)
		}
		if s.b[s.pos] == '>' {
			if s.pos+1 < len(s.b) && s.b[s.pos+1] == '>' {
				s.pos += 2
				return out, nil
			}
			return nil, fmt.Errorf("%w: stray '>' at offset %d", ErrSyntax, s.pos)
		}
		if s.b[s.pos] != '/' {
			return nil, fmt.Errorf("%w: dictionary key expected at offset %d", ErrSyntax, s.pos)
		}
		s.pos++
		key := s.name()
		s.skipSpace()
		start := s.pos
		v, err := s.object(depth + 1)
		if err != nil {
			return nil, err
		}
		if depth == 0 && key == "Contents" {
			s.contents = [2]int{start, s.pos}
		}
		out = out.set(key, v)
	}
}

// skipDict moves past the matching ">>", counting nested dictionaries and
// strings.
func (s *Scanner) skipDict() {
	for depth := 1; depth > 0 && s.pos < len(s.b); {
		switch {
		case s.b[s.pos] == '(':
			s.pos++
			_, _ = s.literal()
		case bytes.HasPrefix(s.b[s.pos:], []byte("<<")):
			depth++
			s.pos += 2
		case bytes.HasPrefix(s.b[s.pos:], []byte(">>")):
			depth--
			s.pos += 2
		case s.b[s.pos] == '<':
			s.pos++
			_, _ = s.hex()
		default:
			s.pos++
		}
	}
}

// SkipInlineImage moves past the data of an inline image (after the ID
// operator) to just behind its EI operator, which stands between white space.
func (s *Scanner) SkipInlineImage() {
	for s.pos < len(s.b) {
		i := bytes.Index(s.b[s.pos:], []byte("EI"))
		if i < 0 {
			s.pos = len(s.b)
			return
		}
		at := s.pos + i
		s.pos = at + 2
		if at > 0 && isSpace(s.b[at-1]) && (s.pos == len(s.b) || isSpace(s.b[s.pos]) || isDelim(s.b[s.pos])) {
			return
		}
	}
}

// isSpace reports PDF white space (7.2.3).
func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// isDelim reports PDF delimiters (7.2.3).
func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isNumberStart(c byte) bool { return c == '-' || c == '+' || c == '.' || '0' <= c && c <= '9' }

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// isReal accepts what 7.3.3 allows: a sign, digits and at most one point.
func isReal(b []byte) bool {
	if b[0] == '+' || b[0] == '-' {
		b = b[1:]
	}
	digits, dots := 0, 0
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

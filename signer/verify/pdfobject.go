package verify

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// The PDF object model used for revision analysis. It is deliberately small:
// the validator only needs to read dictionaries, compare object graphs between
// revisions and pull the bytes of a few streams (xref, object streams, DSS).
type (
	pdfName  string
	pdfArray []any
	pdfDict  map[pdfName]any
	pdfRef   struct{ num, gen int }
	// pdfString holds the decoded bytes of a literal or hexadecimal string.
	pdfString string
	// pdfKeyword is any bare word that is not true/false/null (obj, R, stream ...).
	pdfKeyword string
	pdfStream  struct {
		dict pdfDict
		raw  []byte // still encoded; see decodeStream
	}
)

// maxDepth bounds nesting of arrays and dictionaries so hostile files cannot
// exhaust the goroutine stack.
const maxDepth = 64

var errSyntax = errors.New("pdf syntax error")

// parser reads objects from a byte slice. Positions are absolute file offsets.
type parser struct {
	b   []byte
	pos int
	// contents records where the value of a top-level /Contents key starts and
	// ends; ByteRange validation needs the exact span of the hex string.
	contents [2]int
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

func (p *parser) skipSpace() {
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		if isSpace(c) {
			p.pos++
			continue
		}
		if c == '%' {
			for p.pos < len(p.b) && p.b[p.pos] != '\n' && p.b[p.pos] != '\r' {
				p.pos++
			}
			continue
		}
		return
	}
}

// word reads a run of regular characters.
func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.b) && !isSpace(p.b[p.pos]) && !isDelim(p.b[p.pos]) {
		p.pos++
	}
	return string(p.b[start:p.pos])
}

func (p *parser) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d", errSyntax, maxDepth)
	}
	p.skipSpace()
	if p.pos >= len(p.b) {
		return nil, fmt.Errorf("%w: unexpected end of data", errSyntax)
	}
	switch c := p.b[p.pos]; {
	case c == '/':
		p.pos++
		return p.name(), nil
	case c == '(':
		return p.literal()
	case c == '<':
		if p.pos+1 < len(p.b) && p.b[p.pos+1] == '<' {
			p.pos += 2
			return p.dict(depth)
		}
		return p.hex()
	case c == '[':
		p.pos++
		return p.array(depth)
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case isDelim(c):
		p.pos++
		return nil, fmt.Errorf("%w: unexpected %q at %d", errSyntax, c, p.pos-1)
	default:
		w := p.word()
		switch w {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return pdfKeyword(w), nil
	}
}

func (p *parser) name() pdfName {
	raw := p.word()
	if !bytes.ContainsRune([]byte(raw), '#') {
		return pdfName(raw)
	}
	var out []byte
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			if v, err := strconv.ParseUint(raw[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, raw[i])
	}
	return pdfName(out)
}

func (p *parser) number() (any, error) {
	start := p.pos
	w := p.word()
	if i, err := strconv.ParseInt(w, 10, 64); err == nil {
		// An integer may start an indirect reference "num gen R".
		if ref, ok := p.tryRef(i); ok {
			return ref, nil
		}
		return i, nil
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil {
		// Malformed numbers such as "--5" or "1.2.3" are read as 0, as most readers do.
		if w == "" {
			return nil, fmt.Errorf("%w: bad number at %d", errSyntax, start)
		}
		return float64(0), nil
	}
	return f, nil
}

func (p *parser) tryRef(num int64) (pdfRef, bool) {
	save := p.pos
	p.skipSpace()
	g := p.word()
	gen, err := strconv.ParseInt(g, 10, 32)
	if err != nil || num < 0 || num > 1<<31 || gen < 0 {
		p.pos = save
		return pdfRef{}, false
	}
	p.skipSpace()
	if p.pos < len(p.b) && p.b[p.pos] == 'R' && (p.pos+1 == len(p.b) || isSpace(p.b[p.pos+1]) || isDelim(p.b[p.pos+1])) {
		p.pos++
		return pdfRef{num: int(num), gen: int(gen)}, true
	}
	p.pos = save
	return pdfRef{}, false
}

func (p *parser) literal() (pdfString, error) {
	p.pos++ // (
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
				return pdfString(out), nil
			}
		case '\\':
			if p.pos >= len(p.b) {
				continue
			}
			e := p.b[p.pos]
			p.pos++
			switch e {
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
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '7'; k++ {
						v = v*8 + int(p.b[p.pos]-'0')
						p.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return "", fmt.Errorf("%w: unterminated string", errSyntax)
}

func (p *parser) hex() (pdfString, error) {
	p.pos++ // <
	end := bytes.IndexByte(p.b[p.pos:], '>')
	if end < 0 {
		return "", fmt.Errorf("%w: unterminated hex string", errSyntax)
	}
	raw := p.b[p.pos : p.pos+end]
	p.pos += end + 1
	out := make([]byte, 0, len(raw)/2+1)
	var hi byte
	half := false
	for _, c := range raw {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		case isSpace(c):
			continue
		default:
			return "", fmt.Errorf("%w: bad hex digit %q", errSyntax, c)
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
	return pdfString(out), nil
}

func (p *parser) array(depth int) (pdfArray, error) {
	var arr pdfArray
	for {
		p.skipSpace()
		if p.pos >= len(p.b) {
			return nil, fmt.Errorf("%w: unterminated array", errSyntax)
		}
		if p.b[p.pos] == ']' {
			p.pos++
			return arr, nil
		}
		v, err := p.object(depth + 1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
}

func (p *parser) dict(depth int) (pdfDict, error) {
	d := pdfDict{}
	for {
		p.skipSpace()
		if p.pos >= len(p.b) {
			return nil, fmt.Errorf("%w: unterminated dictionary", errSyntax)
		}
		if p.b[p.pos] == '>' {
			if p.pos+1 < len(p.b) && p.b[p.pos+1] == '>' {
				p.pos += 2
				return d, nil
			}
			return nil, fmt.Errorf("%w: stray '>' at %d", errSyntax, p.pos)
		}
		if p.b[p.pos] != '/' {
			return nil, fmt.Errorf("%w: dictionary key expected at %d", errSyntax, p.pos)
		}
		p.pos++
		key := p.name()
		p.skipSpace()
		start := p.pos
		v, err := p.object(depth + 1)
		if err != nil {
			return nil, err
		}
		if depth == 0 && key == "Contents" {
			p.contents = [2]int{start, p.pos}
		}
		d[key] = v
	}
}

// indirect parses "num gen obj ... endobj" at the parser position. It returns
// the object number and its value (a pdfStream when a stream follows).
func (p *parser) indirect() (int, any, error) {
	p.skipSpace()
	num, err1 := strconv.Atoi(p.word())
	p.skipSpace()
	_, err2 := strconv.Atoi(p.word())
	p.skipSpace()
	if err1 != nil || err2 != nil || p.word() != "obj" {
		return 0, nil, fmt.Errorf("%w: no object header at %d", errSyntax, p.pos)
	}
	p.contents = [2]int{}
	v, err := p.object(0)
	if err != nil {
		return 0, nil, err
	}
	d, ok := v.(pdfDict)
	if !ok {
		return num, v, nil
	}
	save := p.pos
	p.skipSpace()
	if !bytes.HasPrefix(p.b[p.pos:], []byte("stream")) {
		p.pos = save
		return num, v, nil
	}
	p.pos += len("stream")
	if p.pos < len(p.b) && p.b[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(p.b) && p.b[p.pos] == '\n' {
		p.pos++
	}
	start := p.pos
	// Trust a direct /Length only when "endstream" follows it; otherwise search.
	if n, ok := d["Length"].(int64); ok && n >= 0 && int64(start)+n <= int64(len(p.b)) {
		q := parser{b: p.b, pos: start + int(n)}
		q.skipSpace()
		if bytes.HasPrefix(p.b[q.pos:], []byte("endstream")) {
			p.pos = q.pos + len("endstream")
			return num, pdfStream{dict: d, raw: p.b[start : start+int(n)]}, nil
		}
	}
	end := bytes.Index(p.b[start:], []byte("endstream"))
	if end < 0 {
		return 0, nil, fmt.Errorf("%w: unterminated stream at %d", errSyntax, start)
	}
	raw := p.b[start : start+end]
	raw = bytes.TrimSuffix(raw, []byte("\n"))
	raw = bytes.TrimSuffix(raw, []byte("\r"))
	p.pos = start + end + len("endstream")
	return num, pdfStream{dict: d, raw: raw}, nil
}

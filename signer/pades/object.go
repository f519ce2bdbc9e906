package pades

import (
	"bytes"
	"fmt"
	"strconv"
)

// The PDF object model below is deliberately small: it exists so that the
// signer can read the handful of objects it must update (catalog, AcroForm,
// page, existing signature fields) and write new versions of them without
// changing anything it did not understand. Values keep their original
// spelling where that matters (reals, strings) so a re-written dictionary
// says exactly what the old one said.

// name is a PDF name without the leading slash, already #-decoded.
type name string

// ref is an indirect reference "num gen R".
type ref struct{ num, gen int }

// real keeps a real number as written, so re-serialising never rounds it.
type real string

// pdfString is a string object; hex records the original notation.
type pdfString struct {
	b   []byte
	hex bool
}

// keyword is a bare keyword that is not true/false/null (only seen in
// malformed files or content streams); kept so parsing can report it.
type keyword string

type array []any

// dict is an ordered dictionary: order is preserved so that a re-written
// object reads like the original.
type dict []entry

type entry struct {
	k name
	v any
}

// stream is an indirect stream object: raw (still encoded) data.
type stream struct {
	d    dict
	data []byte
}

func (d dict) get(k name) any {
	for _, e := range d {
		if e.k == k {
			return e.v
		}
	}
	return nil
}

// with returns a copy of d with k set to v (appended when new).
func (d dict) with(k name, v any) dict {
	out := make(dict, 0, len(d)+1)
	found := false
	for _, e := range d {
		if e.k == k {
			e.v = v
			found = true
		}
		out = append(out, e)
	}
	if !found {
		out = append(out, entry{k, v})
	}
	return out
}

// without returns a copy of d without k.
func (d dict) without(k name) dict {
	out := make(dict, 0, len(d))
	for _, e := range d {
		if e.k != k {
			out = append(out, e)
		}
	}
	return out
}

// serialize writes v in PDF syntax.
func serialize(buf *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		if x {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case int:
		buf.WriteString(strconv.Itoa(x))
	case int64:
		buf.WriteString(strconv.FormatInt(x, 10))
	case real:
		buf.WriteString(string(x))
	case float64:
		buf.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	case name:
		writeName(buf, x)
	case ref:
		fmt.Fprintf(buf, "%d %d R", x.num, x.gen)
	case pdfString:
		writeString(buf, x)
	case keyword:
		buf.WriteString(string(x))
	case array:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(' ')
			}
			serialize(buf, e)
		}
		buf.WriteByte(']')
	case dict:
		buf.WriteString("<<")
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(' ')
			}
			writeName(buf, e.k)
			buf.WriteByte(' ')
			serialize(buf, e.v)
		}
		buf.WriteString(">>")
	case rawValue:
		buf.Write(x)
	default:
		panic(fmt.Sprintf("pades: cannot serialise %T", v))
	}
}

// rawValue is pre-serialised PDF syntax, used for placeholders.
type rawValue []byte

func writeName(buf *bytes.Buffer, n name) {
	buf.WriteByte('/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c <= ' ' || c >= 0x7f || c == '#' || isDelim(c) {
			fmt.Fprintf(buf, "#%02X", c)
			continue
		}
		buf.WriteByte(c)
	}
}

func writeString(buf *bytes.Buffer, s pdfString) {
	if s.hex {
		const hexdigits = "0123456789ABCDEF"
		buf.WriteByte('<')
		for _, c := range s.b {
			buf.WriteByte(hexdigits[c>>4])
			buf.WriteByte(hexdigits[c&15])
		}
		buf.WriteByte('>')
		return
	}
	buf.WriteByte('(')
	for _, c := range s.b {
		switch c {
		case '(', ')', '\\':
			buf.WriteByte('\\')
			buf.WriteByte(c)
		case '\r':
			buf.WriteString(`\r`)
		case '\n':
			buf.WriteString(`\n`)
		default:
			buf.WriteByte(c)
		}
	}
	buf.WriteByte(')')
}

// textString encodes s as a PDF text string: PDFDocEncoding-compatible ASCII
// stays literal, anything else (Vietnamese diacritics) becomes UTF-16BE.
func textString(s string) pdfString {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		return pdfString{b: []byte(s)}
	}
	b := []byte{0xFE, 0xFF}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			b = append(b, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
			continue
		}
		b = append(b, byte(r>>8), byte(r))
	}
	return pdfString{b: b, hex: true}
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

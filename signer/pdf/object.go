// Package pdf reads and writes PDF syntax (ISO 32000-1 chapter 7) for the
// signer, the validator and text extraction: objects, cross-reference tables
// and streams, object streams, stream filters and incremental revisions.
//
// Values are Go types: nil (null), bool, int64, float64, String, Name,
// Array, Dict, Stream, Ref and Keyword. Every read is bounded (nesting,
// decoded bytes, reference chains), so hostile files cost little.
package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
)

type (
	// Name is a name without its slash, #xx escapes decoded.
	Name string
	// String holds the bytes of a literal or hexadecimal string.
	String string
	// Keyword is a bare word that is not true, false or null: an operator in
	// a content stream, or damage in a file body.
	Keyword string
	// Ref is an indirect reference "num gen R".
	Ref struct{ Num, Gen int }
	// Array is an array object.
	Array []any
	// Dict is a dictionary whose keys keep their order, so that a rewritten
	// object reads like the original.
	Dict []Entry
	// Entry is one key and value of a Dict.
	Entry struct {
		Key   Name
		Value any
	}
	// Stream is a stream object with its data still encoded; see Decode.
	Stream struct {
		Dict Dict
		Raw  []byte
	}
	// Raw is PDF syntax written as is, such as a placeholder.
	Raw []byte
)

// Get returns the value of k, nil when absent. A key given twice counts
// with its last value, as in a map.
func (d Dict) Get(k Name) any {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i].Key == k {
			return d[i].Value
		}
	}
	return nil
}

// Has reports whether k is present.
func (d Dict) Has(k Name) bool {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i].Key == k {
			return true
		}
	}
	return false
}

// With returns a copy of d with k set to v, appended when new.
func (d Dict) With(k Name, v any) Dict {
	out := make(Dict, 0, len(d)+1)
	found := false
	for _, e := range d {
		if e.Key == k {
			if found {
				continue
			}
			e.Value, found = v, true
		}
		out = append(out, e)
	}
	if !found {
		out = append(out, Entry{k, v})
	}
	return out
}

// Without returns a copy of d without the keys.
func (d Dict) Without(keys ...Name) Dict {
	out := make(Dict, 0, len(d))
outer:
	for _, e := range d {
		for _, k := range keys {
			if e.Key == k {
				continue outer
			}
		}
		out = append(out, e)
	}
	return out
}

// set appends a parsed entry; a null value is the same as an absent key
// (7.3.7), and Get makes a repeated key count with its last value.
func (d Dict) set(k Name, v any) Dict {
	if v == nil {
		return d
	}
	return append(d, Entry{k, v})
}

// Write appends v in PDF syntax. Besides the value types it writes int and
// Raw; any other type is a programming error and panics.
func Write(buf *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case int:
		buf.WriteString(strconv.Itoa(x))
	case int64:
		buf.WriteString(strconv.FormatInt(x, 10))
	case float64:
		buf.WriteString(formatReal(x))
	case Name:
		writeName(buf, x)
	case Ref:
		fmt.Fprintf(buf, "%d %d R", x.Num, x.Gen)
	case String:
		writeString(buf, x)
	case Keyword:
		buf.WriteString(string(x))
	case Raw:
		buf.Write(x)
	case Array:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(' ')
			}
			Write(buf, e)
		}
		buf.WriteByte(']')
	case Dict:
		buf.WriteString("<<")
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(' ')
			}
			writeName(buf, e.Key)
			buf.WriteByte(' ')
			Write(buf, e.Value)
		}
		buf.WriteString(">>")
	default:
		panic(fmt.Sprintf("pdf: cannot write %T", v))
	}
}

// formatReal writes f without an exponent, which PDF does not allow.
func formatReal(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func writeName(buf *bytes.Buffer, n Name) {
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

// writeString writes printable text as a literal and anything else (UTF-16,
// binary) in hexadecimal, which survives any transport.
func writeString(buf *bytes.Buffer, s String) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || (c < ' ' && c != '\n' && c != '\r' && c != '\t') {
			const hexdigits = "0123456789ABCDEF"
			buf.WriteByte('<')
			for j := 0; j < len(s); j++ {
				buf.WriteByte(hexdigits[s[j]>>4])
				buf.WriteByte(hexdigits[s[j]&15])
			}
			buf.WriteByte('>')
			return
		}
	}
	buf.WriteByte('(')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
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

// TextString encodes s as a text string (7.9.2.2): printable ASCII as is,
// anything else (Vietnamese diacritics) as UTF-16BE with a byte order mark.
func TextString(s string) String {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		return String(s)
	}
	b := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return String(b)
}

// Text decodes a text string: UTF-16BE with its byte order mark, otherwise
// PDFDocEncoding, read here as Latin-1.
func (s String) Text() string {
	if len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff {
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// Number returns an integer or real as float64.
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

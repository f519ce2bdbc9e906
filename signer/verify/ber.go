package verify

import "errors"

var errBER = errors.New("malformed BER")

// berToDER rewrites indefinite-length encodings (common in CMS produced by
// streaming signers) into definite lengths so encoding/asn1 can read them.
// Primitive contents are copied untouched. Trailing bytes are dropped.
// maxBERDepth bounds the nesting of BER elements so hostile input cannot
// exhaust the stack.
const maxBERDepth = 64

func berToDER(b []byte) ([]byte, error) {
	out, _, err := berElement(b, 0)
	return out, err
}

func berElement(b []byte, depth int) ([]byte, int, error) {
	if depth > maxBERDepth {
		return nil, 0, errBER
	}
	if len(b) < 2 {
		return nil, 0, errBER
	}
	// Identifier octets (high tag numbers use continuation bytes).
	i := 1
	if b[0]&0x1f == 0x1f {
		for i < len(b) && b[i]&0x80 != 0 {
			i++
		}
		i++
	}
	if i >= len(b) {
		return nil, 0, errBER
	}
	tag := b[:i]
	constructed := b[0]&0x20 != 0
	l := int(b[i])
	i++
	if l == 0x80 {
		if !constructed {
			return nil, 0, errBER
		}
		var content []byte
		for {
			if i+1 < len(b) && b[i] == 0 && b[i+1] == 0 {
				i += 2
				break
			}
			if i >= len(b) {
				return nil, 0, errBER
			}
			child, n, err := berElement(b[i:], depth+1)
			if err != nil {
				return nil, 0, err
			}
			content = append(content, child...)
			i += n
		}
		return encodeTLV(tag, content), i, nil
	}
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 4 || i+n > len(b) {
			return nil, 0, errBER
		}
		l = 0
		for k := 0; k < n; k++ {
			l = l<<8 | int(b[i+k])
		}
		i += n
	}
	if l < 0 || i+l > len(b) {
		return nil, 0, errBER
	}
	body := b[i : i+l]
	if !constructed {
		return encodeTLV(tag, body), i + l, nil
	}
	var content []byte
	for off := 0; off < len(body); {
		child, n, err := berElement(body[off:], depth+1)
		if err != nil {
			return nil, 0, err
		}
		content = append(content, child...)
		off += n
	}
	return encodeTLV(tag, content), i + l, nil
}

func encodeTLV(tag, content []byte) []byte {
	out := append([]byte{}, tag...)
	n := len(content)
	switch {
	case n < 0x80:
		out = append(out, byte(n))
	default:
		var lb []byte
		for v := n; v > 0; v >>= 8 {
			lb = append([]byte{byte(v)}, lb...)
		}
		out = append(out, 0x80|byte(len(lb)))
		out = append(out, lb...)
	}
	return append(out, content...)
}

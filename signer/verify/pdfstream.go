package verify

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// maxStreamSize bounds one decoded stream so a zip bomb cannot exhaust memory.
const maxStreamSize = 32 << 20

// decodeStream applies the stream's filters. Only the filters that carry the
// data a validator needs (xref and object streams, DSS certificates,
// OCSP responses and CRLs) are supported.
func decodeStream(s pdfStream) ([]byte, error) {
	filters := nameList(s.dict["Filter"])
	parms := s.dict["DecodeParms"]
	data := s.raw
	for i, f := range filters {
		var p pdfDict
		switch v := parms.(type) {
		case pdfDict:
			p = v
		case pdfArray:
			if i < len(v) {
				p, _ = v[i].(pdfDict)
			}
		}
		var err error
		switch f {
		case "FlateDecode", "Fl":
			data, err = inflate(data)
			if err == nil {
				data, err = unpredict(data, p)
			}
		case "ASCIIHexDecode", "AHx":
			data, err = asciiHex(data)
		default:
			err = fmt.Errorf("unsupported filter %s", f)
		}
		if err != nil {
			return nil, fmt.Errorf("pades: decode stream: %w", err)
		}
	}
	return data, nil
}

func nameList(v any) []pdfName {
	switch f := v.(type) {
	case pdfName:
		return []pdfName{f}
	case pdfArray:
		var out []pdfName
		for _, x := range f {
			if n, ok := x.(pdfName); ok {
				out = append(out, n)
			}
		}
		return out
	}
	return nil
}

func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxStreamSize+1))
	if len(out) > maxStreamSize {
		return nil, errors.New("stream too large")
	}
	// Many producers write streams without a valid zlib trailer; keep what inflated.
	if err != nil && len(out) == 0 {
		return nil, err
	}
	return out, nil
}

func asciiHex(b []byte) ([]byte, error) {
	if i := bytes.IndexByte(b, '>'); i >= 0 {
		b = b[:i]
	}
	clean := make([]byte, 0, len(b)+1)
	for _, c := range b {
		if !isSpace(c) {
			clean = append(clean, c)
		}
	}
	if len(clean)%2 == 1 {
		clean = append(clean, '0')
	}
	out := make([]byte, len(clean)/2)
	_, err := hex.Decode(out, clean)
	return out, err
}

// unpredict reverses the PNG predictors used by xref streams.
func unpredict(b []byte, p pdfDict) ([]byte, error) {
	pred, _ := p["Predictor"].(int64)
	if pred < 10 {
		return b, nil
	}
	cols := int64(1)
	if c, ok := p["Columns"].(int64); ok && c > 0 && c < 1<<16 {
		cols = c
	}
	row := int(cols)
	out := make([]byte, 0, len(b))
	prev := make([]byte, row)
	for i := 0; i+row < len(b)+1 && i < len(b); i += row + 1 {
		ft := b[i]
		end := i + 1 + row
		if end > len(b) {
			break
		}
		cur := append([]byte(nil), b[i+1:end]...)
		for j := range cur {
			var left, up, ul byte
			if j > 0 {
				left = cur[j-1]
				ul = prev[j-1]
			}
			up = prev[j]
			switch ft {
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[j] += paeth(left, up, ul)
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

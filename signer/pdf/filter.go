package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is wrapped when decoding would produce more bytes than allowed:
// a decompression bomb, or more data than the caller wants to handle.
var ErrTooLarge = errors.New("pdf: decoded data exceeds the limit")

// maxFilters bounds a stream's filter chain; real files use one or two.
const maxFilters = 8

// Decode undoes the stream's filters (7.4), producing at most max bytes at
// any stage. Damaged compressed data gives what decoded before the damage,
// as viewers show it.
func Decode(s Stream, max int64) ([]byte, error) {
	filters := filterNames(s.Dict.Get("Filter"))
	if len(filters) > maxFilters {
		return nil, fmt.Errorf("pdf: decode: %d filters, more than %d", len(filters), maxFilters)
	}
	parms := s.Dict.Get("DecodeParms")
	data := s.Raw
	for i, f := range filters {
		var p Dict
		switch v := parms.(type) {
		case Dict:
			p = v
		case Array:
			if i < len(v) {
				p, _ = v[i].(Dict)
			}
		}
		var err error
		data, err = decodeOne(f, data, p, max)
		if err != nil {
			return nil, fmt.Errorf("pdf: decode %s: %w", f, err)
		}
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, max)
	}
	return data, nil
}

func filterNames(v any) []Name {
	switch f := v.(type) {
	case Name:
		return []Name{f}
	case Array:
		out := make([]Name, 0, len(f))
		for _, x := range f {
			if n, ok := x.(Name); ok {
				out = append(out, n)
			}
		}
		return out
	}
	return nil
}

func decodeOne(f Name, data []byte, p Dict, max int64) ([]byte, error) {
	switch f {
	case "FlateDecode", "Fl":
		out, err := inflate(data, max)
		if err != nil {
			return nil, err
		}
		return unpredict(out, p)
	case "ASCIIHexDecode", "AHx":
		return asciiHex(data), nil
	case "ASCII85Decode", "A85":
		return ascii85(data)
	case "RunLengthDecode", "RL":
		return runLength(data, max)
	}
	return nil, errors.New("unsupported filter")
}

func inflate(b []byte, max int64) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, max+1))
	if int64(len(out)) > max {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, max)
	}
	// Many producers write streams without a valid zlib trailer; keep what inflated.
	if err != nil && len(out) == 0 {
		return nil, err
	}
	return out, nil
}

func asciiHex(b []byte) []byte {
	if i := bytes.IndexByte(b, '>'); i >= 0 {
		b = b[:i]
	}
	out, _ := unhexAll(b)
	return out
}

// ascii85 decodes base-85 groups up to "~>"; "z" stands for four zero bytes.
func ascii85(b []byte) ([]byte, error) {
	if i := bytes.Index(b, []byte("~>")); i >= 0 {
		b = b[:i]
	}
	out := make([]byte, 0, len(b)*4/5+4)
	var group [5]byte
	n := 0
	for _, c := range b {
		switch {
		case isSpace(c):
			continue
		case c == 'z' && n == 0:
			out = append(out, 0, 0, 0, 0)
			continue
		case c < '!' || c > 'u':
			return nil, fmt.Errorf("bad ASCII85 byte %q", c)
		}
		group[n] = c - '!'
		if n++; n == 5 {
			out = appendGroup(out, group, 4)
			n = 0
		}
	}
	switch n {
	case 0:
	case 1:
		return nil, errors.New("ASCII85 data ends with a single byte")
	default:
		for i := n; i < 5; i++ {
			group[i] = 'u' - '!'
		}
		out = appendGroup(out, group, n-1)
	}
	return out, nil
}

func appendGroup(out []byte, g [5]byte, n int) []byte {
	var v uint64
	for _, d := range g {
		v = v*85 + uint64(d)
	}
	w := [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	return append(out, w[:n]...)
}

// runLength decodes PackBits runs up to the end-of-data byte 128.
func runLength(b []byte, max int64) ([]byte, error) {
	var out []byte
	for i := 0; i < len(b) && b[i] != 128; {
		n := int(b[i])
		i++
		if n < 128 {
			end := min(i+n+1, len(b))
			out = append(out, b[i:end]...)
			i = end
		} else if i < len(b) {
			out = append(out, bytes.Repeat(b[i:i+1], 257-n)...)
			i++
		}
		if int64(len(out)) > max {
			return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, max)
		}
	}
	return out, nil
}

// unpredict reverses the TIFF (2) and PNG (10 and up) predictors of 7.4.4.4.
func unpredict(data []byte, p Dict) ([]byte, error) {
	pred, _ := p.Get("Predictor").(int64)
	if pred <= 1 {
		return data, nil
	}
	colors, bpc, cols := int64(1), int64(8), int64(1)
	if v, ok := p.Get("Colors").(int64); ok {
		colors = v
	}
	if v, ok := p.Get("BitsPerComponent").(int64); ok {
		bpc = v
	}
	if v, ok := p.Get("Columns").(int64); ok {
		cols = v
	}
	if colors < 1 || colors > 32 || cols < 1 || cols > 1<<20 || (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16) {
		return nil, errors.New("bad predictor parameters")
	}
	bpp := max(1, int(colors*bpc/8)) // bytes per pixel, for the left neighbour
	stride := int((colors*bpc*cols + 7) / 8)
	switch {
	case pred == 2:
		if bpc != 8 {
			return nil, fmt.Errorf("TIFF predictor with %d bits per component is not supported", bpc)
		}
		return tiff(data, stride, bpp), nil
	case pred >= 10:
		return png(data, stride, bpp)
	}
	return nil, fmt.Errorf("unsupported predictor %d", pred)
}

func tiff(data []byte, stride, bpp int) []byte {
	out := append([]byte(nil), data...)
	for row := 0; row < len(out); row += stride {
		end := min(row+stride, len(out))
		for i := row + bpp; i < end; i++ {
			out[i] += out[i-bpp]
		}
	}
	return out
}

// png undoes PNG filters row by row; each row starts with its filter type.
// A short last row is kept as far as it goes.
func png(data []byte, stride, bpp int) ([]byte, error) {
	out := make([]byte, 0, len(data))
	prev := make([]byte, stride)
	for len(data) > 1 {
		typ := data[0]
		n := min(stride, len(data)-1)
		row := append(make([]byte, 0, stride), data[1:n+1]...)
		data = data[n+1:]
		for i := range row {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = row[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			switch typ {
			case 0:
			case 1:
				row[i] += left
			case 2:
				row[i] += up
			case 3:
				row[i] += byte((int(left) + int(up)) / 2)
			case 4:
				row[i] += paeth(left, up, upLeft)
			default:
				return nil, fmt.Errorf("bad PNG filter type %d", typ)
			}
		}
		out = append(out, row...)
		prev = row[:stride]
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

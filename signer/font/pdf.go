package font

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode/utf16"
)

// ObjectWriter adds an indirect object to a PDF being written: AddObject allocates the next
// object number, stores body (everything between "N 0 obj" and "endobj") and returns the number.
type ObjectWriter interface {
	AddObject(body []byte) int
}

// Use collects what one face draws in one PDF (or one incremental update): each glyph id and the
// rune it stands for (for /ToUnicode, so copied or extracted text reads as the Vietnamese that
// was drawn). Encode all text first, then Write the font once. A Use is not safe for concurrent
// use.
type Use struct {
	face  *Face
	runes map[uint16]rune
}

// NewUse starts collecting glyphs of f.
func NewUse(f *Face) *Use { return &Use{face: f, runes: map[uint16]rune{}} }

// Face is the face this Use draws with.
func (u *Use) Face() *Face { return u.face }

// Encode returns the Identity-H hex string of s (2-byte glyph ids) and records the glyphs used.
func (u *Use) Encode(s string) (string, error) {
	gids, err := u.face.Glyphs(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteByte('<')
	i := 0
	for _, r := range s {
		g := gids[i]
		i++
		if _, ok := u.runes[g]; !ok {
			u.runes[g] = r
		}
		fmt.Fprintf(&b, "%04X", g)
	}
	b.WriteByte('>')
	return b.String(), nil
}

// Write emits the subset font file, descriptor, CIDFontType2, ToUnicode CMap and the Type0
// font, children first because ObjectWriter numbers objects as they are added, and returns the
// Type0 font's object number. The output depends only on the glyphs encoded, so the same text
// always gives the same bytes.
func (u *Use) Write(w ObjectWriter) (int, error) {
	gids := slices.Sorted(maps.Keys(u.runes))
	subset, err := Subset(u.face.raw, gids)
	if err != nil {
		return 0, fmt.Errorf("font: subset %s: %w", u.face.name, err)
	}
	compressed, err := Deflate(subset)
	if err != nil {
		return 0, fmt.Errorf("font: compress %s: %w", u.face.name, err)
	}
	baseFont := subsetTag(u.face.name, gids) + "+" + u.face.name

	file := w.AddObject(StreamObject(fmt.Sprintf("/Length1 %d /Filter /FlateDecode", len(subset)), compressed))
	descriptor := w.AddObject([]byte(u.descriptor(baseFont, file)))
	cid := w.AddObject([]byte(fmt.Sprintf(
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s "+
			"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "+
			"/FontDescriptor %d 0 R /DW 1000 /W %s /CIDToGIDMap /Identity >>",
		baseFont, descriptor, u.widths(gids))))
	cmap := w.AddObject(StreamObject("", []byte(u.toUnicode(gids))))
	return w.AddObject([]byte(fmt.Sprintf(
		"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
		baseFont, cid, cmap))), nil
}

func (u *Use) descriptor(baseFont string, file int) string {
	t := u.face.ttf
	// StemV is not in TrueType data; this is the usual estimate from the weight class.
	stemV := 10 + 220*(t.weight-50)/900
	const flags = 2 | 4 // Serif | Symbolic (glyphs are addressed by id, not a standard encoding)
	return fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%d %d %d %d] "+
		"/ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV %d /FontFile2 %d 0 R >>",
		baseFont, flags, u.units(t.bbox[0]), u.units(t.bbox[1]), u.units(t.bbox[2]), u.units(t.bbox[3]),
		u.units(t.ascent), u.units(t.descent), u.units(t.capHeight), stemV, file)
}

// units converts font units to the 1/1000 em of PDF glyph space.
func (u *Use) units(v int16) int {
	return int(float64(v)*1000/float64(u.face.ttf.unitsPerEm) + 0.5*sign(float64(v)))
}

// widths builds the /W array, one run per stretch of consecutive glyph ids.
func (u *Use) widths(gids []uint16) string {
	if len(gids) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, g := range gids {
		if i == 0 || gids[i-1] != g-1 {
			if i > 0 {
				b.WriteString("] ")
			}
			fmt.Fprintf(&b, "%d [", g)
		} else {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d", u.units(int16(min(u.face.ttf.advances[g], 0x7FFF))))
	}
	b.WriteString("]]")
	return b.String()
}

// toUnicode is the CMap that maps each glyph id back to its character.
func (u *Use) toUnicode(gids []uint16) string {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for chunk := range slices.Chunk(gids, 100) { // a bfchar block holds at most 100 entries
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, g := range chunk {
			fmt.Fprintf(&b, "<%04X> <", g)
			for _, unit := range utf16.Encode([]rune{u.runes[g]}) {
				fmt.Fprintf(&b, "%04X", unit)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}

// subsetTag is the six-letter subset prefix (ISO 32000-1 9.6.4), derived from the glyph set so
// the same text always yields the same bytes.
func subsetTag(name string, gids []uint16) string {
	h := sha256.New()
	h.Write([]byte(name))
	for _, g := range gids {
		h.Write([]byte{byte(g >> 8), byte(g)})
	}
	sum := h.Sum(nil)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	return string(tag)
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// StreamObject renders a stream object body; dict holds the entries other than /Length.
func StreamObject(dict string, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< %s /Length %d >>\nstream\n", strings.TrimSpace(dict), len(data))
	b.Write(data)
	b.WriteString("\nendstream")
	return b.Bytes()
}

// zlibWriters keeps compressors between calls: a new one allocates about
// 800 KB of tables and windows, and a signature appearance deflates four
// or five streams.
var zlibWriters = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}

// Deflate compresses data for /FlateDecode (zlib framing, as PDF expects).
func Deflate(data []byte) ([]byte, error) {
	var b bytes.Buffer
	zw := zlibWriters.Get().(*zlib.Writer)
	zw.Reset(&b)
	_, err := zw.Write(data)
	if err == nil {
		err = zw.Close()
	}
	zw.Reset(nil) // drop b; Reset also clears any error state for the next user
	zlibWriters.Put(zw)
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

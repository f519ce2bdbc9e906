package pdftext

import (
	"unicode/utf16"
)

// cmap is a parsed /ToUnicode CMap: how the bytes of a shown string split into character codes
// and the text each code stands for.
type cmap struct {
	spaces []codeSpace      // code space ranges, which fix the length of each code
	chars  map[code]string  // bfchar entries, and small bfranges expanded
	ranges []codeRange      // large bfranges, looked up in order
	widths map[int]struct{} // code lengths seen in mappings, when spaces is empty
}

// code is a character code with its length in bytes, as <00 41> and <41> differ.
type code struct {
	n int
	v uint32
}

type codeSpace struct {
	lo, hi []byte
}

type codeRange struct {
	n      int
	lo, hi uint32
	dst    []rune // text of lo; later codes add to its last rune
}

// Limits on what a CMap may declare, so that a hostile range cannot cost memory or time.
const (
	maxExpand  = 256   // bfrange sizes expanded into the map
	maxEntries = 70000 // mappings kept in all
	maxRanges  = 256   // large bfranges, searched one by one for every code
	maxSpaces  = 64    // code space ranges, searched for every code
)

// parseCMap reads the mappings of a ToUnicode CMap; anything it does not understand is skipped.
func parseCMap(data []byte) *cmap {
	m := &cmap{chars: map[code]string{}, widths: map[int]struct{}{}}
	l := newLexer(data)
	var stack []token
	for entries := 0; entries < maxEntries; {
		t := l.next()
		switch t.kind {
		case tokEOF:
			return m
		case tokOp:
		default:
			if len(stack) < 3*maxEntries {
				stack = append(stack, t)
			}
			continue
		}
		switch t.op {
		case "endcodespacerange":
			for i := 0; i+1 < len(stack); i += 2 {
				lo, hi := stack[i].str, stack[i+1].str
				if len(lo) > 0 && len(lo) <= 4 && len(lo) == len(hi) && len(m.spaces) < maxSpaces {
					m.spaces = append(m.spaces, codeSpace{[]byte(lo), []byte(hi)})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(stack); i += 2 {
				if c, ok := toCode(stack[i].str); ok {
					m.chars[c] = dstText(stack[i+1])
					m.widths[c.n] = struct{}{}
					entries++
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(stack); i += 3 {
				entries += m.addRange(stack[i].str, stack[i+1].str, stack[i+2])
			}
		}
		stack = stack[:0]
	}
	return m
}

// addRange records one bfrange entry and returns how many mappings it added.
func (m *cmap) addRange(loS, hiS string, dst token) int {
	lo, ok1 := toCode(loS)
	hi, ok2 := toCode(hiS)
	if !ok1 || !ok2 || lo.n != hi.n || hi.v < lo.v {
		return 0
	}
	m.widths[lo.n] = struct{}{}
	if dst.kind == tokArray { // one destination string per code
		n := 0
		for i, d := range dst.array {
			if uint32(i) > hi.v-lo.v {
				break
			}
			m.chars[code{lo.n, lo.v + uint32(i)}] = dstText(d)
			n++
		}
		return n
	}
	base := []rune(dstText(dst))
	if len(base) == 0 {
		return 0
	}
	if hi.v-lo.v < maxExpand {
		for off := uint32(0); off <= hi.v-lo.v; off++ { // counting offsets, as hi.v may be the largest uint32
			m.chars[code{lo.n, lo.v + off}] = shifted(base, off)
		}
		return int(hi.v-lo.v) + 1
	}
	if len(m.ranges) >= maxRanges {
		return 0
	}
	m.ranges = append(m.ranges, codeRange{lo.n, lo.v, hi.v, base})
	return 1
}

// lookup returns the text of c and whether the CMap maps it.
func (m *cmap) lookup(c code) (string, bool) {
	if s, ok := m.chars[c]; ok {
		return s, true
	}
	for _, r := range m.ranges {
		if r.n == c.n && r.lo <= c.v && c.v <= r.hi {
			return shifted(r.dst, c.v-r.lo), true
		}
	}
	return "", false
}

// codeLength returns how many bytes of s form the next code: the code space range that
// matches, else the length the mappings use, else fallback.
func (m *cmap) codeLength(s string, fallback int) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, sp := range m.spaces {
			if len(sp.lo) == n && inSpace(s[:n], sp) {
				return n
			}
		}
	}
	if len(m.spaces) == 0 && len(m.widths) == 1 {
		for n := range m.widths {
			return n
		}
	}
	return fallback
}

func inSpace(s string, sp codeSpace) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < sp.lo[i] || s[i] > sp.hi[i] {
			return false
		}
	}
	return true
}

// shifted returns base with off added to its last rune, as a bfrange maps consecutive codes.
func shifted(base []rune, off uint32) string {
	if off == 0 {
		return string(base)
	}
	out := append([]rune(nil), base...)
	out[len(out)-1] += rune(off)
	return string(out)
}

// toCode reads the bytes of a source code, one to four of them.
func toCode(s string) (code, bool) {
	if len(s) == 0 || len(s) > 4 {
		return code{}, false
	}
	var v uint32
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint32(s[i])
	}
	return code{len(s), v}, true
}

// dstText decodes a destination: UTF-16BE bytes, possibly a surrogate pair or several
// characters (a ligature "fi").
func dstText(t token) string {
	if t.kind != tokString || len(t.str)%2 != 0 {
		if t.kind == tokName { // some producers write /space or /uni1EA1
			return glyphText(t.op)
		}
		return ""
	}
	u := make([]uint16, len(t.str)/2)
	for i := range u {
		u[i] = uint16(t.str[2*i])<<8 | uint16(t.str[2*i+1])
	}
	return string(utf16.Decode(u))
}

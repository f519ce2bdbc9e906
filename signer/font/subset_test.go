package font

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

const typicalText = "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Chiến Số: 15/QĐ-UBND 2025-03-05T14:32:05+07:00"

func mustGlyphs(t testing.TB, f *Face, s string) []uint16 {
	t.Helper()
	gids, err := f.Glyphs(s)
	if err != nil {
		t.Fatalf("glyphs(%q): %v", s, err)
	}
	return gids
}

func mustFace(t testing.TB, load func() (*Face, error)) *Face {
	t.Helper()
	f, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSubsetTrueType(t *testing.T) {
	t.Parallel()
	regular := mustFace(t, Regular)

	t.Run("KeepsGlyphIDsAndOutlinesOfUsedGlyphsOnly", func(t *testing.T) {
		t.Parallel()
		keep := mustGlyphs(t, regular, "Văn")
		sub := parseSubset(t, regular.raw, keep)
		closure, err := regular.ttf.GlyphClosure(keep)
		if err != nil {
			t.Fatal(err)
		}
		if want := int(slices.Max(closure)) + 1; sub.numGlyphs != want {
			t.Errorf("subset has %d glyphs, want %d (up to the highest id used)", sub.numGlyphs, want)
		}
		for g := range sub.numGlyphs {
			got, _ := sub.Glyph(g)
			orig, _ := regular.ttf.Glyph(g)
			if slices.Contains(closure, uint16(g)) {
				if !bytes.Equal(got, orig) {
					t.Errorf("glyph %d: outline changed (%d bytes, was %d)", g, len(got), len(orig))
				}
			} else if len(got) != 0 {
				t.Errorf("glyph %d is unused but kept %d bytes of outline", g, len(got))
			}
			if sub.advances[g] != regular.ttf.advances[g] {
				t.Errorf("glyph %d: advance %d, want %d", g, sub.advances[g], regular.ttf.advances[g])
			}
		}
	})

	t.Run("KeepsTheComponentsOfCompositeVietnameseLetters", func(t *testing.T) {
		t.Parallel()
		// ế is drawn from other glyphs (e, circumflex, acute); without them it would be blank.
		g := mustGlyphs(t, regular, "ế")[0]
		components, err := regular.ttf.Components(int(g))
		if err != nil {
			t.Fatal(err)
		}
		if len(components) == 0 {
			t.Fatalf("ế (glyph %d) is not a composite in this font; the test needs one", g)
		}
		sub := parseSubset(t, regular.raw, []uint16{g})
		for _, c := range components {
			if data, _ := sub.Glyph(int(c)); len(data) == 0 {
				t.Errorf("component glyph %d of ế was dropped", c)
			}
		}
	})

	t.Run("WritesValidTableAndFileChecksums", func(t *testing.T) {
		t.Parallel()
		out, err := Subset(regular.raw, mustGlyphs(t, regular, typicalText))
		if err != nil {
			t.Fatal(err)
		}
		if sum := checksum(out); sum != 0xB1B0AFBA {
			t.Errorf("whole-font checksum %#x, want 0xB1B0AFBA", sum)
		}
		n := int(binary.BigEndian.Uint16(out[4:]))
		for i := range n {
			rec := out[12+16*i:]
			tag := string(rec[:4])
			off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
			table := slices.Clone(out[off : off+length])
			if tag == "head" {
				clear(table[8:12]) // the table checksum is taken with checkSumAdjustment zeroed
			}
			if want := binary.BigEndian.Uint32(rec[4:]); checksum(table) != want {
				t.Errorf("table %q: checksum %#x, directory says %#x", tag, checksum(table), want)
			}
		}
	})

	t.Run("IsFarSmallerThanTheFullFontForATypicalAppearance", func(t *testing.T) {
		t.Parallel()
		for _, f := range []*Face{regular, mustFace(t, Bold)} {
			out, err := Subset(f.raw, mustGlyphs(t, f, typicalText))
			if err != nil {
				t.Fatal(err)
			}
			if len(out)*4 >= len(f.raw) {
				t.Errorf("%s subset is %d bytes of %d, want under 25%%", f.name, len(out), len(f.raw))
			}
		}
	})

	t.Run("RejectsGlyphIDsTheFontDoesNotHave", func(t *testing.T) {
		t.Parallel()
		if _, err := Subset(regular.raw, []uint16{0xFFFF}); err == nil {
			t.Error("subset with glyph 65535 succeeded, want an error")
		}
	})
}

func parseSubset(t *testing.T, font []byte, keep []uint16) *TrueType {
	t.Helper()
	out, err := Subset(font, keep)
	if err != nil {
		t.Fatalf("subset: %v", err)
	}
	sub, err := Parse(out)
	if err != nil {
		t.Fatalf("parse subset: %v", err)
	}
	return sub
}

// FuzzSubsetTrueType feeds corrupted fonts to the subsetter: it must return an error or a font
// that parses again, and never panic. Inputs are fonts of tens of kilobytes, so cap minimisation
// when fuzzing or the fuzzer spends its time there:
//
//	go test -run '^$' -fuzz FuzzSubsetTrueType -fuzzminimizetime 200x ./signer/font/
func FuzzSubsetTrueType(f *testing.F) {
	regular := mustFace(f, Regular)
	small, err := Subset(regular.raw, mustGlyphs(f, regular, "Nguyễn ặ"))
	if err != nil {
		f.Fatal(err)
	}
	g := mustGlyphs(f, regular, "ễ")[0]
	f.Add(small, g, uint16(3))
	f.Add(small[:len(small)/2], g, uint16(0))
	f.Add([]byte("true\x00\x01"), uint16(1), uint16(2))
	f.Fuzz(func(t *testing.T, font []byte, a, b uint16) {
		if ttf, err := Parse(font); err == nil {
			for _, r := range "aẫ€\U0001F600" { // BMP and beyond: both cmap formats
				ttf.cmap.lookup(r)
			}
		}
		out, err := Subset(font, []uint16{a, b})
		if err != nil {
			return
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("subset succeeded but does not parse: %v", err)
		}
	})
}

package font

import (
	"errors"
	"strings"
	"testing"
)

func TestBundledFontsDrawEveryVietnameseLetter(t *testing.T) {
	t.Parallel()
	var letters []rune
	for r := rune(0x1EA0); r <= 0x1EF9; r++ { // Latin Extended Additional: the Vietnamese block
		letters = append(letters, r)
	}
	letters = append(letters, 0x0110, 0x0111, 0x0102, 0x0103, 0x01A0, 0x01A1, 0x01AF, 0x01B0, 0x0128, 0x0129, 0x0168, 0x0169)
	letters = append(letters, []rune("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")...)
	for _, load := range []func() (*Face, error){Regular, Bold} {
		f := mustFace(t, load)
		for _, r := range letters {
			if !f.Has(r) {
				t.Errorf("%s has no glyph for %q (U+%04X)", f.Name(), r, r)
			}
		}
	}
}

func TestGlyphsNamesTheMissingCharacter(t *testing.T) {
	t.Parallel()
	_, err := mustFace(t, Regular).Glyphs("Văn bản 中")
	var missing *MissingGlyphError
	if !errors.As(err, &missing) || missing.Rune != '中' {
		t.Fatalf("Glyphs with a Chinese character: err = %v, want a MissingGlyphError for 中", err)
	}
	if !strings.Contains(err.Error(), "U+4E2D") {
		t.Errorf("error %q does not name U+4E2D", err)
	}
}

func TestWidthMatchesTimesMetrics(t *testing.T) {
	t.Parallel()
	// Liberation Serif is metric-compatible with Times New Roman: "m" is 778/1000 em, space 250.
	for s, want := range map[string]float64{"m": 7.78, " ": 2.5} {
		got, err := mustFace(t, Regular).Width(s, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got < want-0.01 || got > want+0.01 {
			t.Errorf("Width(%q, 10) = %.3f, want %.2f", s, got, want)
		}
	}
}

func TestLicenseIsTheOFL(t *testing.T) {
	t.Parallel()
	if !strings.Contains(License(), "SIL OPEN FONT LICENSE") {
		t.Error("License() does not contain the SIL Open Font License")
	}
}

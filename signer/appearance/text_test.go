package appearance

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestEmbeddedFontsDrawEveryVietnameseLetter(t *testing.T) {
	t.Parallel()
	var letters []rune
	for r := rune(0x1EA0); r <= 0x1EF9; r++ { // Latin Extended Additional: the Vietnamese block
		letters = append(letters, r)
	}
	letters = append(letters, 0x0110, 0x0111, 0x0102, 0x0103, 0x01A0, 0x01A1, 0x01AF, 0x01B0, 0x0128, 0x0129, 0x0168, 0x0169)
	letters = append(letters, []rune("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")...)
	for _, load := range []func() (*face, error){regularFace, boldFace} {
		f := mustFace(t, load)
		for _, r := range letters {
			if f.ttf.cmap.lookup(r) == 0 {
				t.Errorf("%s has no glyph for %q (U+%04X)", f.postScriptName, r, r)
			}
		}
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		norm.NFD.String("Nguyễn Văn Chiến"): "Nguyễn Văn Chiến",
		"  KT.\tCHỦ   TỊCH \n":              "KT. CHỦ TỊCH",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

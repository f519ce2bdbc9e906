package search

import (
	"math/rand/v2"
	"strings"
	"testing"
	"testing/quick"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"UpperCaseTitleMatchesPlainQuery", "QUYẾT ĐỊNH", "quyet dinh"},
		{"OldToneMarkPlacement", "Hoà Bình", "hoa binh"},
		{"NewToneMarkPlacement", "Hòa Bình", "hoa binh"},
		{"OldPlacementOnUy", "Thuý", "thuy"},
		{"NewPlacementOnUy", "Thúy", "thuy"},
		{"OeBothPlacements", "khoẻ khỏe", "khoe khoe"},
		{"DecomposedInput", "quye\u0302\u0301t đi\u0323nh", "quyet dinh"},
		{"DStrokeAndDigitsKept", "Đề án 06", "de an 06"},
		{"HornAndBreveRemoved", "Ưu tiên ơn Ăn", "uu tien on an"},
		{"PunctuationBecomesOneSpace", "  Số: 15/QĐ-UBND,  ngày 01.02 ", "so 15 qd ubnd ngay 01 02"},
		{"LigatureFromPDFTextLayer", "ﬁle", "file"},
		{"FullWidthDigits", "１２３", "123"},
		{"EmptyString", "", ""},
		{"OnlyPunctuation", " -- ,. ", ""},
		{"OtherScriptsKeepTheirLetters", "Москва 北京", "москва 北京"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Fold(tc.in); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFoldTreatsEveryVietnameseLetterFormAlike(t *testing.T) {
	t.Parallel()
	// Each line: the bare vowel, then every precomposed form built on it.
	for _, line := range []string{
		"a àáảãạ ăằắẳẵặ âầấẩẫậ ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ",
		"e èéẻẽẹ êềếểễệ ÈÉẺẼẸÊỀẾỂỄỆ",
		"i ìíỉĩị ÌÍỈĨỊ",
		"o òóỏõọ ôồốổỗộ ơờớởỡợ ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ",
		"u ùúủũụ ưừứửữự ÙÚỦŨỤƯỪỨỬỮỰ",
		"y ỳýỷỹỵ ỲÝỶỸỴ",
		"d đĐ",
	} {
		base := line[:1]
		for _, r := range strings.ReplaceAll(line[2:], " ", "") {
			for _, form := range []string{string(r), norm.NFD.String(string(r))} {
				if got := Fold(form); got != base {
					t.Errorf("Fold(%+q) = %q, want %q", form, got, base)
				}
			}
		}
	}
}

// vietnameseish draws strings mixing Vietnamese letters in both normal forms, ASCII, loose
// combining marks, punctuation and a few runes outside the fast table.
func vietnameseish(rng *rand.Rand) string {
	alphabet := []rune("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789 ,.-/:;\"'()" +
		"àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ" +
		"\u0300\u0301\u0303\u0309\u0323\u031b\u0302\u0306ﬁ½²Ⅻ한글ǅ\u00a0\u2028İıßẞ")
	var b strings.Builder
	for n := rng.IntN(40); n > 0; n-- {
		r := alphabet[rng.IntN(len(alphabet))]
		if rng.IntN(50) == 0 {
			r = rune(rng.IntN(0x30000)) // anything, valid or not
		}
		b.WriteRune(r)
	}
	s := b.String()
	if rng.IntN(2) == 0 {
		s = norm.NFD.String(s)
	}
	return s
}

func TestFoldProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := vietnameseish(rng)
		f := Fold(s)
		if again := Fold(f); again != f {
			t.Fatalf("Fold is not idempotent on %+q: %q then %q", s, f, again)
		}
		if nfc, nfd := Fold(norm.NFC.String(s)), Fold(norm.NFD.String(s)); nfc != nfd {
			t.Fatalf("Fold(NFC(%+q)) = %q but Fold(NFD) = %q", s, nfc, nfd)
		}
		if !utf8.ValidString(f) || strings.Contains(f, "  ") || strings.TrimSpace(f) != f {
			t.Fatalf("Fold(%+q) = %q is not a clean space-separated string", s, f)
		}
	}
}

func TestFoldPropertiesOnArbitraryStrings(t *testing.T) {
	t.Parallel()
	property := func(s string) bool {
		f := Fold(s)
		return Fold(f) == f && Fold(norm.NFC.String(s)) == Fold(norm.NFD.String(s))
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 5000}); err != nil {
		t.Error(err)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Quyết định", "Hoà Bình", "15/QĐ-UBND", "ﬁ½", "e\u0301\u0323"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if Fold(got) != got {
			t.Errorf("Fold is not idempotent on %+q", s)
		}
		if Fold(norm.NFC.String(s)) != Fold(norm.NFD.String(s)) {
			t.Errorf("NFC and NFD of %+q fold differently", s)
		}
	})
}

package search

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"WordsAreFolded", "Quyết định về việc", []string{"quyet", "dinh", "ve", "viec"}},
		{"NotationIsKeptWholeBeforeItsParts", "Số: 15/QĐ-UBND ngày",
			[]string{"so", "15/qd-ubnd", "15", "qd", "ubnd", "ngay"}},
		{"AgencyCodeIsKeptWhole", "mã H23.10.01.", []string{"ma", "h23.10.01", "h23", "10", "01"}},
		{"SentenceFullStopIsNotAnIdentifier", "kết thúc.", []string{"ket", "thuc"}},
		{"NotationInParentheses", "(12/UBND-VX)", []string{"12/ubnd-vx", "12", "ubnd", "vx"}},
		{"DecomposedNotation", "15/Q\u0110-UBND", []string{"15/qd-ubnd", "15", "qd", "ubnd"}},
		{"Nothing", " ,; ", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Tokens(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFoldCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"15/QĐ-UBND", "15/qd-ubnd"},
		{" 15/QĐ-UBND, ", "15/qd-ubnd"},
		{"-H23.10.", "h23.10"},
		{"15//QĐ--UBND", "15/qd-ubnd"},
		{"HS-01", "hs-01"},
		{"Hoà Bình", "hoa binh"},
		{"", ""},
	} {
		if got := FoldCode(tc.in); got != tc.want {
			t.Errorf("FoldCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIdentifierQueryMatchesIndexedToken(t *testing.T) {
	t.Parallel()
	indexed := Tokens("Căn cứ Quyết định số 15/QĐ-UBND ngày 01/02/2025 của UBND tỉnh")
	for _, q := range []string{"15/qđ-ubnd", "15/QD-UBND", "quyet dinh", "01/02/2025"} {
		for _, w := range ParseQuery(q).Words {
			if !slices.Contains(indexed, w) {
				t.Errorf("query %q word %q is not among the indexed tokens %q", q, w, indexed)
			}
		}
	}
}

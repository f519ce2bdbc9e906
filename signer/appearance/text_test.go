package appearance

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

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

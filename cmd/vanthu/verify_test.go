package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/signertest"
)

// TestVerifyPrintsAnnotationOverlapWarnings: DSS's file whose signed Link annotations
// overlap on pages 8, 12, 13 and 16 gets a warning line per page under each signature.
func TestVerifyPrintsAnnotationOverlapWarnings(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "overlap.pdf")
	if err := os.WriteFile(file, signertest.CorpusFile(t, "pades-multiple-pages-annots-overlap.pdf"), 0o600); err != nil {
		t.Fatal(err)
	}
	report := func(lang string) string {
		var out, errOut bytes.Buffer
		run(context.Background(), []string{"verify", "--offline", "--lang", lang, "--data", t.TempDir(), file}, &out, &errOut)
		return out.String() + errOut.String()
	}
	vi, en := report("vi"), report("en")
	for _, page := range []string{"8", "12", "13", "16"} {
		if !strings.Contains(vi, "Lưu ý:                 Chú thích chồng lên nhau ở trang "+page+":") {
			t.Errorf("no Vietnamese warning for page %s in:\n%s", page, vi)
		}
		if !strings.Contains(en, "Warning:               Annotations overlap on page "+page+":") {
			t.Errorf("no English warning for page %s in:\n%s", page, en)
		}
	}
	if strings.Contains(en, "Annotations overlap") && strings.Contains(vi, "Annotations overlap") {
		t.Errorf("the Vietnamese report carries the English text too:\n%s", vi)
	}
	if !strings.Contains(vi, "Thay đổi sau khi ký:   không") {
		t.Errorf("an overlap of signed annotations reported as a change after signing:\n%s", vi)
	}
}

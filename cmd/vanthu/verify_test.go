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
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"verify", "--offline", "--data", t.TempDir(), file}, &out, &errOut)
	text := out.String()
	for _, page := range []string{"8", "12", "13", "16"} {
		if !strings.Contains(text, "warning:       Chú thích chồng lên nhau ở trang "+page+":") ||
			!strings.Contains(text, "Annotations overlap on page "+page+":") {
			t.Errorf("no warning for page %s in:\n%s%s", page, text, errOut.String())
		}
	}
	if strings.Contains(text, "changed after: true") {
		t.Errorf("an overlap of signed annotations reported as a change after signing:\n%s", text)
	}
}

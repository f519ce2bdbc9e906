package pades

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzSign feeds arbitrary bytes as the input PDF: malformed input must
// produce an error, never a panic or a hang.
func FuzzSign(f *testing.F) {
	newTestPKI(f)
	f.Add(makePDF(1))
	f.Add(makePDF(2)[:400])
	if entries, err := os.ReadDir(corpusDir); err == nil {
		added := 0
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || filepath.Ext(e.Name()) != ".pdf" || info.Size() > 64<<10 || added >= 12 {
				continue
			}
			if b, err := os.ReadFile(filepath.Join(corpusDir, e.Name())); err == nil {
				f.Add(b)
				added++
			}
		}
	}
	f.Fuzz(fuzzBody)
}

func fuzzBody(t *testing.T, file []byte) {
	ctx := context.Background()
	p := newTestPKI(t)
	{
		out, err := Sign(ctx, file, p.agencyOptions(LevelBB))
		if err != nil {
			return
		}
		if len(out) <= len(file) || string(out[:len(file)]) != string(file) {
			t.Fatal("Sign succeeded but did not append to the input")
		}
		// The output must be readable again and show the new signature.
		doc, err := openDocument(out)
		if err != nil {
			t.Fatalf("cannot re-read the signed output: %v", err)
		}
		_, form, err := readCatalog(doc)
		if err != nil || len(form.signatures) == 0 {
			t.Fatalf("signed output shows no signature (err %v)", err)
		}
		// Existing signatures may be foreign and broken; only panics matter.
		_, _ = Extend(ctx, out, LevelBLT, ExtendOptions{Revocation: p})
	}
}

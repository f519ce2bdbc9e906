package verify

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary bytes to Verify: it must return (a report or an
// error) without panicking and within its deadline. Seeds are the DSS corpus
// plus truncated and bit-flipped variants of a small signed document.
func FuzzVerify(f *testing.F) {
	if dir := corpusDirIfPresent(); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		for _, name := range files {
			// Large seeds make each fuzzing run slow; the small files cover
			// the same structures (the corpus test runs the big ones).
			if b, err := os.ReadFile(name); err == nil && len(b) <= 256<<10 {
				f.Add(b)
			}
		}
	}
	base := basePDF()
	f.Add(base)
	f.Add(base[:len(base)/2])
	f.Add([]byte("%PDF-1.7\ntrailer << /Root 1 0 R /Prev 9 >>\nstartxref\n9\n%%EOF"))
	f.Add([]byte("%PDF-1.7\n1 0 obj [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ endobj"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		rep, err := Verify(ctx, bytes.NewReader(data), int64(len(data)), Options{})
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Verify took %v", d)
		}
		if err == nil && rep == nil {
			t.Fatal("nil report without error")
		}
		if err == nil {
			for _, s := range rep.Signatures {
				if s.Indication == TotalPassed {
					t.Fatalf("signature %q passed without trust anchors", s.Field)
				}
			}
		}
	})
}

func corpusDirIfPresent() string {
	for _, c := range []string{os.Getenv("VANTHU_CORPUS"), corpusDir, "/work/shared/corpus/pades-dss"} {
		if c == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(c, "manifest.json")); err == nil {
			return c
		}
	}
	return ""
}

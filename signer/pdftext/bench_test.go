package pdftext

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkExtract reads a decision of about ten pages, as the indexer does for each upload.
func BenchmarkExtract(b *testing.B) {
	data := render(b, decision(110))
	if n := len(extract(b, data).Pages); n < 8 {
		b.Fatalf("the benchmark document has %d pages, want about ten", n)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

package bagit_test

import (
	"context"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/storage/bagit"
)

// BenchmarkWriteAndValidate measures the throughput of exporting and re-validating a
// 64 MiB payload (both algorithms, fsync included); b.SetBytes makes it MB/s.
func BenchmarkWriteAndValidate(b *testing.B) {
	const size = 64 << 20
	ctx := context.Background()
	b.SetBytes(size)
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), "bag")
		w, err := bagit.NewWriter(dir, bagit.WriterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		src := io.LimitReader(rand.NewChaCha8([32]byte{byte(i)}), size)
		if err := w.AddFile(ctx, "scan/hồ sơ.bin", src); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		bag, err := bagit.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		r, err := bag.Validate(ctx, bagit.ValidateOptions{})
		if err != nil || !r.Valid() {
			b.Fatalf("validate: %v\n%s", err, r)
		}
	}
}

package edxml

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestLargeAttachmentStreams sends 50 MB through BuildMessage and
// ParseMessageStream over a pipe and checks that the process allocated far
// less than the attachment: neither side ever holds it whole. Not parallel:
// the memory statistics are process-wide, and top-level parallel tests only
// start once the sequential ones are done.
func TestLargeAttachmentStreams(t *testing.T) {
	const size = 50 << 20
	const budget = 8 << 20 // buffers and the header; holding the attachment would take ≥ 50 MB

	newContent := func() io.Reader { return io.LimitReader(rand.NewChaCha8([32]byte{7}), size) }
	want := sha256.New()
	if _, err := io.Copy(want, newContent()); err != nil {
		t.Fatal(err)
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(BuildMessage(pw, fullMessage(), Attachment{Name: "ban-scan.pdf", ContentType: "application/pdf", Content: newContent()}))
	}()
	got := sha256.New()
	var n int64
	m, err := ParseMessageStream(pr, Limits{}, func(_, _ string, r io.Reader) error {
		var err error
		n, err = io.Copy(got, r)
		return err
	})
	pr.Close()
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}

	if n != size || m.Attachments[0].Size != size {
		t.Fatalf("sink got %d bytes, info says %d, want %d", n, m.Attachments[0].Size, size)
	}
	if string(got.Sum(nil)) != string(want.Sum(nil)) {
		t.Fatal("attachment arrived altered")
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > budget {
		t.Errorf("allocated %d MB for a %d MB attachment; it is being buffered", allocated>>20, size>>20)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > budget {
		t.Errorf("heap grew by %d MB", grown>>20)
	}
}

// BenchmarkParseMessage measures throughput on a 4 MB attachment.
func BenchmarkParseMessage(b *testing.B) {
	const size = 4 << 20
	raw := func() []byte {
		pr, pw := io.Pipe()
		go func() {
			pw.CloseWithError(BuildMessage(pw, fullMessage(), Attachment{Name: "a.bin", Content: io.LimitReader(rand.NewChaCha8([32]byte{}), size)}))
		}()
		out, _ := io.ReadAll(pr)
		return out
	}()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseMessage(bytes.NewReader(raw), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

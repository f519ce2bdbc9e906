package pades

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"
)

// BenchmarkSign measures B-B signing of 10- and 100-page documents and,
// with the same RSA-2048 key, raw crypto.Signer.Sign. The two are
// interleaved in one loop so that load from other processes affects both
// alike; "ratio" is the signing rate over the raw rate (target >= 0.7).
func BenchmarkSign(b *testing.B) {
	p := newTestPKI(b)
	ctx := context.Background()
	digest := sha256.Sum256([]byte("vanthu"))
	for _, pages := range []int{10, 100} {
		pdf := makePDF(pages)
		opts := p.leaderOptions(LevelBB)
		b.Run(fmt.Sprintf("%dPages", pages), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(pdf)))
			var signing, raw time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := Sign(ctx, pdf, opts); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				b.StopTimer()
				if _, err := p.leaderKey.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
					b.Fatal(err)
				}
				raw += time.Since(t1)
				signing += t1.Sub(t0)
				b.StartTimer()
			}
			signRate := float64(b.N) / signing.Seconds()
			rawRate := float64(b.N) / raw.Seconds()
			b.ReportMetric(signRate, "sigs/s")
			b.ReportMetric(rawRate, "raw-sigs/s")
			b.ReportMetric(signRate/rawRate, "ratio")
		})
	}
}

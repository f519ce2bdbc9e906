package signer_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/signer/verify"
)

// BenchmarkSignAndVerify signs (PAdES B-B) and verifies documents of 40 KB, 200 KB and
// 5 MB (a scan) with an RSA-2048 key. Each signature alternates with the baseline: a
// SHA-256 of the same bytes and a raw RSA signature of it, the least any signer must do.
// Times are the process's CPU time around each operation (the garbage collector's too),
// so that other processes on the machine do not move the ratios. It reports, per core:
//   - sign/raw: signer.Sign writing the signed file through to its destination
//     (io.Discard here, as the baseline writes nothing either) against the baseline
//     (target ≥ 0.90); alloc-B/B: the bytes it allocates per byte of the file (target
//     ≤ 1.2 at 200 KB and 5 MB).
//   - in-memory/raw and in-memory-alloc-B/B: signer.Sign into a new bytes.Buffer (which
//     Sign grows once, to the signed file's size), what a caller who wants the file in
//     memory pays for its copy.
//   - verify/s: verify.VerifyBytes (the file in memory, as the server holds what it
//     shows or renews) with full modification analysis, its certificate-path cache warm
//     as in a server; verify-cold/s with no path cache (every chain's
//     signatures checked again).
func BenchmarkSignAndVerify(b *testing.B) {
	ca, err := pkidemo.New(b.TempDir(), pkidemo.WithRSABits(2048))
	if err != nil {
		b.Fatal(err)
	}
	issued, err := ca.IssuePerson("Nguyễn Văn Chiến", "")
	if err != nil {
		b.Fatal(err)
	}
	p12, _ := issued.PKCS12("x")
	key, err := keys.LoadPKCS12(p12, "x")
	if err != nil {
		b.Fatal(err)
	}
	if pub, ok := key.Public().(*rsa.PublicKey); !ok || pub.N.BitLen() != 2048 {
		b.Fatal("the benchmark wants an RSA-2048 key")
	}
	roots, _, _ := signer.LoadTrust()
	roots.AddCert(ca.Root())
	for _, size := range []struct {
		name  string
		bytes int
		pages int
	}{{"40KB", 40 << 10, 1}, {"200KB", 200 << 10, 2}, {"5MB", 5 << 20, 5}} {
		doc := signertest.RandomScanPDF(size.bytes, size.pages)
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			req := signer.Request{Key: key, Level: pades.LevelBB}
			var raw, sign, inMemory, check, cold time.Duration
			var allocated, inMemoryAllocated uint64
			var signed []byte
			ops := []func(){
				func() {
					d, _ := measure(func() {
						digest := sha256.Sum256(doc)
						if _, err := key.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
							b.Fatal(err)
						}
					})
					raw += d
				},
				func() {
					var err error
					d, a := measure(func() { _, err = signer.Sign(ctx, io.Discard, doc, req) })
					if err != nil {
						b.Fatal(err)
					}
					sign, allocated = sign+d, allocated+a
				},
				func() {
					var err error
					d, a := measure(func() {
						var out bytes.Buffer
						_, err = signer.Sign(ctx, &out, doc, req)
						signed = out.Bytes()
					})
					if err != nil {
						b.Fatal(err)
					}
					inMemory, inMemoryAllocated = inMemory+d, inMemoryAllocated+a
				},
			}
			for i := 0; i < b.N; i++ {
				// Each goes first in turn: the first to read the file after the
				// verification finds less of it in the CPU caches.
				for k := range ops {
					ops[(i+k)%len(ops)]()
				}
				check += verifyOnce(b, signed, verify.Options{Roots: roots})
				cold += verifyOnce(b, signed, verify.Options{Roots: roots, Cache: verify.NewCache(0)})
			}
			n, fileBytes := float64(b.N), float64(b.N)*float64(len(doc))
			b.ReportMetric(n/raw.Seconds(), "raw-sig/s")
			b.ReportMetric(n/sign.Seconds(), "pades-sig/s")
			b.ReportMetric(raw.Seconds()/sign.Seconds(), "sign/raw")
			b.ReportMetric(float64(allocated)/fileBytes, "alloc-B/B")
			b.ReportMetric(raw.Seconds()/inMemory.Seconds(), "in-memory/raw")
			b.ReportMetric(float64(inMemoryAllocated)/fileBytes, "in-memory-alloc-B/B")
			b.ReportMetric(n/check.Seconds(), "verify/s")
			b.ReportMetric(n/cold.Seconds(), "verify-cold/s")
		})
	}
}

// measure runs f and returns the CPU time it took and the bytes it allocated.
func measure(f func()) (time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := cpuTime()
	f()
	d := cpuTime() - start
	runtime.ReadMemStats(&after)
	return d, after.TotalAlloc - before.TotalAlloc
}

func verifyOnce(b *testing.B, signed []byte, opts verify.Options) time.Duration {
	var rep *verify.Report
	var err error
	d, _ := measure(func() {
		rep, err = verify.VerifyBytes(context.Background(), signed, opts)
	})
	if err != nil || len(rep.Signatures) != 1 || !rep.Signatures[0].Intact || rep.Signatures[0].SubIndication != "TRY_LATER" {
		b.Fatalf("verify: %v %+v", err, rep)
	}
	return d
}

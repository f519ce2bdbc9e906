package signer_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/verify"
)

// BenchmarkSignAndVerify signs (PAdES B-B) and verifies documents of 40 KB, 200 KB and
// 5 MB (a scan) with an RSA-2048 key. Each signature alternates with the baseline: a
// SHA-256 of the same bytes and a raw RSA signature of it, the least any signer must do.
// It reports signatures and verifications per second, signing's rate over the baseline's
// (target ≥ 0.90) and the bytes signing allocates per byte of the file (target ≤ 1.2 at
// 200 KB and 5 MB).
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
		doc := scanPDF(size.bytes, size.pages)
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			var raw, sign, check time.Duration
			var allocated uint64
			var before, after runtime.MemStats
			for i := 0; i < b.N; i++ {
				start := time.Now()
				digest := sha256.Sum256(doc)
				if _, err := key.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
					b.Fatal(err)
				}
				raw += time.Since(start)

				runtime.ReadMemStats(&before)
				start = time.Now()
				signed, err := signer.Sign(ctx, doc, signer.Request{Key: key, Level: pades.LevelBB})
				sign += time.Since(start)
				runtime.ReadMemStats(&after)
				if err != nil {
					b.Fatal(err)
				}
				allocated += after.TotalAlloc - before.TotalAlloc

				start = time.Now()
				rep, err := verify.Verify(ctx, bytes.NewReader(signed), int64(len(signed)), verify.Options{Roots: roots})
				if err != nil || len(rep.Signatures) != 1 || !rep.Signatures[0].Intact {
					b.Fatalf("verify: %v %+v", err, rep)
				}
				check += time.Since(start)
			}
			n := float64(b.N)
			b.ReportMetric(n/raw.Seconds(), "raw-sig/s")
			b.ReportMetric(n/sign.Seconds(), "pades-sig/s")
			b.ReportMetric(n/check.Seconds(), "verify/s")
			b.ReportMetric(raw.Seconds()/sign.Seconds(), "sign/raw")
			b.ReportMetric(float64(allocated)/n/float64(len(doc)), "alloc-B/B")
		})
	}
}

// scanPDF is a PDF of about size bytes: pages of one uncompressed greyscale image each,
// as a scanner makes them, the image data random so that nothing compresses it away.
func scanPDF(size, pages int) []byte {
	side := 1
	for (side+1)*(side+1)*pages < size-2000*pages {
		side++
	}
	kids := make([]string, pages)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 3+3*i)
	}
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids %v /Count %d >>", kids, pages)}
	for i := range pages {
		content := fmt.Sprintf("q %d 0 0 %d 0 0 cm /Im0 Do Q", side, side)
		pixels := make([]byte, side*side)
		_, _ = rand.Read(pixels)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>",
				side, side, 5+3*i, 4+3*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
			fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream",
				side, side, len(pixels), pixels))
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, body := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /ID [<0102030405060708090A0B0C0D0E0F10> <0102030405060708090A0B0C0D0E0F10>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(objs)+1, xref)
	return out.Bytes()
}

package signer_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/verify"
)

// BenchmarkSignAndVerify signs (PAdES B-B) and verifies a 10-page and a 100-page
// document and reports signatures per second next to raw crypto.Signer signatures per
// second with the same RSA-2048 key, measured in the same run (target: signing at 70% or
// more of the raw rate for 10 pages).
func BenchmarkSignAndVerify(b *testing.B) {
	ca, err := pkidemo.New(b.TempDir(), pkidemo.WithRSA())
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
	if _, ok := key.Public().(*rsa.PublicKey); !ok {
		b.Fatal("the benchmark wants an RSA key")
	}
	roots, _, _ := signer.LoadTrust()
	roots.AddCert(ca.Root())
	for _, pages := range []int{10, 100} {
		doc := pagesPDF(b, pages)
		b.Run(fmt.Sprintf("%dPages", pages), func(b *testing.B) {
			ctx := context.Background()
			digest := sha256.Sum256([]byte("raw"))
			var raw, sign, check time.Duration
			var signed []byte
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := key.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
					b.Fatal(err)
				}
				raw += time.Since(start)

				start = time.Now()
				signed, err = signer.Sign(ctx, doc, signer.Request{Key: key, Level: pades.LevelBB})
				if err != nil {
					b.Fatal(err)
				}
				sign += time.Since(start)

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
		})
	}
}

func pagesPDF(b testing.TB, pages int) []byte {
	para := strings.Repeat("Thực hiện Chỉ thị của Ủy ban nhân dân tỉnh về đẩy mạnh chuyển đổi số, các cơ quan, đơn vị rà soát, cập nhật dữ liệu và báo cáo đúng hạn. ", 4)
	var body []string
	for len(body) < pages*4 {
		body = append(body, para)
	}
	for {
		pdf, _, err := docpdf.Render(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "BC-UBND", Place: "Hòa Bình",
			Type: "Báo cáo", Summary: "Kết quả thực hiện", Body: docpdf.Text(body...),
			Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Nguyễn Văn Chiến"}})
		if err != nil {
			b.Fatal(err)
		}
		n := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page "))
		if n >= pages || len(body) > pages*20 {
			return pdf
		}
		body = append(body, body[:pages]...)
	}
}

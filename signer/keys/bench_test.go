package keys_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/keys/keystest"
)

// BenchmarkSign measures raw RSA-2048 PKCS#1 v1.5 signatures per second for
// each backend, the ceiling for PAdES signing rates: a PAdES signature
// costs one of these plus hashing, CMS assembly and the PDF update.
func BenchmarkSign(b *testing.B) {
	digest := digestOf("Quyết định số 12/QĐ-UBND")

	b.Run("PKCS12/RSA-2048", func(b *testing.B) {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			b.Fatal(err)
		}
		data, err := gopkcs12.Modern.Encode(priv, selfSigned(b, priv, "bench"), nil, "pw")
		if err != nil {
			b.Fatal(err)
		}
		k, err := keys.LoadPKCS12(data, "pw")
		if err != nil {
			b.Fatal(err)
		}
		benchSign(b, k, digest)
	})

	benchPKCS11(b, digest)

	b.Run("Remote/RSA-2048/loopback-HTTP", func(b *testing.B) {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			b.Fatal(err)
		}
		srv := keystest.NewRemoteServer(priv, testToken)
		defer srv.Close()
		client, err := keys.NewHTTPRemote(keys.HTTPRemoteConfig{URL: srv.URL, Token: testToken, Timeout: 10 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		benchSign(b, keys.NewRemote(client, []*x509.Certificate{selfSigned(b, priv, "bench")}), digest)
	})
}

// benchSign signs in a loop and reports signatures per second.
func benchSign(b *testing.B, k keys.Key, digest []byte) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Sign(rand.Reader, digest, crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
}

package pki_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/ocsp"

	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
)

// fuzzSeeds collects real answers from a demo CA to start the fuzzers
// from: a TSA response, an OCSP response and a CRL.
type fuzzSeeds struct {
	ca             *pkidemo.CA
	cert           *x509.Certificate
	tsa, ocsp, crl []byte
	digest         []byte
}

func newFuzzSeeds(f *testing.F) fuzzSeeds {
	f.Helper()
	ca, err := pkidemo.New(f.TempDir())
	if err != nil {
		f.Fatalf("pkidemo.New: %v", err)
	}
	p, err := ca.IssuePerson("Fuzz", "")
	if err != nil {
		f.Fatalf("IssuePerson: %v", err)
	}
	s := fuzzSeeds{ca: ca, cert: p.Certificate}
	d := sha256.Sum256([]byte("fuzz"))
	s.digest = d[:]
	req, err := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: s.digest, Certificates: true, Nonce: big.NewInt(7)}).Marshal()
	if err != nil {
		f.Fatal(err)
	}
	s.tsa = serve(f, ca, http.MethodPost, "/tsa", req)
	oreq, err := ocsp.CreateRequest(p.Certificate, ca.Issuing(), nil)
	if err != nil {
		f.Fatal(err)
	}
	s.ocsp = serve(f, ca, http.MethodPost, "/ocsp", oreq)
	s.crl = serve(f, ca, http.MethodGet, "/crl/ca.crl", nil)
	return s
}

func serve(f *testing.F, ca *pkidemo.CA, method, path string, body []byte) []byte {
	f.Helper()
	rec := httptest.NewRecorder()
	ca.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), method, path, bytes.NewReader(body)))
	out, _ := io.ReadAll(rec.Result().Body)
	return out
}

func FuzzVerifyTimestampResponse(f *testing.F) {
	s := newFuzzSeeds(f)
	f.Add(s.tsa)
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	want := pki.TimestampExpect{Hash: crypto.SHA256, Digest: s.digest, Nonce: big.NewInt(7)}
	f.Fuzz(func(t *testing.T, der []byte) {
		token, err := pki.VerifyTimestampResponse(der, want)
		if err == nil && len(token) == 0 {
			t.Fatal("accepted a response without returning a token")
		}
	})
}

func FuzzCheckOCSP(f *testing.F) {
	s := newFuzzSeeds(f)
	f.Add(s.ocsp)
	f.Add(ocsp.TryLaterErrorResponse)
	f.Fuzz(func(t *testing.T, der []byte) {
		st, err := pki.CheckOCSP(der, s.cert, s.ca.Issuing(), time.Now())
		if err == nil && st.State > pki.Unknown {
			t.Fatalf("impossible state %v", st.State)
		}
	})
}

func FuzzCheckCRL(f *testing.F) {
	s := newFuzzSeeds(f)
	f.Add(s.crl)
	f.Fuzz(func(t *testing.T, der []byte) {
		st, err := pki.CheckCRL(der, s.cert, s.ca.Issuing(), time.Now())
		if err == nil && st.State != pki.Good && st.State != pki.Revoked {
			t.Fatalf("a CRL gave state %v", st.State)
		}
	})
}

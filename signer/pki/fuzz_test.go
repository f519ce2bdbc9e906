package pki

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
)

// fuzzSeeds collects real answers from a demo CA to start the fuzzers
// from: a TSA response, an OCSP response and a CRL.
type fuzzSeeds struct {
	ca             *DemoCA
	cert           *x509.Certificate
	tsa, ocsp, crl []byte
	digest         []byte
}

func newFuzzSeeds(f *testing.F) fuzzSeeds {
	f.Helper()
	ca, err := NewDemoCA(f.TempDir())
	if err != nil {
		f.Fatalf("NewDemoCA: %v", err)
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
	s.tsa = serve(f, ca, "/tsa", req)
	oreq, err := ocsp.CreateRequest(p.Certificate, ca.Issuing(), nil)
	if err != nil {
		f.Fatal(err)
	}
	s.ocsp = serve(f, ca, "/ocsp", oreq)
	if s.crl, err = ca.currentCRL(ca.issuing); err != nil {
		f.Fatal(err)
	}
	return s
}

func serve(f *testing.F, ca *DemoCA, path string, body []byte) []byte {
	f.Helper()
	rec := httptest.NewRecorder()
	ca.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), http.MethodPost, path, bytes.NewReader(body)))
	out, _ := io.ReadAll(rec.Result().Body)
	return out
}

func FuzzVerifyTimestampResponse(f *testing.F) {
	s := newFuzzSeeds(f)
	f.Add(s.tsa)
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	want := TimestampExpect{Hash: crypto.SHA256, Digest: s.digest, Nonce: big.NewInt(7)}
	f.Fuzz(func(t *testing.T, der []byte) {
		token, err := VerifyTimestampResponse(der, want)
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
		st, err := CheckOCSP(der, s.cert, s.ca.Issuing(), time.Now())
		if err == nil && st.State > Unknown {
			t.Fatalf("impossible state %v", st.State)
		}
	})
}

func FuzzCheckCRL(f *testing.F) {
	s := newFuzzSeeds(f)
	f.Add(s.crl)
	f.Fuzz(func(t *testing.T, der []byte) {
		st, err := CheckCRL(der, s.cert, s.ca.Issuing(), time.Now())
		if err == nil && st.State != Good && st.State != Revoked {
			t.Fatalf("a CRL gave state %v", st.State)
		}
	})
}

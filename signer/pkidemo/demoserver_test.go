package pkidemo

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vanthu/vanthu/signer/pki"
)

func TestDemoHandlerServesThePKI(t *testing.T) {
	t.Parallel()
	b := newDemo(t)
	p, err := b.ca.IssuePerson("Trịnh Văn Long", "")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}

	t.Run("ServesTheCACertificatesAsDER", func(t *testing.T) {
		t.Parallel()
		for name, want := range map[string][]byte{"root.crt": b.ca.Root().Raw, "ca.crt": b.ca.Issuing().Raw, "tsa.crt": b.ca.TSACertificate().Raw} {
			got, ct := get(t, b.srv.URL+"/ca/"+name)
			if string(got) != string(want) || ct != "application/pkix-cert" {
				t.Errorf("/ca/%s = %d bytes of %q, want the certificate as application/pkix-cert", name, len(got), ct)
			}
		}
	})

	t.Run("AnswersOCSPOverGET", func(t *testing.T) {
		t.Parallel()
		req, err := ocsp.CreateRequest(p.Certificate, b.ca.Issuing(), &ocsp.RequestOptions{Hash: crypto.SHA256})
		if err != nil {
			t.Fatal(err)
		}
		der, ct := get(t, b.srv.URL+"/ocsp/"+url.PathEscape(base64.StdEncoding.EncodeToString(req)))
		if ct != "application/ocsp-response" {
			t.Errorf("content type %q", ct)
		}
		if st, err := pki.CheckOCSP(der, p.Certificate, b.ca.Issuing(), time.Now()); err != nil || st.State != pki.Good {
			t.Fatalf("CheckOCSP = %+v, %v; want good", st, err)
		}
	})

	t.Run("SaysUnknownForASerialItNeverIssued", func(t *testing.T) {
		t.Parallel()
		stranger := *p.Certificate
		stranger.SerialNumber = new(big.Int).Lsh(p.Certificate.SerialNumber, 1)
		der, err := (&pki.OCSPClient{}).OCSP(context.Background(), &stranger, b.ca.Issuing())
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		if st, err := pki.CheckOCSP(der, &stranger, b.ca.Issuing(), time.Now()); err != nil || st.State != pki.Unknown {
			t.Fatalf("CheckOCSP = %+v, %v; want unknown", st, err)
		}
	})

	t.Run("FallsBackToTheCRLWhenOCSPIsDown", func(t *testing.T) {
		t.Parallel()
		rev := pki.NewRevocation(nil, b.ca.Issuers())
		rev.OCSPClient.URL = "http://127.0.0.1:1/ocsp"
		st, err := rev.Check(context.Background(), p.Certificate, b.ca.Issuing(), time.Now())
		if err != nil || st.State != pki.Good {
			t.Fatalf("Check = %+v, %v; want good from the CRL", st, err)
		}
	})

	t.Run("ReportsBothFailuresWhenNothingAnswers", func(t *testing.T) {
		t.Parallel()
		rev := pki.NewRevocation(nil, nil)
		rev.OCSPClient.URL = "http://127.0.0.1:1/ocsp"
		_, err := rev.Check(context.Background(), p.Certificate, b.ca.Issuing(), time.Now())
		if !errors.Is(err, pki.ErrUnreachable) || !errors.Is(err, pki.ErrNoIssuer) {
			t.Fatalf("Check: %v; want both the OCSP and the CRL failure", err)
		}
	})
}

func TestDemoCAWithRSAKeys(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("RSA-3072 key generation is slow")
	}
	b := newDemo(t, WithRSA())
	p, err := b.ca.IssuePerson("Ngô Thị Mai", "")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}
	if _, ok := p.Key.(*rsa.PrivateKey); !ok {
		t.Fatalf("key is %T, want RSA", p.Key)
	}
	digest := sha256.Sum256([]byte("rsa"))
	if _, err := (&pki.TSAClient{URL: b.srv.URL + "/tsa"}).Timestamp(context.Background(), digest[:], crypto.SHA256); err != nil {
		t.Fatalf("Timestamp from an RSA TSA: %v", err)
	}
	der, err := (&pki.OCSPClient{}).OCSP(context.Background(), p.Certificate, b.ca.Issuing())
	if err != nil {
		t.Fatalf("OCSP from an RSA CA: %v", err)
	}
	if st, err := pki.CheckOCSP(der, p.Certificate, b.ca.Issuing(), time.Now()); err != nil || st.State != pki.Good {
		t.Fatalf("CheckOCSP = %+v, %v", st, err)
	}
}

func get(t *testing.T, u string) ([]byte, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", u, resp.Status, err)
	}
	return body, resp.Header.Get("Content-Type")
}

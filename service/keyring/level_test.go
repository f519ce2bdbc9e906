package keyring_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/pki"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSignaturesStayBTWhenNoRevocationDataCanBeHad: with the CA's OCSP responder and CRL
// unreachable, the leader still signs — with a timestamp (B-T) — instead of failing; the
// same keyring with the CA reachable signs at B-LT (TestIssueAndSeal).
func TestSignaturesStayBTWhenNoRevocationDataCanBeHad(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite(t))
	down := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("the CA's network is down")
	})}
	kr := keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: b.blobs,
		Timestamper: &pki.TSAClient{URL: b.caURL + "/tsa"}, Revocation: pki.NewRevocation(down, b.ca.Issuers()),
		ExtraCertificates: []*x509.Certificate{b.ca.TSACertificate()}})
	doc := b.approvedDraft(t, false)
	got, err := kr.SignAsLeader(context.Background(), b.leader, doc.ID, pin, "")
	if err != nil {
		t.Fatalf("signing with the CA unreachable: %v", err)
	}
	if got.State != engine.StateSigned {
		t.Fatalf("state %s after signing", got.State)
	}
	sigs := b.verifyLatest(t, doc.ID)
	if len(sigs) != 1 || sigs[0].Level != "PAdES-BASELINE-T" || !sigs[0].Intact {
		t.Fatalf("signatures: %+v; want one intact B-T signature", sigs)
	}
}

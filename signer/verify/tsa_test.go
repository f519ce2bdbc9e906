package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/timestamp"
)

// newTSA starts a loopback RFC 3161 time-stamping service whose certificate
// is issued by the test CA.
func newTSA(t *testing.T, p *testPKI) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("tsa key: %v", err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Test TSA"},
		NotBefore: p.issued.Add(-time.Hour), NotAfter: p.issued.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}
	cert := mustCert(t, tmpl, p.ca, &key.PublicKey, p.caKey)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, "parse", http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage,
			Time: time.Now().UTC(), Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
			AddTSACertificate: true}
		resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
		if err != nil {
			http.Error(w, "sign", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		_, _ = w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestTimestamps(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	p := f.pki
	tsa := newTSA(t, p)
	t.Run("signature timestamp proves signing before a later revocation", func(t *testing.T) {
		revoked := time.Now().Add(time.Hour)
		doc := p.signPDFWithTSA(t, basePDF(), tsa, p.ocspFor(t, revoked))
		opts := trusted(p)
		opts.Now = func() time.Time { return revoked.Add(time.Hour) }
		s := verifyBytes(t, doc, opts).Signatures[0]
		if s.Timestamp == nil || !s.Timestamp.Valid || !s.Timestamp.ImprintOK {
			t.Fatalf("signature timestamp %+v, want a valid one", s.Timestamp)
		}
		if s.Indication != TotalPassed || s.Level != "PKCS7-T" {
			t.Fatalf("got %s/%s level %q, want TOTAL_PASSED at PKCS7-T; %v", s.Indication, s.SubIndication, s.Level, s.Errors)
		}
	})
	t.Run("a timestamp from an untrusted TSA proves nothing", func(t *testing.T) {
		rogue := newTSA(t, newTestPKI(t))
		revoked := time.Now().Add(time.Hour)
		doc := p.signPDFWithTSA(t, basePDF(), rogue, p.ocspFor(t, revoked))
		opts := trusted(p)
		opts.Now = func() time.Time { return revoked.Add(time.Hour) }
		s := verifyBytes(t, doc, opts).Signatures[0]
		if s.Timestamp == nil || !s.Timestamp.Valid || s.Timestamp.Trusted {
			t.Fatalf("timestamp %+v, want cryptographically valid but untrusted", s.Timestamp)
		}
		if s.Indication != Indeterminate || s.SubIndication != "REVOKED_NO_POE" {
			t.Fatalf("got %s/%s, want INDETERMINATE/REVOKED_NO_POE", s.Indication, s.SubIndication)
		}
	})
	t.Run("signature timestamp after the revocation fails", func(t *testing.T) {
		doc := p.signPDFWithTSA(t, basePDF(), tsa, p.ocspFor(t, time.Now().Add(-time.Hour)))
		s := verifyBytes(t, doc, trusted(p)).Signatures[0]
		if s.Indication != TotalFailed || s.SubIndication != "REVOKED" {
			t.Fatalf("got %s/%s, want TOTAL_FAILED/REVOKED; %v", s.Indication, s.SubIndication, s.Errors)
		}
	})
	t.Run("document timestamp is permitted even when certified with no changes allowed", func(t *testing.T) {
		doc := p.docTimestamp(t, f.certP1, tsa)
		s := verifyBytes(t, doc, trusted(p)).Signatures[0]
		if s.ModifiedAfterSigning || !hasChange(s.Changes, kindDocTimestamp, true) {
			t.Fatalf("modified=%v changes %+v, want only a permitted document timestamp", s.ModifiedAfterSigning, s.Changes)
		}
	})
	t.Run("document timestamp is verified and permitted after a signature", func(t *testing.T) {
		doc := p.docTimestamp(t, f.signed, tsa)
		rep := verifyBytes(t, doc, trusted(p))
		if len(rep.Signatures) != 2 {
			t.Fatalf("%d entries, want a signature and a document timestamp", len(rep.Signatures))
		}
		sig, dts := rep.Signatures[0], rep.Signatures[1]
		if dts.Type != "document_timestamp" || !dts.Intact || dts.Timestamp == nil || !dts.Timestamp.ImprintOK {
			t.Fatalf("document timestamp: type %q intact %v ts %+v %v", dts.Type, dts.Intact, dts.Timestamp, dts.Errors)
		}
		if sig.ModifiedAfterSigning || !hasChange(sig.Changes, kindDocTimestamp, true) {
			t.Fatalf("signature changes %+v, want a permitted document timestamp", sig.Changes)
		}
		if sig.Level != "PKCS7-T" {
			t.Errorf("level %q, want PKCS7-T reached through the document timestamp", sig.Level)
		}
	})
}

func (p *testPKI) signPDFWithTSA(t *testing.T, in []byte, tsaURL string, ocspResp []byte) []byte {
	t.Helper()
	return p.sign(t, in, sign.SignData{
		Signature: sign.SignDataSignature{CertType: sign.ApprovalSignature, DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
			Info: sign.SignDataSignatureInfo{Name: "Nguyen Van A", Reason: "Phe duyet"}},
		Signer: p.key, Certificate: p.leaf, CertificateChains: [][]*x509.Certificate{{p.leaf, p.ca}},
		TSA: sign.TSA{URL: tsaURL}, RevocationFunction: embedOCSP(ocspResp),
	})
}

func (p *testPKI) docTimestamp(t *testing.T, in []byte, tsaURL string) []byte {
	t.Helper()
	return p.sign(t, in, sign.SignData{
		Signature: sign.SignDataSignature{CertType: sign.TimeStampSignature},
		TSA:       sign.TSA{URL: tsaURL},
	})
}

package pki_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pki"
)

// TestDemoTSATokenVerifiesWithOpenSSL checks the demo TSA against an
// independent RFC 3161 implementation: `openssl ts -verify` checks the
// imprint, the CMS signature, the ESS signing-certificate attribute, the
// chain to the root and the critical timeStamping key usage.
func TestDemoTSATokenVerifiesWithOpenSSL(t *testing.T) {
	t.Parallel()
	openssl := needTool(t, "openssl")
	b := newDemo(t)
	digest := sha256.Sum256([]byte("Công văn số 45/UBND-VP"))
	token, err := (&pki.TSAClient{URL: b.srv.URL + "/tsa"}).Timestamp(context.Background(), digest[:], crypto.SHA256)
	if err != nil {
		t.Fatalf("Timestamp: %v", err)
	}
	dir := t.TempDir()
	writeTestFile(t, dir, "token.der", token)
	writeTestFile(t, dir, "root.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.ca.Root().Raw}))
	writeTestFile(t, dir, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.ca.Issuing().Raw}))

	verify := func(digestHex string) (string, error) {
		cmd := exec.Command(openssl, "ts", "-verify", "-in", "token.der", "-token_in",
			"-digest", digestHex, "-CAfile", "root.pem", "-untrusted", "ca.pem")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := verify(hex.EncodeToString(digest[:])); err != nil || !strings.Contains(out, "Verification: OK") {
		t.Fatalf("openssl ts -verify: %v\n%s", err, out)
	}
	other := sha256.Sum256([]byte("another document"))
	if out, err := verify(hex.EncodeToString(other[:])); err == nil && strings.Contains(out, "Verification: OK") {
		t.Fatalf("openssl accepted the token for another digest:\n%s", out)
	}
}

// TestDemoRevocationDataVerifiesWithOpenSSL has OpenSSL check the demo
// OCSP response and CRL for a revoked certificate.
func TestDemoRevocationDataVerifiesWithOpenSSL(t *testing.T) {
	t.Parallel()
	openssl := needTool(t, "openssl")
	b := newDemo(t)
	p, err := b.ca.IssuePerson("Đặng Văn Nam", "")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}
	if err := b.ca.Revoke(p.Certificate.SerialNumber, pki.ReasonSuperseded, time.Now().Add(-time.Minute)); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	rev := pki.NewRevocation(nil, b.ca.Issuers())
	resp, err := rev.OCSP(context.Background(), p.Certificate, b.ca.Issuing())
	if err != nil {
		t.Fatalf("OCSP: %v", err)
	}
	crl, err := rev.CRL(context.Background(), p.Certificate)
	if err != nil {
		t.Fatalf("CRL: %v", err)
	}
	dir := t.TempDir()
	pemOf := func(der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}) }
	writeTestFile(t, dir, "resp.der", resp)
	writeTestFile(t, dir, "crl.der", crl)
	writeTestFile(t, dir, "leaf.pem", pemOf(p.Certificate.Raw))
	writeTestFile(t, dir, "ca.pem", pemOf(b.ca.Issuing().Raw))
	writeTestFile(t, dir, "chain.pem", append(pemOf(b.ca.Issuing().Raw), pemOf(b.ca.Root().Raw)...))
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out := run("ocsp", "-respin", "resp.der", "-issuer", "ca.pem", "-cert", "leaf.pem", "-CAfile", "chain.pem")
	if !strings.Contains(out, "Response verify OK") || !strings.Contains(out, "leaf.pem: revoked") || !strings.Contains(out, "Reason: superseded") {
		t.Errorf("openssl ocsp does not report a verified revocation:\n%s", out)
	}
	out = run("crl", "-in", "crl.der", "-inform", "DER", "-CAfile", "chain.pem", "-noout", "-text")
	if !strings.Contains(out, "verify OK") || !strings.Contains(strings.ToUpper(out), strings.ToUpper(p.Certificate.SerialNumber.Text(16))) {
		t.Errorf("openssl crl does not verify the CRL or list the serial:\n%s", out)
	}
}

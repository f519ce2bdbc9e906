package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pdfsign/sign"
	"golang.org/x/crypto/ocsp"
)

// testPKI is a throw-away CA with one RSA signing certificate.
type testPKI struct {
	ca     *x509.Certificate
	caKey  crypto.Signer
	leaf   *x509.Certificate
	key    crypto.Signer
	roots  *x509.CertPool
	issued time.Time
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("ca key: %v", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Ban Co yeu Chinh phu Test CA"},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	ca := mustCert(t, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("leaf key: %v", err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(4242), Subject: pkix.Name{CommonName: "Nguyen Van A", Organization: []string{"So Noi vu"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	leaf := mustCert(t, leafTmpl, ca, &key.PublicKey, caKey)
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return &testPKI{ca: ca, caKey: caKey, leaf: leaf, key: key, roots: roots, issued: now}
}

func mustCert(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return c
}

// ocspFor returns a CA-signed OCSP response for the leaf; a non-zero
// revokedAt marks it revoked at that time.
func (p *testPKI) ocspFor(t testing.TB, revokedAt time.Time) []byte {
	t.Helper()
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: p.leaf.SerialNumber,
		ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(24 * time.Hour)}
	if !revokedAt.IsZero() {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, revokedAt, ocsp.KeyCompromise
	}
	b, err := ocsp.CreateResponse(p.ca, p.ca, tmpl, p.caKey)
	if err != nil {
		t.Fatalf("create OCSP response: %v", err)
	}
	return b
}

type signOpts struct {
	certType sign.CertType
	perm     sign.DocMDPPerm
	ocsp     []byte // embedded in the adbe-revocationInfoArchival attribute
	name     string
	visible  bool // draw the signature on page 1
}

// signPDF signs in with pdfsign, as a real signing client of this project would.
func (p *testPKI) signPDF(t testing.TB, in []byte, o signOpts) []byte {
	t.Helper()
	if o.certType == 0 {
		o.certType = sign.ApprovalSignature
	}
	if o.perm == 0 {
		o.perm = sign.AllowFillingExistingFormFieldsAndSignaturesPerms
	}
	if o.name == "" {
		o.name = "Nguyen Van A"
	}
	data := sign.SignData{
		Signature: sign.SignDataSignature{CertType: o.certType, DocMDPPerm: o.perm,
			Info: sign.SignDataSignatureInfo{Name: o.name, Reason: "Phe duyet", Date: time.Now()}},
		Signer: p.key, DigestAlgorithm: crypto.SHA256, Certificate: p.leaf,
		CertificateChains: [][]*x509.Certificate{{p.leaf, p.ca}},
	}
	if o.ocsp != nil {
		data.RevocationFunction = embedOCSP(o.ocsp)
	}
	if o.visible {
		data.Appearance = sign.Appearance{Visible: true, Page: 1, LowerLeftX: 350, LowerLeftY: 50, UpperRightX: 550, UpperRightY: 110}
	}
	return p.sign(t, in, data)
}

// embedOCSP returns a pdfsign revocation hook that embeds resp for the
// signer (certificates with an issuer) in the adbe-revocationInfoArchival.
func embedOCSP(resp []byte) sign.RevocationFunction {
	if resp == nil {
		return nil
	}
	return func(cert, issuer *x509.Certificate, i *revocation.InfoArchival) error {
		if issuer == nil {
			return nil
		}
		return i.AddOCSP(resp)
	}
}

func (p *testPKI) sign(t testing.TB, in []byte, data sign.SignData) []byte {
	t.Helper()
	dir := t.TempDir()
	inPath, outPath := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(inPath, in, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sign.SignFile(inPath, outPath, data); err != nil {
		t.Fatalf("sign PDF: %v", err)
	}
	out, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

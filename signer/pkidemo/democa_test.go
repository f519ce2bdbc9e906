package pkidemo

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/vanthu/vanthu/signer/pki"
)

func TestDemoCAIssuesSigningCertificates(t *testing.T) {
	t.Parallel()
	b := newDemo(t)

	t.Run("IssuesAPersonCertificateWithAUTF8VietnameseName", func(t *testing.T) {
		t.Parallel()
		p, err := b.ca.IssuePerson("Nguyễn Thị Hồng Nhung", "nhung@example.gov.vn")
		if err != nil {
			t.Fatalf("IssuePerson: %v", err)
		}
		c := p.Certificate
		if c.Subject.CommonName != "Nguyễn Thị Hồng Nhung" {
			t.Errorf("CN = %q", c.Subject.CommonName)
		}
		tags := subjectTags(t, c.RawSubject)
		if tags[oidCommonName.String()] != asn1.TagUTF8String || tags[oidCountry.String()] != asn1.TagPrintableString {
			t.Errorf("subject tags = %v, want CN as UTF8String (12) and C as PrintableString (19)", tags)
		}
		for oid, tag := range tags {
			if oid != oidCountry.String() && tag != asn1.TagUTF8String {
				t.Errorf("subject attribute %s has ASN.1 tag %d, want UTF8String", oid, tag)
			}
		}
		if len(c.EmailAddresses) != 1 || c.EmailAddresses[0] != "nhung@example.gov.vn" {
			t.Errorf("email SAN = %v", c.EmailAddresses)
		}
		if c.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
			t.Errorf("key usage = %b, want digitalSignature+nonRepudiation", c.KeyUsage)
		}
		if !strings.Contains(c.Subject.String(), Marker) || !strings.Contains(c.Issuer.String(), "NOT FOR PRODUCTION") {
			t.Errorf("subject %q / issuer %q do not say DEMO", c.Subject, c.Issuer)
		}
		wantOCSP, wantCRL := b.srv.URL+"/ocsp", b.srv.URL+"/crl/ca.crl"
		if len(c.OCSPServer) != 1 || c.OCSPServer[0] != wantOCSP || len(c.CRLDistributionPoints) != 1 || c.CRLDistributionPoints[0] != wantCRL {
			t.Errorf("OCSP %v / CRL %v, want %s / %s", c.OCSPServer, c.CRLDistributionPoints, wantOCSP, wantCRL)
		}
		roots := x509.NewCertPool()
		roots.AddCert(b.ca.Root())
		inter := x509.NewCertPool()
		inter.AddCert(p.Chain[0])
		if _, err := c.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			t.Errorf("certificate does not chain to the DEMO root: %v", err)
		}
	})

	t.Run("IssuesAnAgencyCertificateCarryingTheAgencyCode", func(t *testing.T) {
		t.Parallel()
		a, err := b.ca.IssueAgency("Sở Khoa học và Công nghệ tỉnh Lạng Sơn", "H37.02.02")
		if err != nil {
			t.Fatalf("IssueAgency: %v", err)
		}
		var code string
		for _, n := range a.Certificate.Subject.Names {
			if n.Type.Equal(oidOrgIdentity) {
				code, _ = n.Value.(string)
			}
		}
		if code != "H37.02.02" {
			t.Errorf("organizationIdentifier = %q, want H37.02.02", code)
		}
		if got := a.Certificate.Subject.Organization; len(got) != 1 || got[0] != "Sở Khoa học và Công nghệ tỉnh Lạng Sơn" {
			t.Errorf("O = %v", got)
		}
	})

	t.Run("ExportsAPKCS12ThatDecodesWithTheChain", func(t *testing.T) {
		t.Parallel()
		p, err := b.ca.IssuePerson("Đỗ Quang Huy", "")
		if err != nil {
			t.Fatalf("IssuePerson: %v", err)
		}
		pfx, err := p.PKCS12("mật-khẩu")
		if err != nil {
			t.Fatalf("PKCS12: %v", err)
		}
		key, cert, chain, err := pkcs12.DecodeChain(pfx, "mật-khẩu")
		if err != nil {
			t.Fatalf("DecodeChain: %v", err)
		}
		if !cert.Equal(p.Certificate) || len(chain) != 2 || !chain[1].Equal(b.ca.Root()) {
			t.Errorf("PKCS#12 holds %v with chain of %d, want the issued certificate and issuing CA + root", cert.Subject, len(chain))
		}
		if key == nil {
			t.Error("PKCS#12 holds no key")
		}
		if _, _, _, err := pkcs12.DecodeChain(pfx, "wrong"); err == nil {
			t.Error("PKCS#12 opened with a wrong password")
		}
	})

	t.Run("CertifiesACallersPublicKey", func(t *testing.T) {
		t.Parallel()
		key := newECKey(t)
		p, err := b.ca.IssuePerson("Key in HSM", "", WithPublicKey(key.Public()), WithValidity(time.Hour))
		if err != nil {
			t.Fatalf("IssuePerson: %v", err)
		}
		if p.Key != nil || !p.Certificate.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
			t.Error("certificate does not certify the supplied key, or a key was generated")
		}
		if d := time.Until(p.Certificate.NotAfter); d > time.Hour {
			t.Errorf("certificate valid for %v more, want at most an hour", d)
		}
	})

	t.Run("GivesTheTSAACriticalTimeStampingKeyUsage", func(t *testing.T) {
		t.Parallel()
		c := b.ca.TSACertificate()
		if len(c.ExtKeyUsage) != 1 || c.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(c.UnknownExtKeyUsage) > 0 {
			t.Fatalf("extended key usage %v %v, want only id-kp-timeStamping", c.ExtKeyUsage, c.UnknownExtKeyUsage)
		}
		for _, ext := range c.Extensions {
			if ext.Id.Equal(oidExtKeyUsage) && !ext.Critical {
				t.Fatal("the extended key usage is not critical, as RFC 3161 §2.3 wants")
			}
		}
	})

	t.Run("RefusesToRevokeAnUnknownSerial", func(t *testing.T) {
		t.Parallel()
		if err := b.ca.Revoke(big.NewInt(42), pki.ReasonSuperseded, time.Now()); err == nil {
			t.Fatal("Revoke accepted a serial the CA never issued")
		}
	})
}

func TestDemoCAPersistsAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := New(dir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p, err := first.IssuePerson("Bùi Văn Khánh", "")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}
	at := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	if err := first.Revoke(p.Certificate.SerialNumber, pki.ReasonCessationOfOperation, at); err != nil {
		t.Fatalf("Revoke: %v", err)
	}

	second, err := New(dir)
	if err != nil {
		t.Fatalf("New again: %v", err)
	}
	if !second.Root().Equal(first.Root()) || !second.Issuing().Equal(first.Issuing()) || !second.TSACertificate().Equal(first.TSACertificate()) {
		t.Fatal("a restart created new CA certificates instead of loading them")
	}
	q, err := second.IssuePerson("Bùi Văn Khánh", "")
	if err != nil {
		t.Fatalf("IssuePerson after restart: %v", err)
	}
	high := func(s *big.Int) int64 { return new(big.Int).Rsh(s, 64).Int64() }
	if high(q.Certificate.SerialNumber) != high(p.Certificate.SerialNumber)+1 {
		t.Errorf("serial counter went from %d to %d across a restart, want +1", high(p.Certificate.SerialNumber), high(q.Certificate.SerialNumber))
	}
	der, err := second.currentCRL(second.issuing)
	if err != nil {
		t.Fatalf("currentCRL: %v", err)
	}
	st, err := pki.CheckCRL(der, p.Certificate, second.Issuing(), time.Now())
	if err != nil || st.State != pki.Revoked || st.Reason != pki.ReasonCessationOfOperation || !st.RevokedAt.Equal(at) {
		t.Errorf("after a restart the CRL says %+v, %v; want revoked at %v for cessationOfOperation", st, err, at)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, fileRootKey)); err != nil {
		t.Errorf("root key not stored: %v", err)
	}
}

// subjectTags maps each subject attribute's OID to its ASN.1 string tag.
func subjectTags(t *testing.T, rawSubject []byte) map[string]int {
	t.Helper()
	var rdns []asn1.RawValue
	if _, err := asn1.Unmarshal(rawSubject, &rdns); err != nil {
		t.Fatalf("parse subject: %v", err)
	}
	tags := map[string]int{}
	for _, set := range rdns {
		var atvs []struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue
		}
		if _, err := asn1.UnmarshalWithParams(set.FullBytes, &atvs, "set"); err != nil {
			t.Fatalf("parse RDN: %v", err)
		}
		for _, a := range atvs {
			tags[a.Type.String()] = a.Value.Tag
		}
	}
	return tags
}

package verify

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"
)

// parseCert parses a certificate. Go rejects some certificates that real
// signers still use (negative serial numbers, for one); for those a minimal
// certificate with names, serial, validity and public key is built so the
// signature value can still be checked. Such a certificate never chains
// (x509.Verify needs a fully parsed one), so it cannot make a signature pass.
func parseCert(der []byte) (*x509.Certificate, error) {
	key := sha256.Sum256(der)
	if c, ok := parsedCerts.get(key); ok {
		return c, nil
	}
	// A copy: a parsed certificate points into its bytes, and the memo must
	// not keep a whole document alive.
	c, err := parseCertBytes(bytes.Clone(der))
	if err == nil {
		parsedCerts.put(key, c)
	}
	return c, err
}

// parsedCerts remembers parsed certificates by the SHA-256 of their bytes
// across verifications: the same few signers' and CAs' certificates come
// with every document, and parsing depends on nothing but the bytes.
var parsedCerts = newLRU[[sha256.Size]byte, *x509.Certificate](DefaultCacheSize)

func parseCertBytes(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	var outer struct {
		TBS    asn1.RawValue
		SigAlg pkix.AlgorithmIdentifier
		Sig    asn1.BitString
	}
	if _, err2 := asn1.Unmarshal(der, &outer); err2 != nil {
		return nil, fmt.Errorf("pades: parse certificate: %w", err)
	}
	var tbs struct {
		Version  int `asn1:"optional,explicit,default:0,tag:0"`
		Serial   *big.Int
		SigAlg   pkix.AlgorithmIdentifier
		Issuer   asn1.RawValue
		Validity struct {
			NotBefore, NotAfter time.Time
		}
		Subject asn1.RawValue
		SPKI    asn1.RawValue
	}
	if _, err2 := asn1.Unmarshal(outer.TBS.FullBytes, &tbs); err2 != nil {
		return nil, fmt.Errorf("pades: parse certificate: %w", err)
	}
	pub, err2 := x509.ParsePKIXPublicKey(tbs.SPKI.FullBytes)
	if err2 != nil {
		return nil, fmt.Errorf("pades: parse certificate: %w", err)
	}
	lc := &x509.Certificate{Raw: der, RawTBSCertificate: outer.TBS.FullBytes, RawIssuer: tbs.Issuer.FullBytes,
		RawSubject: tbs.Subject.FullBytes, RawSubjectPublicKeyInfo: tbs.SPKI.FullBytes, SerialNumber: tbs.Serial,
		PublicKey: pub, NotBefore: tbs.Validity.NotBefore, NotAfter: tbs.Validity.NotAfter, Signature: outer.Sig.RightAlign()}
	var rdn pkix.RDNSequence
	if _, err := asn1.Unmarshal(tbs.Subject.FullBytes, &rdn); err == nil {
		lc.Subject.FillFromRDNSequence(&rdn)
	}
	if _, err := asn1.Unmarshal(tbs.Issuer.FullBytes, &rdn); err == nil {
		lc.Issuer.FillFromRDNSequence(&rdn)
	}
	return lc, nil
}

package verify

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

var (
	oidSignedData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrMessageDigest   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCert     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidAttrSigningCertV2   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidAttrTimeStampToken  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidAttrAdbeRevocation  = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}
	oidRevInfoOCSPResponse = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 16, 2}
	oidTSTInfo             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedDataASN struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue   `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue   `asn1:"optional,tag:1"`
	SignerInfos      []signerInfoASN `asn1:"set"`
}

type signerInfoASN struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

// signedData is a parsed CMS SignedData with one signer of interest.
type signedData struct {
	eContent    []byte
	hasEContent bool
	eType       asn1.ObjectIdentifier
	certs       []*x509.Certificate
	crls        [][]byte
	ocsps       [][]byte
	signer      signerInfoASN
	signedAttrs []attribute
	unsigned    []attribute
	signerCount int
}

// parseSignedData decodes a DER (or, failing that, BER) ContentInfo holding
// a SignedData. Trailing bytes (the zero padding of /Contents) are ignored.
func parseSignedData(der []byte) (*signedData, error) {
	sd, err := parseSignedDataDER(der)
	if err == nil {
		return sd, nil
	}
	norm, berErr := berToDER(der)
	if berErr != nil {
		return nil, fmt.Errorf("pades: parse CMS: %w", err)
	}
	sd, err2 := parseSignedDataDER(norm)
	if err2 != nil {
		return nil, fmt.Errorf("pades: parse CMS: %w", err)
	}
	return sd, nil
}

func parseSignedDataDER(der []byte) (*signedData, error) {
	var ci contentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, err
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("content type %s is not SignedData", ci.ContentType)
	}
	var sda signedDataASN
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sda); err != nil {
		return nil, err
	}
	if len(sda.SignerInfos) == 0 {
		return nil, errors.New("no SignerInfo")
	}
	sd := &signedData{signer: sda.SignerInfos[0], signerCount: len(sda.SignerInfos), eType: sda.EncapContentInfo.EContentType}
	if len(sda.EncapContentInfo.EContent.Bytes) > 0 || sda.EncapContentInfo.EContent.FullBytes != nil {
		sd.hasEContent = true
		var oct []byte
		if _, err := asn1.Unmarshal(sda.EncapContentInfo.EContent.Bytes, &oct); err == nil {
			sd.eContent = oct
		}
	}
	for _, raw := range elements(sda.Certificates.Bytes) {
		if raw.Tag != asn1.TagSequence || raw.Class != asn1.ClassUniversal {
			continue // attribute certificates and other formats are not signer candidates
		}
		if c, err := parseCert(raw.FullBytes); err == nil {
			sd.certs = append(sd.certs, c)
		}
	}
	for _, raw := range elements(sda.CRLs.Bytes) {
		switch {
		case raw.Class == asn1.ClassUniversal && raw.Tag == asn1.TagSequence:
			sd.crls = append(sd.crls, raw.FullBytes)
		case raw.Class == asn1.ClassContextSpecific && raw.Tag == 1:
			// OtherRevocationInfoFormat ::= SEQUENCE { format OID, info ANY }
			var other struct {
				Format asn1.ObjectIdentifier
				Info   asn1.RawValue
			}
			if _, err := asn1.UnmarshalWithParams(raw.FullBytes, &other, "tag:1"); err == nil && other.Format.Equal(oidRevInfoOCSPResponse) {
				sd.ocsps = append(sd.ocsps, other.Info.FullBytes)
			}
		}
	}
	var err error
	if sd.signer.SignedAttrs.FullBytes != nil {
		if sd.signedAttrs, err = parseAttributes(sd.signer.SignedAttrs.Bytes); err != nil {
			return nil, fmt.Errorf("signed attributes: %w", err)
		}
	}
	if sd.signer.UnsignedAttrs.FullBytes != nil {
		sd.unsigned, _ = parseAttributes(sd.signer.UnsignedAttrs.Bytes)
	}
	return sd, nil
}

// elements splits the content of a SET or SEQUENCE into its members.
func elements(b []byte) []asn1.RawValue {
	var out []asn1.RawValue
	for len(b) > 0 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(b, &rv)
		if err != nil {
			return out
		}
		out = append(out, rv)
		b = rest
	}
	return out
}

func parseAttributes(b []byte) ([]attribute, error) {
	var out []attribute
	for len(b) > 0 {
		var a attribute
		rest, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return out, err
		}
		out = append(out, a)
		b = rest
	}
	return out, nil
}

// attr returns the first value of the attribute with the given type, and how
// many attributes of that type exist (duplicates are an error for some).
func attr(attrs []attribute, oid asn1.ObjectIdentifier) (asn1.RawValue, int) {
	var first asn1.RawValue
	n := 0
	for _, a := range attrs {
		if a.Type.Equal(oid) {
			if n == 0 {
				vals := elements(a.Values.Bytes)
				if len(vals) > 0 {
					first = vals[0]
				}
			}
			n++
		}
	}
	return first, n
}

func (sd *signedData) signingTime() *time.Time {
	v, n := attr(sd.signedAttrs, oidAttrSigningTime)
	if n == 0 {
		return nil
	}
	var t time.Time
	if _, err := asn1.Unmarshal(v.FullBytes, &t); err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}

// cmsResult is the outcome of checking one SignedData over some content.
type cmsResult struct {
	digestOK    bool
	signatureOK bool
	signerFound bool // identified through the SignerIdentifier
	signer      *x509.Certificate
	hash        crypto.Hash
	err         error
	unsupported bool
	// nonDER is set when the signed attributes are not in DER (sorted SET OF)
	// order; the signature is still checked over the stored bytes.
	nonDER bool
}

// verifyContent checks the SignedData over content (the concatenation of
// its parts, so the signed ranges of a large file are never copied): the message-digest
// attribute against the content digest, and the signature value over the
// signed attributes exactly as stored (re-sorting would hide a DER violation
// and also break signatures made over the stored order).
func (sd *signedData) verifyContent(content [][]byte, extra []*x509.Certificate) cmsResult {
	var res cmsResult
	h, err := digestAlgorithm(sd.signer.DigestAlgorithm)
	if err != nil {
		res.err, res.unsupported = err, true
		return res
	}
	res.hash = h
	sum := digest(h, content...)
	msg := content
	if sd.signer.SignedAttrs.FullBytes != nil {
		md, n := attr(sd.signedAttrs, oidAttrMessageDigest)
		var got []byte
		if n != 1 {
			res.err = errors.New("signed attributes must hold exactly one message-digest")
			return res
		}
		if _, err := asn1.Unmarshal(md.FullBytes, &got); err != nil || !bytes.Equal(got, sum) {
			res.err = errors.New("message-digest does not match the signed content")
			return res
		}
		res.digestOK = true
		msg = [][]byte{{0x31}, sd.signer.SignedAttrs.FullBytes[1:]}
		res.nonDER = !derSorted(elements(sd.signer.SignedAttrs.Bytes))
	}
	candidates, identified := sd.signerCandidates(extra)
	res.signerFound = identified
	for _, c := range candidates {
		err := checkSignature(c.PublicKey, sd.signer.SignatureAlgorithm, h, msg, sd.signer.Signature)
		if err == nil {
			res.signatureOK, res.signer = true, c
			if sd.signer.SignedAttrs.FullBytes == nil {
				res.digestOK = true // the signature itself covers the digest
			}
			break
		}
		if errors.Is(err, errUnsupportedAlgorithm) {
			res.unsupported = true
		}
		res.err = err
	}
	if res.signatureOK {
		res.err = nil
		if identified && !sd.essCertMatches(res.signer) {
			res.signerFound = false
		}
	} else if res.err == nil {
		res.err = errors.New("no certificate to verify the signature with")
	}
	return res
}

const maxCandidates = 64

// signerCandidates returns the certificates matching the SignerIdentifier,
// or when none matches every available certificate (DSS does the same, and
// reports the signer as not identified).
func (sd *signedData) signerCandidates(extra []*x509.Certificate) ([]*x509.Certificate, bool) {
	all := append(append([]*x509.Certificate{}, sd.certs...), extra...)
	var matched []*x509.Certificate
	sid := sd.signer.SID
	var ias issuerAndSerial
	if sid.Tag == asn1.TagSequence {
		if _, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil {
			ias.Serial = nil
		}
	}
	for _, c := range all {
		switch {
		case sid.Class == asn1.ClassContextSpecific && sid.Tag == 0:
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, sid.Bytes) {
				matched = append(matched, c)
			}
		case sid.Tag == asn1.TagSequence:
			if ias.Serial != nil && c.SerialNumber != nil &&
				ias.Serial.Cmp(c.SerialNumber) == 0 && sameName(ias.Issuer.FullBytes, c.RawIssuer) {
				matched = append(matched, c)
			}
		}
	}
	if len(matched) > 0 {
		return matched, true
	}
	// Trying every certificate is only a diagnostic; bound it so a file with
	// thousands of embedded certificates cannot make verification crawl.
	if len(all) > maxCandidates {
		all = all[:maxCandidates]
	}
	return all, false
}

// derSorted tells whether SET OF members are in DER order (ascending by
// their encodings, shorter first when one is a prefix).
func derSorted(els []asn1.RawValue) bool {
	for i := 1; i < len(els); i++ {
		if bytes.Compare(els[i-1].FullBytes, els[i].FullBytes) > 0 {
			return false
		}
	}
	return true
}

func sameName(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var na, nb pkix.RDNSequence
	if _, err := asn1.Unmarshal(a, &na); err != nil {
		return false
	}
	if _, err := asn1.Unmarshal(b, &nb); err != nil {
		return false
	}
	return na.String() == nb.String()
}

// essCertMatches checks the signing-certificate(-v2) attribute, when present,
// against the certificate that verified the signature.
func (sd *signedData) essCertMatches(c *x509.Certificate) bool {
	if v, n := attr(sd.signedAttrs, oidAttrSigningCertV2); n > 0 {
		ids := elements(v.Bytes)
		if len(ids) == 0 {
			return false
		}
		certIDs := elements(ids[0].Bytes)
		if len(certIDs) == 0 {
			return false
		}
		parts := elements(certIDs[0].Bytes)
		h := crypto.SHA256
		if len(parts) > 0 && parts[0].Tag == asn1.TagSequence {
			var ai pkix.AlgorithmIdentifier
			if _, err := asn1.Unmarshal(parts[0].FullBytes, &ai); err != nil {
				return false
			}
			var err error
			if h, err = digestAlgorithm(ai); err != nil {
				return false
			}
			parts = parts[1:]
		}
		return len(parts) > 0 && bytes.Equal(parts[0].Bytes, digest(h, c.Raw))
	}
	if v, n := attr(sd.signedAttrs, oidAttrSigningCert); n > 0 {
		ids := elements(v.Bytes)
		if len(ids) == 0 {
			return false
		}
		parts := elements(ids[0].Bytes)
		sum := sha1.Sum(c.Raw)
		return len(parts) > 0 && bytes.Equal(parts[0].Bytes, sum[:])
	}
	return true
}

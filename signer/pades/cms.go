package pades

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// CMS SignedData (RFC 5652) is encoded here rather than with
// digitorus/pkcs7 because that library always adds a signing-time
// attribute, which ETSI EN 319 142-1 forbids for ETSI.CAdES.detached.

var (
	oidData               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCertV2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidAttrTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	oidRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSASSAPSS     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidMGF1          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidECDSASHA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSASHA384   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSASHA512   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue // a SET OF with one value
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type essCertIDv2 struct {
	// hashAlgorithm is omitted: SHA-256 is its DEFAULT and DER forbids
	// encoding a default value (RFC 5035 section 4).
	CertHash     []byte
	IssuerSerial essIssuerSerial
}

type essIssuerSerial struct {
	Issuer []asn1.RawValue // GeneralNames holding one directoryName
	Serial *big.Int
}

type pssParams struct {
	Hash       algorithmIdentifier `asn1:"explicit,tag:0"`
	MGF        algorithmIdentifier `asn1:"explicit,tag:1"`
	SaltLength int                 `asn1:"explicit,tag:2"`
}

// cmsSigner holds what is needed to produce SignerInfo signatures.
type cmsSigner struct {
	signer crypto.Signer
	cert   *x509.Certificate
	chain  []*x509.Certificate
	hash   crypto.Hash
	pss    bool
	// signingTime, when non-zero, adds the signing-time attribute; only
	// used for the adbe.pkcs7.detached compatibility mode.
	signingTime time.Time
}

func hashOID(h crypto.Hash) (asn1.ObjectIdentifier, error) {
	switch h {
	case crypto.SHA256:
		return oidSHA256, nil
	case crypto.SHA384:
		return oidSHA384, nil
	case crypto.SHA512:
		return oidSHA512, nil
	}
	return nil, fmt.Errorf("pades: unsupported digest %v (use SHA-256, SHA-384 or SHA-512)", h)
}

// signatureAlgorithm returns the SignerInfo signatureAlgorithm and the
// crypto.SignerOpts to use with the key.
func (s *cmsSigner) signatureAlgorithm() (algorithmIdentifier, crypto.SignerOpts, error) {
	hOID, err := hashOID(s.hash)
	if err != nil {
		return algorithmIdentifier{}, nil, err
	}
	switch s.signer.Public().(type) {
	case *rsa.PublicKey:
		if !s.pss {
			return algorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue}, s.hash, nil
		}
		hashAlg := algorithmIdentifier{Algorithm: hOID, Parameters: asn1.NullRawValue}
		mgfParam, err := asn1.Marshal(hashAlg)
		if err != nil {
			return algorithmIdentifier{}, nil, err
		}
		params, err := asn1.Marshal(pssParams{
			Hash:       hashAlg,
			MGF:        algorithmIdentifier{Algorithm: oidMGF1, Parameters: asn1.RawValue{FullBytes: mgfParam}},
			SaltLength: s.hash.Size(),
		})
		if err != nil {
			return algorithmIdentifier{}, nil, err
		}
		return algorithmIdentifier{Algorithm: oidRSASSAPSS, Parameters: asn1.RawValue{FullBytes: params}},
			&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: s.hash}, nil
	case *ecdsa.PublicKey:
		oid := map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA256: oidECDSASHA256, crypto.SHA384: oidECDSASHA384, crypto.SHA512: oidECDSASHA512}[s.hash]
		return algorithmIdentifier{Algorithm: oid}, s.hash, nil
	case ed25519.PublicKey:
		return algorithmIdentifier{}, nil, errors.New("pades: Ed25519 keys are not supported for PAdES baseline signatures")
	}
	return algorithmIdentifier{}, nil, fmt.Errorf("pades: unsupported key type %T", s.signer.Public())
}

// signedAttributes builds the DER SET OF signed attributes for a document
// digest. DER requires the SET members sorted by their encoding.
func (s *cmsSigner) signedAttributes(digest []byte) ([]byte, error) {
	ct, err := asn1.Marshal(oidData)
	if err != nil {
		return nil, err
	}
	md, err := asn1.Marshal(digest)
	if err != nil {
		return nil, err
	}
	certHash := sha256.Sum256(s.cert.Raw)
	sc, err := asn1.Marshal(struct{ Certs []essCertIDv2 }{[]essCertIDv2{{
		CertHash: certHash[:],
		IssuerSerial: essIssuerSerial{
			Issuer: []asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: s.cert.RawIssuer}},
			Serial: s.cert.SerialNumber,
		},
	}}})
	if err != nil {
		return nil, err
	}
	attrs := [][]byte{}
	add := func(oid asn1.ObjectIdentifier, value []byte) error {
		a, err := asn1.Marshal(attribute{Type: oid, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: value}})
		attrs = append(attrs, a)
		return err
	}
	if err := add(oidAttrContentType, ct); err != nil {
		return nil, err
	}
	if err := add(oidAttrMessageDigest, md); err != nil {
		return nil, err
	}
	if err := add(oidAttrSigningCertV2, sc); err != nil {
		return nil, err
	}
	if !s.signingTime.IsZero() {
		st, err := asn1.Marshal(s.signingTime.UTC())
		if err != nil {
			return nil, err
		}
		if err := add(oidAttrSigningTime, st); err != nil {
			return nil, err
		}
	}
	return derSet(attrs), nil
}

// derSet wraps members in a DER SET OF, sorting them as X.690 11.6 asks.
func derSet(members [][]byte) []byte {
	sort.Slice(members, func(i, j int) bool { return bytes.Compare(members[i], members[j]) < 0 })
	body := bytes.Join(members, nil)
	out, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: body})
	return out
}

// signerOutput is a signature over signed attributes, kept apart so an
// unsigned timestamp attribute can be added before final encoding.
type signerOutput struct {
	signedAttrs []byte // DER SET OF (tag 0x31)
	sigAlg      algorithmIdentifier
	signature   []byte
}

func (s *cmsSigner) sign(digest []byte) (*signerOutput, error) {
	sigAlg, opts, err := s.signatureAlgorithm()
	if err != nil {
		return nil, err
	}
	attrs, err := s.signedAttributes(digest)
	if err != nil {
		return nil, fmt.Errorf("pades: encode signed attributes: %w", err)
	}
	h := s.hash.New()
	h.Write(attrs)
	sig, err := s.signer.Sign(rand.Reader, h.Sum(nil), opts)
	if err != nil {
		return nil, fmt.Errorf("pades: sign: %w", err)
	}
	return &signerOutput{signedAttrs: attrs, sigAlg: sigAlg, signature: sig}, nil
}

// encode assembles ContentInfo{SignedData} with an optional signature
// timestamp token as unsigned attribute. It builds into one buffer of about
// the final size: the certificates are copied once, not at every level.
func (s *cmsSigner) encode(out *signerOutput, timestampToken []byte) ([]byte, error) {
	hOID, err := hashOID(s.hash)
	if err != nil {
		return nil, err
	}
	digestAlg, err := asn1.Marshal(algorithmIdentifier{Algorithm: hOID})
	if err != nil {
		return nil, err
	}
	size := 1024 + len(out.signedAttrs) + len(out.signature) + len(timestampToken)
	var certs [][]byte
	for _, c := range append([]*x509.Certificate{s.cert}, s.chain...) {
		if c != nil && !slices.ContainsFunc(certs, func(b []byte) bool { return bytes.Equal(b, c.Raw) }) {
			certs = append(certs, c.Raw)
			size += len(c.Raw)
		}
	}
	slices.SortFunc(certs, bytes.Compare) // DER orders a SET OF by encoding (X.690 11.6)
	sid, err := asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: s.cert.RawIssuer}, Serial: s.cert.SerialNumber})
	if err != nil {
		return nil, err
	}
	sigAlg, err := asn1.Marshal(out.sigAlg)
	if err != nil {
		return nil, err
	}
	ctx0 := cbasn1.Tag(0).Constructed().ContextSpecific()
	b := cryptobyte.NewBuilder(make([]byte, 0, size))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(ctx0, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(digestAlg) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidData) })
				b.AddASN1(ctx0, func(b *cryptobyte.Builder) { // [0] IMPLICIT SET OF Certificate
					for _, c := range certs {
						b.AddBytes(c)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
						b.AddASN1Int64(1)
						b.AddBytes(sid)
						b.AddBytes(digestAlg)
						// signedAttrs is [0] IMPLICIT: same content, context tag instead of SET.
						b.AddUint8(0xA0)
						b.AddBytes(out.signedAttrs[1:])
						b.AddBytes(sigAlg)
						b.AddASN1OctetString(out.signature)
						if len(timestampToken) > 0 {
							b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
								b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
									b.AddASN1ObjectIdentifier(oidAttrTimeStampToken)
									b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(timestampToken) })
								})
							})
						}
					})
				})
			})
		})
	})
	return b.Bytes()
}

// mustMarshal is for constant values that cannot fail to encode.
func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

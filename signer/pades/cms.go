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
	"sync/atomic"
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

// cmsParts are the encodings a CMS takes from the signer's certificates
// and algorithms alone. A key signs many documents, so they are made once
// for the last key used rather than for every signature.
type cmsParts struct {
	cert  *x509.Certificate
	chain []*x509.Certificate
	hash  crypto.Hash
	pss   bool

	opts        crypto.SignerOpts
	sigAlg      []byte   // SignerInfo signatureAlgorithm
	digestAlg   []byte   // DigestAlgorithmIdentifier
	sid         []byte   // IssuerAndSerialNumber
	signingCert []byte   // the signing-certificate-v2 attribute
	certs       [][]byte // the certificates, in DER SET OF order
	certsLen    int
}

var lastCMSParts atomic.Pointer[cmsParts]

// parts returns the cached encodings for s, making them when s is not the
// last signer seen. Certificates are compared by pointer: a key hands out
// the same ones every time.
func (s *cmsSigner) parts() (*cmsParts, error) {
	if p := lastCMSParts.Load(); p != nil && p.cert == s.cert && p.hash == s.hash && p.pss == s.pss && slices.Equal(p.chain, s.chain) {
		return p, nil
	}
	p, err := s.newParts()
	if err != nil {
		return nil, err
	}
	lastCMSParts.Store(p)
	return p, nil
}

func (s *cmsSigner) newParts() (*cmsParts, error) {
	alg, opts, err := s.signatureAlgorithm()
	if err != nil {
		return nil, err
	}
	hOID, err := hashOID(s.hash)
	if err != nil {
		return nil, err
	}
	p := &cmsParts{cert: s.cert, chain: slices.Clone(s.chain), hash: s.hash, pss: s.pss, opts: opts}
	if p.sigAlg, err = asn1.Marshal(alg); err != nil {
		return nil, fmt.Errorf("pades: encode the signature algorithm: %w", err)
	}
	if p.digestAlg, err = asn1.Marshal(algorithmIdentifier{Algorithm: hOID}); err != nil {
		return nil, fmt.Errorf("pades: encode the digest algorithm: %w", err)
	}
	if p.sid, err = asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: s.cert.RawIssuer}, Serial: s.cert.SerialNumber}); err != nil {
		return nil, fmt.Errorf("pades: encode the signer identifier: %w", err)
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
		return nil, fmt.Errorf("pades: encode the signing certificate: %w", err)
	}
	p.signingCert = encodeAttribute(oidAttrSigningCertV2, sc)
	for _, c := range append([]*x509.Certificate{s.cert}, s.chain...) {
		if c != nil && !slices.ContainsFunc(p.certs, func(b []byte) bool { return bytes.Equal(b, c.Raw) }) {
			p.certs = append(p.certs, c.Raw)
			p.certsLen += len(c.Raw)
		}
	}
	slices.SortFunc(p.certs, bytes.Compare) // DER orders a SET OF by encoding (X.690 11.6)
	return p, nil
}

// contentTypeAttr is the content-type attribute (id-data), the same in every CMS.
var contentTypeAttr = encodeAttribute(oidAttrContentType, mustMarshal(oidData))

// encodeAttribute encodes an Attribute with one value (value is its DER).
func encodeAttribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	b := cryptobyte.NewBuilder(make([]byte, 0, len(value)+32))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(value) })
	})
	return b.BytesOrPanic()
}

// signedAttributes builds the DER SET OF signed attributes for a document
// digest. DER requires the SET members sorted by their encoding.
func (s *cmsSigner) signedAttributes(p *cmsParts, digest []byte) ([]byte, error) {
	md := cryptobyte.NewBuilder(make([]byte, 0, len(digest)+4))
	md.AddASN1OctetString(digest)
	mdDER, err := md.Bytes()
	if err != nil {
		return nil, err
	}
	attrs := [][]byte{contentTypeAttr, encodeAttribute(oidAttrMessageDigest, mdDER), p.signingCert}
	if !s.signingTime.IsZero() {
		st, err := asn1.Marshal(s.signingTime.UTC())
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, encodeAttribute(oidAttrSigningTime, st))
	}
	return derSet(attrs), nil
}

// derSet wraps members in a DER SET OF, sorting them as X.690 11.6 asks.
func derSet(members [][]byte) []byte {
	slices.SortFunc(members, bytes.Compare)
	n := 0
	for _, m := range members {
		n += len(m)
	}
	b := cryptobyte.NewBuilder(make([]byte, 0, n+8))
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, m := range members {
			b.AddBytes(m)
		}
	})
	return b.BytesOrPanic()
}

// signerOutput is a signature over signed attributes, kept apart so an
// unsigned timestamp attribute can be added before final encoding.
type signerOutput struct {
	signedAttrs []byte // DER SET OF (tag 0x31)
	signature   []byte
}

func (s *cmsSigner) sign(digest []byte) (*signerOutput, error) {
	p, err := s.parts()
	if err != nil {
		return nil, err
	}
	attrs, err := s.signedAttributes(p, digest)
	if err != nil {
		return nil, fmt.Errorf("pades: encode signed attributes: %w", err)
	}
	h := s.hash.New()
	h.Write(attrs)
	sig, err := s.signer.Sign(rand.Reader, h.Sum(nil), p.opts)
	if err != nil {
		return nil, fmt.Errorf("pades: sign: %w", err)
	}
	return &signerOutput{signedAttrs: attrs, signature: sig}, nil
}

// encode assembles ContentInfo{SignedData} with an optional signature
// timestamp token as unsigned attribute. It builds into one buffer of about
// the final size: the certificates are copied once, not at every level.
func (s *cmsSigner) encode(out *signerOutput, timestampToken []byte) ([]byte, error) {
	p, err := s.parts()
	if err != nil {
		return nil, err
	}
	size := 256 + len(p.sid) + len(p.sigAlg) + p.certsLen + len(out.signedAttrs) + len(out.signature) + len(timestampToken)
	ctx0 := cbasn1.Tag(0).Constructed().ContextSpecific()
	b := cryptobyte.NewBuilder(make([]byte, 0, size))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(ctx0, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(p.digestAlg) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidData) })
				b.AddASN1(ctx0, func(b *cryptobyte.Builder) { // [0] IMPLICIT SET OF Certificate
					for _, c := range p.certs {
						b.AddBytes(c)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
						b.AddASN1Int64(1)
						b.AddBytes(p.sid)
						b.AddBytes(p.digestAlg)
						// signedAttrs is [0] IMPLICIT: same content, context tag instead of SET.
						b.AddUint8(0xA0)
						b.AddBytes(out.signedAttrs[1:])
						b.AddBytes(p.sigAlg)
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

// Package pades writes PAdES baseline signatures (ETSI EN 319 142-1) into
// PDF documents as incremental updates: the leader's signature (chữ ký số
// của người có thẩm quyền), the agency signature (chữ ký số của cơ quan, tổ
// chức) and document timestamps, each appended without touching the bytes
// of earlier revisions so that every earlier signature stays valid.
//
// Levels B-B and B-T live in the CMS; B-LT adds a /DSS dictionary with
// certificates and revocation data; B-LTA adds a document timestamp over
// all of that. Network access (TSA, OCSP, CRL) goes through the small
// Timestamper and RevocationSource interfaces defined here.
package pades

import (
	"context"
	"crypto"
	"crypto/x509"
	"time"
)

// Level is a PAdES baseline conformance level.
type Level int

// Levels in increasing order; each includes the ones before it.
const (
	LevelBB   Level = iota // B-B: CMS with signing-certificate-v2
	LevelBT                // B-T: plus an RFC 3161 signature timestamp
	LevelBLT               // B-LT: plus /DSS validation data
	LevelBLTA              // B-LTA: plus a document timestamp
)

func (l Level) String() string {
	switch l {
	case LevelBB:
		return "B-B"
	case LevelBT:
		return "B-T"
	case LevelBLT:
		return "B-LT"
	case LevelBLTA:
		return "B-LTA"
	}
	return "unknown level"
}

// Timestamper obtains an RFC 3161 timestamp. It returns the DER
// TimeStampToken (a CMS ContentInfo), not the whole TimeStampResp.
type Timestamper interface {
	Timestamp(ctx context.Context, digest []byte, h crypto.Hash) ([]byte, error)
}

// RevocationSource fetches revocation data as DER: an OCSPResponse for cert
// issued by issuer, or a CRL covering cert.
type RevocationSource interface {
	OCSP(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, error)
	CRL(ctx context.Context, cert *x509.Certificate) ([]byte, error)
}

// ObjectWriter lets an Appearance add objects to the incremental update.
// AddObject stores body (everything between "N 0 obj" and "endobj") as a
// new object and returns its number.
type ObjectWriter interface {
	AddObject(body []byte) int
}

// Appearance is a visible signature: where it goes and the Form XObject
// that draws it. A nil Appearance gives an invisible signature.
type Appearance interface {
	Page() int        // 0-based page index
	Rect() [4]float64 // llx lly urx ury in default user space
	WriteXObject(w ObjectWriter) (int, error)
}

// Options configures Sign.
type Options struct {
	// Signer is the private key (a software key, PKCS#11 token, HSM ...).
	Signer crypto.Signer
	// Certificate is the signer's certificate; Chain holds the issuing
	// certificates (intermediates, optionally the root) to embed.
	Certificate *x509.Certificate
	Chain       []*x509.Certificate

	// Hash is the digest algorithm: SHA-256 (default), SHA-384 or SHA-512.
	Hash crypto.Hash
	// RSAPSS selects RSASSA-PSS instead of PKCS#1 v1.5 for RSA keys.
	RSAPSS bool

	Level       Level
	Timestamper Timestamper      // required from LevelBT
	Revocation  RevocationSource // required from LevelBLT
	// ExtraCertificates help build chains for the /DSS (e.g. the TSA's
	// issuing CA) without being embedded in the CMS.
	ExtraCertificates []*x509.Certificate

	// SigningTime goes into /M; default time.Now.
	SigningTime time.Time
	Name        string
	Reason      string
	Location    string
	ContactInfo string

	// FieldName names the signature field. If the document already has an
	// unsigned signature field of that name (placed by the template), it
	// is signed in place and Appearance's page and rectangle are ignored;
	// otherwise a new field is created, named "SignatureN" when empty.
	FieldName string
	// Appearance draws a visible signature; nil means invisible on page 0.
	Appearance Appearance
	// DocMDP certifies the document with access permissions 1, 2 or 3
	// (0 = approval signature). Only allowed as the first signature.
	DocMDP int

	// LegacyPKCS7 writes /SubFilter /adbe.pkcs7.detached (with a CMS
	// signing-time attribute) for old validators; not PAdES baseline.
	LegacyPKCS7 bool
	// ContentsSize overrides the bytes reserved for the CMS in /Contents.
	ContentsSize int
}

// ExtendOptions configures Extend and AddDocumentTimestamp.
type ExtendOptions struct {
	Timestamper Timestamper      // required for B-LTA and document timestamps
	Revocation  RevocationSource // required for B-LT and B-LTA
	// Certificates help build chains (issuers not embedded in the CMS).
	Certificates []*x509.Certificate
	// Hash for the document timestamp; default SHA-256.
	Hash crypto.Hash
}

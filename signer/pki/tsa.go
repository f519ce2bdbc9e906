package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// TSAClient asks an RFC 3161 timestamp authority for timestamp tokens.
type TSAClient struct {
	// URL of the TSA, e.g. http://tsa.example/tsa.
	URL string
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
	// Hash is used when Timestamp is called with h == 0; SHA-256 when zero.
	Hash crypto.Hash
	// Policy, when set, is requested and must be the token's policy.
	Policy asn1.ObjectIdentifier
	// Roots, when set, must anchor the TSA certificate's chain; the
	// chain's intermediates are taken from the token.
	Roots *x509.CertPool
	// Timeout bounds one request; 10 s when zero.
	Timeout time.Duration
	// MaxResponseSize defaults to 1 MiB.
	MaxResponseSize int64
	// Username and Password, when Username is set, are sent as HTTP Basic
	// credentials, which commercial TSAs commonly require. They never
	// appear in errors.
	Username, Password string
}

// Timestamp asks the TSA to timestamp digest, computed with h, and returns
// the DER TimeStampToken (a CMS ContentInfo) after checking it: status
// granted, a valid signature by a certificate whose extended key usage is
// id-kp-timeStamping only and critical, the imprint and nonce that were
// sent, and the requested policy if any.
func (c *TSAClient) Timestamp(ctx context.Context, digest []byte, h crypto.Hash) ([]byte, error) {
	if h == 0 {
		h = c.Hash
	}
	if h == 0 {
		h = crypto.SHA256
	}
	if !h.Available() || len(digest) != h.Size() {
		return nil, fmt.Errorf("pki: tsa: digest of %d bytes does not fit hash %v", len(digest), h)
	}
	if !httpURL(c.URL) {
		return nil, fmt.Errorf("pki: tsa: %q is not an http URL: %w", redact(c.URL), ErrNoURL)
	}
	nonce, err := newNonce()
	if err != nil {
		return nil, fmt.Errorf("pki: tsa: nonce: %w", err)
	}
	req := timestamp.Request{HashAlgorithm: h, HashedMessage: digest, Certificates: true, Nonce: nonce, TSAPolicyOID: c.Policy}
	body, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("pki: tsa: build request: %w", err)
	}
	f := newFetcher(c.HTTPClient, c.Timeout, c.MaxResponseSize, defaultMaxResponse)
	if c.Username != "" {
		f.decorate = func(r *http.Request) { r.SetBasicAuth(c.Username, c.Password) }
	}
	resp, err := f.do(ctx, c.URL, "application/timestamp-query", body)
	if err != nil {
		return nil, fmt.Errorf("pki: tsa: %w", err)
	}
	token, err := VerifyTimestampResponse(resp, TimestampExpect{Hash: h, Digest: digest, Nonce: nonce, Policy: c.Policy, Roots: c.Roots})
	if err != nil {
		return nil, fmt.Errorf("pki: tsa: response from %s: %w", redact(c.URL), err)
	}
	return token, nil
}

// newNonce returns a random 64-bit nonce, large enough (RFC 3161 §2.4.1)
// that an old answer replayed to us is caught.
func newNonce() (*big.Int, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	b[0] |= 0x80 // the top bit set keeps every nonce a full 64 bits long
	return new(big.Int).SetBytes(b), nil
}

// TimestampExpect is what a timestamp response must match.
type TimestampExpect struct {
	Hash   crypto.Hash
	Digest []byte
	Nonce  *big.Int              // nil: the request carried no nonce
	Policy asn1.ObjectIdentifier // nil: any policy
	Roots  *x509.CertPool        // nil: the chain is not checked
}

// tspResponse is RFC 3161's TimeStampResp.
type tspResponse struct {
	Status pkiStatusInfo
	Token  asn1.RawValue `asn1:"optional"`
}

type pkiStatusInfo struct {
	Status       int
	StatusString []asn1.RawValue `asn1:"optional"`
	FailInfo     asn1.BitString  `asn1:"optional"`
}

// RFC 3161 PKIStatus values that carry a token.
const (
	tspGranted         = 0
	tspGrantedWithMods = 1
	tspWaiting         = 3
)

// VerifyTimestampResponse checks a DER TimeStampResp against want and
// returns its token. Errors wrap ErrInvalidResponse, ErrTryLater or
// ErrRejected.
func VerifyTimestampResponse(der []byte, want TimestampExpect) ([]byte, error) {
	var resp tspResponse
	rest, err := asn1.Unmarshal(der, &resp)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%w: trailing data after the response", ErrInvalidResponse)
	}
	switch resp.Status.Status {
	case tspGranted, tspGrantedWithMods:
	case tspWaiting:
		return nil, fmt.Errorf("TSA status waiting %s: %w", statusText(resp.Status), ErrTryLater)
	default:
		return nil, fmt.Errorf("TSA status %d %s: %w", resp.Status.Status, statusText(resp.Status), ErrRejected)
	}
	if len(resp.Token.FullBytes) == 0 {
		return nil, fmt.Errorf("%w: granted without a token", ErrInvalidResponse)
	}
	token := resp.Token.FullBytes
	if err := VerifyTimestampToken(token, want); err != nil {
		return nil, err
	}
	return token, nil
}

// statusText renders the TSA's free text, which is untrusted, briefly.
func statusText(s pkiStatusInfo) string {
	var parts []string
	for _, v := range s.StatusString {
		if utf8.Valid(v.Bytes) && len(v.Bytes) <= 200 {
			parts = append(parts, string(v.Bytes))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("(%q)", strings.Join(parts, "; "))
}

// VerifyTimestampToken checks a DER TimeStampToken against want.
func VerifyTimestampToken(token []byte, want TimestampExpect) (err error) {
	// The CMS and ASN.1 libraries underneath are not hardened against
	// hostile input; a panic there must become an invalid-response error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: unparsable token", ErrInvalidResponse)
		}
	}()
	p7, err := pkcs7.Parse(token)
	if err != nil {
		return fmt.Errorf("%w: token: %w", ErrInvalidResponse, err)
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return fmt.Errorf("%w: token must have exactly one signer and carry its certificate", ErrInvalidResponse)
	}
	ts, err := timestamp.Parse(token) // also verifies the CMS signature
	if err != nil {
		return fmt.Errorf("%w: token: %w", ErrInvalidResponse, err)
	}
	if err := checkTSACert(signer, ts.Time); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	if want.Roots != nil {
		inter := x509.NewCertPool()
		for _, c := range p7.Certificates {
			inter.AddCert(c)
		}
		opts := x509.VerifyOptions{Roots: want.Roots, Intermediates: inter, CurrentTime: ts.Time,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}
		if _, err := signer.Verify(opts); err != nil {
			return fmt.Errorf("%w: TSA certificate not trusted: %w", ErrInvalidResponse, err)
		}
	}
	return matchTSTInfo(ts, want)
}

func matchTSTInfo(ts *timestamp.Timestamp, want TimestampExpect) error {
	if ts.HashAlgorithm != want.Hash || !bytes.Equal(ts.HashedMessage, want.Digest) {
		return fmt.Errorf("%w: message imprint differs from the one requested", ErrInvalidResponse)
	}
	if want.Nonce != nil && (ts.Nonce == nil || ts.Nonce.Cmp(want.Nonce) != 0) {
		return fmt.Errorf("%w: nonce differs from the one requested", ErrInvalidResponse)
	}
	if want.Policy != nil && !ts.Policy.Equal(want.Policy) {
		return fmt.Errorf("%w: policy %s, requested %s", ErrInvalidResponse, ts.Policy, want.Policy)
	}
	return nil
}

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// checkTSACert applies RFC 3161 §2.3: the TSA certificate has exactly one
// extended key usage, id-kp-timeStamping, in a critical extension, and was
// valid when it signed.
func checkTSACert(cert *x509.Certificate, genTime time.Time) error {
	critical := false
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidExtKeyUsage) {
			critical = ext.Critical
		}
	}
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(cert.UnknownExtKeyUsage) > 0 {
		return errors.New("TSA certificate's extended key usage is not exactly id-kp-timeStamping")
	}
	if !critical {
		return errors.New("TSA certificate's extended key usage is not critical")
	}
	if genTime.Before(cert.NotBefore) || genTime.After(cert.NotAfter) {
		return fmt.Errorf("token time %s outside the TSA certificate's validity", genTime.Format(time.RFC3339))
	}
	return nil
}

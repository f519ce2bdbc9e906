package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// OCSPClient fetches OCSP responses and caches them, keyed by issuer and
// serial number, until their NextUpdate. The zero value is ready to use.
type OCSPClient struct {
	// URL, when set, overrides the certificate's AIA OCSP URL.
	URL string
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
	// Timeout bounds one request; 10 s when zero.
	Timeout time.Duration
	// MaxResponseSize defaults to 1 MiB.
	MaxResponseSize int64
	// MaxCacheEntries defaults to 1024.
	MaxCacheEntries int
	// Hash is used for the request's CertID; SHA-1 when zero, because
	// RFC 5019 responders are only required to understand SHA-1.
	Hash crypto.Hash

	// now is replaced in tests.
	now func() time.Time

	once  sync.Once
	cache *ttlCache
}

// OCSP returns the DER OCSP response for cert after checking that it is
// well formed, answers for cert and is signed by issuer or a responder
// that issuer authorised.
func (c *OCSPClient) OCSP(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, error) {
	if cert == nil || issuer == nil {
		return nil, errors.New("pki: ocsp: certificate and issuer are required")
	}
	c.once.Do(func() { c.cache = newTTLCache(c.MaxCacheEntries) })
	now := c.clock()
	key := ocspCacheKey(cert, issuer)
	if der, ok := c.cache.get(key, now); ok {
		return der, nil
	}
	der, resp, err := c.fetch(ctx, cert, issuer)
	if err != nil {
		return nil, err
	}
	// A response without NextUpdate means "newer information is always
	// available" (RFC 6960 §4.2.2.1), so it is never cached.
	if !resp.NextUpdate.IsZero() {
		c.cache.put(key, der, resp.NextUpdate, now)
	}
	return der, nil
}

func (c *OCSPClient) fetch(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, *ocsp.Response, error) {
	url, err := c.responderURL(cert)
	if err != nil {
		return nil, nil, err
	}
	hash := c.Hash
	if hash == 0 {
		hash = crypto.SHA1
	}
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: hash})
	if err != nil {
		return nil, nil, fmt.Errorf("pki: ocsp: build request for serial %x: %w", cert.SerialNumber, err)
	}
	f := newFetcher(c.HTTPClient, c.Timeout, c.MaxResponseSize, defaultMaxResponse)
	der, err := f.do(ctx, url, "application/ocsp-request", req)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: ocsp: %w", err)
	}
	resp, err := parseOCSP(der, cert, issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: ocsp: response from %s: %w", redact(url), err)
	}
	if now := c.clock(); !resp.NextUpdate.IsZero() && now.After(resp.NextUpdate) {
		return nil, nil, fmt.Errorf("pki: ocsp: response from %s expired at %s: %w", redact(url), resp.NextUpdate.Format(time.RFC3339), ErrStale)
	}
	return der, resp, nil
}

func (c *OCSPClient) responderURL(cert *x509.Certificate) (string, error) {
	if c.URL != "" {
		return c.URL, nil
	}
	for _, u := range cert.OCSPServer {
		if httpURL(u) {
			return u, nil
		}
	}
	return "", fmt.Errorf("pki: ocsp: certificate %x names no http OCSP responder: %w", cert.SerialNumber, ErrNoURL)
}

func (c *OCSPClient) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// ocspCacheKey identifies a certificate by its issuer's key and its serial
// number, which is what an OCSP CertID names.
func ocspCacheKey(cert, issuer *x509.Certificate) string {
	h := sha256.Sum256(issuer.RawSubjectPublicKeyInfo)
	return fmt.Sprintf("%x/%x", h, cert.SerialNumber)
}

// CheckOCSP verifies a DER OCSP response for cert and tells its status at
// the moment at. The response must be signed by issuer or by a delegated
// responder certificate that issuer signed with id-kp-OCSPSigning.
func CheckOCSP(resp []byte, cert, issuer *x509.Certificate, at time.Time) (Status, error) {
	if cert == nil || issuer == nil {
		return Status{}, errors.New("pki: ocsp: certificate and issuer are required")
	}
	r, err := parseOCSP(resp, cert, issuer)
	if err != nil {
		return Status{}, fmt.Errorf("pki: ocsp: %w", err)
	}
	if !r.NextUpdate.IsZero() && at.After(r.NextUpdate) {
		return Status{}, fmt.Errorf("pki: ocsp: response for serial %x ends %s, before %s: %w",
			cert.SerialNumber, r.NextUpdate.Format(time.RFC3339), at.Format(time.RFC3339), ErrStale)
	}
	st := Status{ThisUpdate: r.ThisUpdate, NextUpdate: r.NextUpdate}
	switch r.Status {
	case ocsp.Good:
		st.State = Good
	case ocsp.Revoked:
		st.RevokedAt, st.Reason = r.RevokedAt, Reason(r.RevocationReason)
		st.State = Revoked
		if at.Before(r.RevokedAt) {
			st.State = Good
		}
	default:
		st.State = Unknown
	}
	return st, nil
}

// parseOCSP parses and verifies resp; errors wrap ErrInvalidResponse,
// ErrTryLater or ErrUnauthorized so callers can tell them apart.
func parseOCSP(der []byte, cert, issuer *x509.Certificate) (*ocsp.Response, error) {
	r, err := ocsp.ParseResponseForCert(der, cert, issuer)
	if err != nil {
		var re ocsp.ResponseError
		if errors.As(err, &re) {
			return nil, responderStatusErr(re.Status)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	if r.SerialNumber == nil || r.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return nil, fmt.Errorf("%w: answers for another serial number", ErrInvalidResponse)
	}
	if err := checkResponder(r, issuer); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	return r, nil
}

func responderStatusErr(s ocsp.ResponseStatus) error {
	switch s {
	case ocsp.TryLater:
		return fmt.Errorf("responder status %q: %w", s, ErrTryLater)
	case ocsp.Unauthorized:
		return fmt.Errorf("responder status %q: %w", s, ErrUnauthorized)
	}
	return fmt.Errorf("responder status %q: %w", s, ErrRejected)
}

// checkResponder enforces RFC 6960 §4.2.2.2: ocsp.ParseResponse already
// checked that an embedded responder certificate was signed by issuer, but
// not that issuer delegated OCSP signing to it.
func checkResponder(r *ocsp.Response, issuer *x509.Certificate) error {
	rc := r.Certificate
	if rc == nil || bytes.Equal(rc.Raw, issuer.Raw) {
		return nil
	}
	if !bytes.Equal(rc.RawIssuer, issuer.RawSubject) {
		return errors.New("responder certificate is not issued by the certificate's issuer")
	}
	delegated := false
	for _, eku := range rc.ExtKeyUsage {
		delegated = delegated || eku == x509.ExtKeyUsageOCSPSigning
	}
	if !delegated {
		return errors.New("responder certificate lacks id-kp-OCSPSigning")
	}
	if r.ProducedAt.Before(rc.NotBefore) || r.ProducedAt.After(rc.NotAfter) {
		return errors.New("response produced outside the responder certificate's validity")
	}
	return nil
}

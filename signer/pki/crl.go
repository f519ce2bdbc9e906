package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// CRLClient downloads CRLs from a certificate's CRL distribution points
// and caches them, keyed by URL, until their NextUpdate. Only http(s)
// distribution points are followed. The zero value is ready to use once
// Issuers holds the CA certificates whose CRLs may be fetched.
type CRLClient struct {
	// Issuers is the pool searched for the issuer of a certificate, whose
	// key must have signed its CRL.
	Issuers []*x509.Certificate
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
	// Timeout bounds one download; 10 s when zero.
	Timeout time.Duration
	// MaxSize bounds one CRL; 16 MiB when zero.
	MaxSize int64
	// MaxCacheEntries defaults to 1024.
	MaxCacheEntries int

	now func() time.Time

	once  sync.Once
	cache *ttlCache
}

// CRL returns the DER CRL that covers cert, after checking its signature
// against cert's issuer from Issuers. Distribution points are tried in
// order; the error of the last one is returned when none works.
func (c *CRLClient) CRL(ctx context.Context, cert *x509.Certificate) ([]byte, error) {
	if cert == nil {
		return nil, errors.New("pki: crl: certificate is required")
	}
	c.once.Do(func() { c.cache = newTTLCache(c.MaxCacheEntries) })
	issuer, err := findIssuer(cert, c.Issuers)
	if err != nil {
		return nil, fmt.Errorf("pki: crl: %w", err)
	}
	lastErr := fmt.Errorf("pki: crl: certificate %x names no http CRL distribution point: %w", cert.SerialNumber, ErrNoURL)
	for _, u := range cert.CRLDistributionPoints {
		if !httpURL(u) {
			continue
		}
		der, err := c.fromURL(ctx, u, issuer)
		if err == nil {
			return der, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func (c *CRLClient) fromURL(ctx context.Context, u string, issuer *x509.Certificate) ([]byte, error) {
	now := c.clock()
	if der, ok := c.cache.get(u, now); ok {
		return der, nil
	}
	f := newFetcher(c.HTTPClient, c.Timeout, c.MaxSize, defaultMaxCRL)
	der, err := f.do(ctx, u, "", nil)
	if err != nil {
		return nil, fmt.Errorf("pki: crl: %w", err)
	}
	rl, err := parseCRL(der, issuer)
	if err != nil {
		return nil, fmt.Errorf("pki: crl: from %s: %w", redact(u), err)
	}
	if !rl.NextUpdate.IsZero() && now.After(rl.NextUpdate) {
		return nil, fmt.Errorf("pki: crl: from %s expired at %s: %w", redact(u), rl.NextUpdate.Format(time.RFC3339), ErrStale)
	}
	if !rl.NextUpdate.IsZero() {
		c.cache.put(u, der, rl.NextUpdate, now)
	}
	return der, nil
}

func (c *CRLClient) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// findIssuer picks from pool the certificate whose subject and key match
// cert's issuer name and signature.
func findIssuer(cert *x509.Certificate, pool []*x509.Certificate) (*x509.Certificate, error) {
	for _, cand := range pool {
		if cand != nil && bytes.Equal(cand.RawSubject, cert.RawIssuer) && cert.CheckSignatureFrom(cand) == nil {
			return cand, nil
		}
	}
	return nil, fmt.Errorf("no issuer for %q in the pool: %w", cert.Issuer.String(), ErrNoIssuer)
}

// CheckCRL verifies a DER CRL against issuer and tells cert's status at
// the moment at. A CRL whose NextUpdate lies before at cannot speak for
// that moment and yields ErrStale.
func CheckCRL(der []byte, cert, issuer *x509.Certificate, at time.Time) (Status, error) {
	if cert == nil || issuer == nil {
		return Status{}, errors.New("pki: crl: certificate and issuer are required")
	}
	if !bytes.Equal(cert.RawIssuer, issuer.RawSubject) {
		return Status{}, fmt.Errorf("pki: crl: %q did not issue certificate %x: %w", issuer.Subject.String(), cert.SerialNumber, ErrNoIssuer)
	}
	rl, err := parseCRL(der, issuer)
	if err != nil {
		return Status{}, fmt.Errorf("pki: crl: %w", err)
	}
	if !rl.NextUpdate.IsZero() && at.After(rl.NextUpdate) {
		return Status{}, fmt.Errorf("pki: crl: list ends %s, before %s: %w",
			rl.NextUpdate.Format(time.RFC3339), at.Format(time.RFC3339), ErrStale)
	}
	st := Status{State: Good, ThisUpdate: rl.ThisUpdate, NextUpdate: rl.NextUpdate}
	for _, e := range rl.RevokedCertificateEntries {
		if e.SerialNumber == nil || e.SerialNumber.Cmp(cert.SerialNumber) != 0 {
			continue
		}
		st.RevokedAt, st.Reason = e.RevocationTime, Reason(e.ReasonCode)
		if !at.Before(e.RevocationTime) {
			st.State = Revoked
		}
		break
	}
	return st, nil
}

// Extensions a CRL may mark critical that change what it covers: delta
// CRLs and partitioned or indirect CRLs are not supported, so a CRL that
// uses them critically is refused rather than misread as complete.
var (
	oidCRLNumber = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidAKI       = asn1.ObjectIdentifier{2, 5, 29, 35}
)

// parseCRL parses der and checks it was signed by issuer.
func parseCRL(der []byte, issuer *x509.Certificate) (*x509.RevocationList, error) {
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	if !bytes.Equal(rl.RawIssuer, issuer.RawSubject) {
		return nil, fmt.Errorf("%w: list issued by %q, not %q", ErrInvalidResponse, rl.Issuer.String(), issuer.Subject.String())
	}
	if issuer.KeyUsage != 0 && issuer.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return nil, fmt.Errorf("%w: issuer key may not sign CRLs", ErrInvalidResponse)
	}
	if err := rl.CheckSignatureFrom(issuer); err != nil {
		return nil, fmt.Errorf("%w: bad signature: %w", ErrInvalidResponse, err)
	}
	for _, ext := range rl.Extensions {
		if ext.Critical && !ext.Id.Equal(oidCRLNumber) && !ext.Id.Equal(oidAKI) {
			return nil, fmt.Errorf("%w: unsupported critical extension %s", ErrInvalidResponse, ext.Id)
		}
	}
	return rl, nil
}

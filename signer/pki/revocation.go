package pki

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Revocation fetches revocation data for the signer: OCSP first-hand from
// OCSP, CRLs from CRL. It satisfies the interface the PAdES signer asks for:
//
//	OCSP(ctx, cert, issuer) ([]byte, error)
//	CRL(ctx, cert) ([]byte, error)
type Revocation struct {
	OCSPClient *OCSPClient
	CRLClient  *CRLClient
}

// NewRevocation returns clients sharing httpClient (nil means
// http.DefaultClient); issuers is the pool used to verify CRLs.
func NewRevocation(httpClient *http.Client, issuers []*x509.Certificate) *Revocation {
	return &Revocation{
		OCSPClient: &OCSPClient{HTTPClient: httpClient},
		CRLClient:  &CRLClient{HTTPClient: httpClient, Issuers: issuers},
	}
}

// OCSP returns a verified DER OCSP response for cert.
func (r *Revocation) OCSP(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, error) {
	if r.OCSPClient == nil {
		return nil, errors.New("pki: revocation: no OCSP client configured")
	}
	return r.OCSPClient.OCSP(ctx, cert, issuer)
}

// CRL returns a verified DER CRL covering cert.
func (r *Revocation) CRL(ctx context.Context, cert *x509.Certificate) ([]byte, error) {
	if r.CRLClient == nil {
		return nil, errors.New("pki: revocation: no CRL client configured")
	}
	return r.CRLClient.CRL(ctx, cert)
}

// Check tells cert's status at the moment at, asking OCSP first and
// falling back to the CRL when OCSP fails or says Unknown; the errors of
// both are returned when neither gives an answer.
func (r *Revocation) Check(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (Status, error) {
	var ocspErr error
	if der, err := r.OCSP(ctx, cert, issuer); err == nil {
		st, err := CheckOCSP(der, cert, issuer, at)
		if err == nil && st.State != Unknown {
			return st, nil
		}
		ocspErr = err
		if err == nil {
			ocspErr = errors.New("pki: ocsp: responder says unknown")
		}
	} else {
		ocspErr = err
	}
	der, err := r.CRL(ctx, cert)
	if err != nil {
		return Status{}, fmt.Errorf("pki: no revocation answer for %x: %w", cert.SerialNumber, errors.Join(ocspErr, err))
	}
	st, err := CheckCRL(der, cert, issuer, at)
	if err != nil {
		return Status{}, fmt.Errorf("pki: no revocation answer for %x: %w", cert.SerialNumber, errors.Join(ocspErr, err))
	}
	return st, nil
}

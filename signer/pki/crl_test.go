package pki_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pki"
)

func TestCRLClientAgainstDemoHandler(t *testing.T) {
	t.Parallel()
	b := newDemo(t)
	good, err := b.ca.IssuePerson("Hoàng Minh Đức", "duc@example.gov.vn")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}
	bad, err := b.ca.IssuePerson("Vũ Thị Hạnh", "")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}
	revokedAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	if err := b.ca.Revoke(bad.Certificate.SerialNumber, pki.ReasonKeyCompromise, revokedAt); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	rev := pki.NewRevocation(nil, b.ca.Issuers())
	issuer := b.ca.Issuing()
	ctx := context.Background()

	t.Run("SaysAnIssuedCertificateIsGood", func(t *testing.T) {
		t.Parallel()
		der, err := rev.CRL(ctx, good.Certificate)
		if err != nil {
			t.Fatalf("CRL: %v", err)
		}
		st, err := pki.CheckCRL(der, good.Certificate, issuer, time.Now())
		if err != nil || st.State != pki.Good || !st.RevokedAt.IsZero() {
			t.Fatalf("CheckCRL = %+v, %v; want good", st, err)
		}
	})

	t.Run("SaysARevokedCertificateIsRevokedWithTimeAndReason", func(t *testing.T) {
		t.Parallel()
		der, err := rev.CRL(ctx, bad.Certificate)
		if err != nil {
			t.Fatalf("CRL: %v", err)
		}
		st, err := pki.CheckCRL(der, bad.Certificate, issuer, time.Now())
		if err != nil {
			t.Fatalf("CheckCRL: %v", err)
		}
		if st.State != pki.Revoked || !st.RevokedAt.Equal(revokedAt) || st.Reason != pki.ReasonKeyCompromise {
			t.Fatalf("status = %v at %v for %v; want revoked at %v for keyCompromise", st.State, st.RevokedAt, st.Reason, revokedAt)
		}
		before, err := pki.CheckCRL(der, bad.Certificate, issuer, revokedAt.Add(-time.Second))
		if err != nil || before.State != pki.Good || !before.RevokedAt.Equal(revokedAt) {
			t.Fatalf("status a second before revocation = %+v, %v; want good with the later revocation noted", before, err)
		}
	})

	t.Run("ServesTheRootCRLForTheIssuingCA", func(t *testing.T) {
		t.Parallel()
		der, err := rev.CRL(ctx, issuer)
		if err != nil {
			t.Fatalf("CRL: %v", err)
		}
		if st, err := pki.CheckCRL(der, issuer, b.ca.Root(), time.Now()); err != nil || st.State != pki.Good {
			t.Fatalf("CheckCRL = %+v, %v; want good", st, err)
		}
	})

	t.Run("RejectsACRLCheckedAgainstAnotherKey", func(t *testing.T) {
		t.Parallel()
		der, err := rev.CRL(ctx, good.Certificate)
		if err != nil {
			t.Fatalf("CRL: %v", err)
		}
		impostor := *issuer
		impostor.PublicKey = newECKey(t).Public()
		if _, err := pki.CheckCRL(der, good.Certificate, &impostor, time.Now()); !errors.Is(err, pki.ErrInvalidResponse) {
			t.Fatalf("CheckCRL: %v, want pki.ErrInvalidResponse", err)
		}
	})

	t.Run("CallsACRLStaleAfterItsNextUpdate", func(t *testing.T) {
		t.Parallel()
		der, err := rev.CRL(ctx, good.Certificate)
		if err != nil {
			t.Fatalf("CRL: %v", err)
		}
		if _, err := pki.CheckCRL(der, good.Certificate, issuer, time.Now().Add(2*time.Hour)); !errors.Is(err, pki.ErrStale) {
			t.Fatalf("CheckCRL two hours on: %v, want pki.ErrStale", err)
		}
	})

	t.Run("NeedsTheIssuerInItsPool", func(t *testing.T) {
		t.Parallel()
		c := &pki.CRLClient{Issuers: []*x509.Certificate{b.ca.Root()}}
		if _, err := c.CRL(ctx, good.Certificate); !errors.Is(err, pki.ErrNoIssuer) {
			t.Fatalf("CRL: %v, want pki.ErrNoIssuer", err)
		}
	})
}

func TestCRLClientCachesAndLimits(t *testing.T) {
	t.Parallel()
	ca := newMiniCA(t, "CRL CA")
	now := time.Now().UTC().Truncate(time.Second)
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour),
	}, ca.cert, ca.key)
	if err != nil {
		t.Fatalf("create CRL: %v", err)
	}
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write(crl)
	}))
	t.Cleanup(srv.Close)
	cert, _ := ca.issue(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "x"},
		CRLDistributionPoints: []string{"ldap://ldap.invalid/cn=CRL", srv.URL + "/ca.crl"},
	})

	t.Run("SkipsLDAPAndCachesUntilNextUpdate", func(t *testing.T) {
		c := &pki.CRLClient{Issuers: []*x509.Certificate{ca.cert}}
		for range 3 {
			if _, err := c.CRL(context.Background(), cert); err != nil {
				t.Fatalf("CRL: %v", err)
			}
		}
		if n := hits.Load(); n != 1 {
			t.Fatalf("three fetches made %d requests, want 1", n)
		}
	})

	t.Run("RefusesACRLOverTheSizeLimit", func(t *testing.T) {
		c := &pki.CRLClient{Issuers: []*x509.Certificate{ca.cert}, MaxSize: int64(len(crl) - 1)}
		if _, err := c.CRL(context.Background(), cert); !errors.Is(err, pki.ErrTooLarge) {
			t.Fatalf("CRL: %v, want pki.ErrTooLarge", err)
		}
	})
}

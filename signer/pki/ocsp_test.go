package pki_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
)

func TestOCSPClientAgainstDemoResponder(t *testing.T) {
	t.Parallel()
	b := newDemo(t)
	good, err := b.ca.IssuePerson("Lê Văn Cường", "cuong@example.gov.vn")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}
	bad, err := b.ca.IssueAgency("Ủy ban nhân dân tỉnh Nghệ An", "H41")
	if err != nil {
		t.Fatalf("IssueAgency: %v", err)
	}
	revokedAt := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	if err := b.ca.Revoke(bad.Certificate.SerialNumber, pki.ReasonAffiliationChanged, revokedAt); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	issuer := b.ca.Issuing()
	rev := pki.NewRevocation(nil, b.ca.Issuers())
	ctx := context.Background()

	t.Run("SaysAnIssuedCertificateIsGood", func(t *testing.T) {
		t.Parallel()
		der, err := rev.OCSP(ctx, good.Certificate, issuer)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		st, err := pki.CheckOCSP(der, good.Certificate, issuer, time.Now())
		if err != nil || st.State != pki.Good {
			t.Fatalf("CheckOCSP = %+v, %v; want good", st, err)
		}
	})

	t.Run("SaysARevokedCertificateIsRevoked", func(t *testing.T) {
		t.Parallel()
		st, err := rev.Check(ctx, bad.Certificate, issuer, time.Now())
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		if st.State != pki.Revoked || !st.RevokedAt.Equal(revokedAt) || st.Reason != pki.ReasonAffiliationChanged {
			t.Fatalf("status = %v at %v for %v; want revoked at %v for affiliationChanged", st.State, st.RevokedAt, st.Reason, revokedAt)
		}
	})

	t.Run("AnswersForTheTSACertificateWhichTheRootDidNotIssue", func(t *testing.T) {
		t.Parallel()
		der, err := rev.OCSP(ctx, b.ca.TSACertificate(), issuer)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		if st, err := pki.CheckOCSP(der, b.ca.TSACertificate(), issuer, time.Now()); err != nil || st.State != pki.Good {
			t.Fatalf("CheckOCSP = %+v, %v; want good", st, err)
		}
	})

	t.Run("RejectsAResponseCheckedAgainstTheWrongIssuer", func(t *testing.T) {
		t.Parallel()
		der, err := rev.OCSP(ctx, good.Certificate, issuer)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		if _, err := pki.CheckOCSP(der, good.Certificate, b.ca.Root(), time.Now()); !errors.Is(err, pki.ErrInvalidResponse) {
			t.Fatalf("CheckOCSP against the root: %v, want pki.ErrInvalidResponse", err)
		}
	})

	t.Run("CallsAResponseStaleAfterItsNextUpdate", func(t *testing.T) {
		t.Parallel()
		der, err := rev.OCSP(ctx, good.Certificate, issuer)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		if _, err := pki.CheckOCSP(der, good.Certificate, issuer, time.Now().Add(2*time.Hour)); !errors.Is(err, pki.ErrStale) {
			t.Fatalf("CheckOCSP two hours on: %v, want pki.ErrStale", err)
		}
	})

	t.Run("SaysUnauthorizedForAnotherCAsCertificate", func(t *testing.T) {
		t.Parallel()
		other := newMiniCA(t, "Other CA")
		foreign, _ := other.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "x"}})
		c := &pki.OCSPClient{URL: b.srv.URL + "/ocsp"}
		if _, err := c.OCSP(ctx, foreign, other.cert); !errors.Is(err, pki.ErrUnauthorized) {
			t.Fatalf("OCSP: %v, want pki.ErrUnauthorized", err)
		}
	})
}

func TestOCSPClientCachesUntilNextUpdate(t *testing.T) {
	t.Parallel()
	// The responder and the client share one clock that the test moves.
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	b := newDemo(t, pkidemo.WithClock(now))
	p, err := b.ca.IssuePerson("Phạm Thị Dung", "")
	if err != nil {
		t.Fatalf("IssuePerson: %v", err)
	}
	c := pki.NewOCSPClientWithClock(now)
	ask := func() {
		t.Helper()
		if _, err := c.OCSP(context.Background(), p.Certificate, b.ca.Issuing()); err != nil {
			t.Fatalf("OCSP: %v", err)
		}
	}
	ask()
	clock.Add(int64(pkidemo.OCSPValidity - time.Minute))
	ask()
	if got := b.hits.Load(); got != 1 {
		t.Fatalf("two questions within NextUpdate made %d requests, want 1", got)
	}
	clock.Add(int64(2 * time.Minute))
	ask()
	if got := b.hits.Load(); got != 2 {
		t.Fatalf("a question after NextUpdate made %d requests in all, want 2", got)
	}
}

func TestOCSPClientReportsResponderFailures(t *testing.T) {
	t.Parallel()
	ca := newMiniCA(t, "CA")
	cert, _ := ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "x"}})
	ctx := context.Background()

	t.Run("ReportsTryLater", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(ocsp.TryLaterErrorResponse)
		}))
		t.Cleanup(srv.Close)
		if _, err := (&pki.OCSPClient{URL: srv.URL}).OCSP(ctx, cert, ca.cert); !errors.Is(err, pki.ErrTryLater) {
			t.Fatalf("OCSP: %v, want pki.ErrTryLater", err)
		}
	})

	t.Run("ReportsAHangingResponderAsTimedOut", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		t.Cleanup(func() { _ = l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { _ = c.Close() }) // accept, never answer
			}
		}()
		c := &pki.OCSPClient{URL: "http://" + l.Addr().String(), Timeout: 200 * time.Millisecond}
		start := time.Now()
		_, err = c.OCSP(ctx, cert, ca.cert)
		if !errors.Is(err, pki.ErrTimeout) {
			t.Fatalf("OCSP: %v, want pki.ErrTimeout", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("gave up after %v, want about the 200ms timeout", d)
		}
	})

	t.Run("RejectsADelegatedResponderWithoutOCSPSigning", func(t *testing.T) {
		t.Parallel()
		rc, rkey := ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "not a responder"}})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			now := time.Now().UTC().Truncate(time.Second)
			resp, err := ocsp.CreateResponse(ca.cert, rc, ocsp.Response{
				Status: ocsp.Good, SerialNumber: cert.SerialNumber, ThisUpdate: now, NextUpdate: now.Add(time.Hour), Certificate: rc,
			}, rkey)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			_, _ = w.Write(resp)
		}))
		t.Cleanup(srv.Close)
		if _, err := (&pki.OCSPClient{URL: srv.URL}).OCSP(ctx, cert, ca.cert); !errors.Is(err, pki.ErrInvalidResponse) {
			t.Fatalf("OCSP: %v, want pki.ErrInvalidResponse", err)
		}
	})

	t.Run("RefusesACertificateWithoutResponderURL", func(t *testing.T) {
		t.Parallel()
		if _, err := (&pki.OCSPClient{}).OCSP(ctx, cert, ca.cert); !errors.Is(err, pki.ErrNoURL) {
			t.Fatalf("OCSP: %v, want pki.ErrNoURL", err)
		}
	})
}

package pki

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

func TestTSAClientAgainstDemoTSA(t *testing.T) {
	t.Parallel()
	b := newDemo(t)
	digest := sha256.Sum256([]byte("Quyết định số 12/QĐ-UBND"))

	t.Run("ReturnsATokenForTheDigestSignedByTheDemoTSA", func(t *testing.T) {
		t.Parallel()
		roots := x509.NewCertPool()
		roots.AddCert(b.ca.Root())
		c := &TSAClient{URL: b.srv.URL + "/tsa", Policy: DemoTSAPolicy, Roots: roots}
		token, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
		if err != nil {
			t.Fatalf("Timestamp: %v", err)
		}
		ts, err := timestamp.Parse(token)
		if err != nil {
			t.Fatalf("the returned token does not parse: %v", err)
		}
		if string(ts.HashedMessage) != string(digest[:]) || ts.HashAlgorithm != crypto.SHA256 {
			t.Errorf("token imprint = %v %x, want SHA-256 %x", ts.HashAlgorithm, ts.HashedMessage, digest)
		}
		if ts.Nonce == nil || ts.Nonce.BitLen() != 64 {
			t.Errorf("token nonce = %v, want a 64-bit nonce", ts.Nonce)
		}
		if !ts.Policy.Equal(DemoTSAPolicy) {
			t.Errorf("token policy = %v, want %v", ts.Policy, DemoTSAPolicy)
		}
		if time.Since(ts.Time) > time.Minute || time.Until(ts.Time) > time.Minute {
			t.Errorf("token time %v is not now", ts.Time)
		}
	})

	t.Run("RejectsATSAOutsideTheTrustedRoots", func(t *testing.T) {
		t.Parallel()
		other := x509.NewCertPool()
		other.AddCert(newMiniCA(t, "Other root").cert)
		c := &TSAClient{URL: b.srv.URL + "/tsa", Roots: other}
		_, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
		if !errors.Is(err, ErrInvalidResponse) {
			t.Fatalf("Timestamp error = %v, want ErrInvalidResponse", err)
		}
	})

	t.Run("ReportsARefusedPolicyAsRejected", func(t *testing.T) {
		t.Parallel()
		c := &TSAClient{URL: b.srv.URL + "/tsa", Policy: asn1.ObjectIdentifier{1, 2, 3, 4}}
		_, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
		if !errors.Is(err, ErrRejected) {
			t.Fatalf("Timestamp error = %v, want ErrRejected", err)
		}
	})

	t.Run("RefusesADigestOfTheWrongLength", func(t *testing.T) {
		t.Parallel()
		c := &TSAClient{URL: b.srv.URL + "/tsa"}
		if _, err := c.Timestamp(context.Background(), digest[:20], crypto.SHA256); err == nil {
			t.Fatal("Timestamp accepted a 20-byte SHA-256 digest")
		}
	})
}

// brokenTSA answers every request with a token from the demo TSA key
// after tamper has changed what the token says.
func brokenTSA(t *testing.T, b *demoBundle, cert *x509.Certificate, tamper func(*timestamp.Timestamp)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{
			HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage, Time: time.Now().UTC().Truncate(time.Second),
			Nonce: req.Nonce, Policy: DemoTSAPolicy, AddTSACertificate: true,
		}
		tamper(&ts)
		resp, err := ts.CreateResponseWithOpts(cert, b.ca.tsa.key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTSAClientRejectsBrokenResponses(t *testing.T) {
	t.Parallel()
	b := newDemo(t)
	digest := sha256.Sum256([]byte("văn bản"))
	// A TSA certificate for the same key whose key usage is not critical.
	laxTmpl := &x509.Certificate{
		Subject:     b.ca.tsa.cert.Subject,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	b.ca.mu.Lock()
	laxCert, err := b.ca.sign(laxTmpl, b.ca.tsa.key.Public(), b.ca.issuing)
	b.ca.mu.Unlock()
	cases := []struct {
		name   string
		cert   *x509.Certificate
		tamper func(*timestamp.Timestamp)
		want   string // part of the error message
	}{
		{"RejectsAWrongImprint", b.ca.tsa.cert, func(ts *timestamp.Timestamp) { ts.HashedMessage = make([]byte, 32) }, "imprint"},
		{"RejectsAWrongHashAlgorithm", b.ca.tsa.cert, func(ts *timestamp.Timestamp) {
			ts.HashAlgorithm, ts.HashedMessage = crypto.SHA512, make([]byte, 64)
		}, "imprint"},
		{"RejectsAWrongNonce", b.ca.tsa.cert, func(ts *timestamp.Timestamp) { ts.Nonce = new(big.Int).Add(ts.Nonce, big.NewInt(1)) }, "nonce"},
		{"RejectsAMissingNonce", b.ca.tsa.cert, func(ts *timestamp.Timestamp) { ts.Nonce = nil }, "nonce"},
		{"RejectsAnotherPolicy", b.ca.tsa.cert, func(ts *timestamp.Timestamp) { ts.Policy = asn1.ObjectIdentifier{1, 2, 3} }, "policy"},
		{"RejectsATokenWithoutTheTSACertificate", b.ca.tsa.cert, func(ts *timestamp.Timestamp) { ts.AddTSACertificate = false }, "certificate"},
		{"RejectsATSACertificateWhoseKeyUsageIsNotCritical", laxCert, func(*timestamp.Timestamp) {}, "not critical"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err != nil {
				t.Fatalf("issue lax TSA certificate: %v", err)
			}
			srv := brokenTSA(t, b, tc.cert, tc.tamper)
			c := &TSAClient{URL: srv.URL, Policy: DemoTSAPolicy}
			token, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
			if !errors.Is(err, ErrInvalidResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Timestamp = %d bytes, error %v; want ErrInvalidResponse about %q", len(token), err, tc.want)
			}
		})
	}

	t.Run("AcceptsTheSameServerUntampered", func(t *testing.T) {
		t.Parallel()
		srv := brokenTSA(t, b, b.ca.tsa.cert, func(*timestamp.Timestamp) {})
		c := &TSAClient{URL: srv.URL, Policy: DemoTSAPolicy}
		if _, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256); err != nil {
			t.Fatalf("Timestamp: %v", err)
		}
	})
}

func TestTSAClientReportsTransportFailures(t *testing.T) {
	t.Parallel()
	digest := sha256.Sum256([]byte("x"))

	t.Run("ReportsAnHTTPErrorStatus", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}))
		t.Cleanup(srv.Close)
		_, err := (&TSAClient{URL: srv.URL}).Timestamp(context.Background(), digest[:], 0)
		if !errors.Is(err, ErrHTTPStatus) {
			t.Fatalf("error = %v, want ErrHTTPStatus", err)
		}
	})

	t.Run("ReportsAnOversizedAnswer", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(make([]byte, 4096))
		}))
		t.Cleanup(srv.Close)
		_, err := (&TSAClient{URL: srv.URL, MaxResponseSize: 1024}).Timestamp(context.Background(), digest[:], 0)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("error = %v, want ErrTooLarge", err)
		}
	})
}

func TestTSAClientSendsCredentialsButNeverShowsThem(t *testing.T) {
	t.Parallel()
	b := newDemo(t)
	creds := make(chan [2]string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		creds <- [2]string{user, pass}
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	digest := sha256.Sum256([]byte("x"))
	c := &TSAClient{URL: srv.URL, Username: "vanthu", Password: "s3cret-pin"}
	_, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
	if !errors.Is(err, ErrHTTPStatus) {
		t.Fatalf("error = %v, want ErrHTTPStatus", err)
	}
	if got := <-creds; got != [2]string{"vanthu", "s3cret-pin"} {
		t.Errorf("server saw credentials %q", got)
	}
	withPass := &TSAClient{URL: strings.Replace(b.srv.URL, "http://", "http://u:s3cret-pin@", 1) + "/nowhere"}
	_, err = withPass.Timestamp(context.Background(), digest[:], crypto.SHA256)
	if err == nil || strings.Contains(err.Error(), "s3cret-pin") {
		t.Errorf("error %v shows the password from the URL", err)
	}
}

package pki_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
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

	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
)

func TestTSAClientAgainstDemoTSA(t *testing.T) {
	t.Parallel()
	b := newDemo(t)
	digest := sha256.Sum256([]byte("Quyết định số 12/QĐ-UBND"))

	t.Run("ReturnsATokenForTheDigestSignedByTheDemoTSA", func(t *testing.T) {
		t.Parallel()
		roots := x509.NewCertPool()
		roots.AddCert(b.ca.Root())
		c := &pki.TSAClient{URL: b.srv.URL + "/tsa", Policy: pkidemo.TSAPolicy, Roots: roots}
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
		if !ts.Policy.Equal(pkidemo.TSAPolicy) {
			t.Errorf("token policy = %v, want %v", ts.Policy, pkidemo.TSAPolicy)
		}
		if time.Since(ts.Time) > time.Minute || time.Until(ts.Time) > time.Minute {
			t.Errorf("token time %v is not now", ts.Time)
		}
	})

	t.Run("RejectsATSAOutsideTheTrustedRoots", func(t *testing.T) {
		t.Parallel()
		other := x509.NewCertPool()
		other.AddCert(newMiniCA(t, "Other root").cert)
		c := &pki.TSAClient{URL: b.srv.URL + "/tsa", Roots: other}
		_, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
		if !errors.Is(err, pki.ErrInvalidResponse) {
			t.Fatalf("Timestamp error = %v, want pki.ErrInvalidResponse", err)
		}
	})

	t.Run("ReportsARefusedPolicyAsRejected", func(t *testing.T) {
		t.Parallel()
		c := &pki.TSAClient{URL: b.srv.URL + "/tsa", Policy: asn1.ObjectIdentifier{1, 2, 3, 4}}
		_, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
		if !errors.Is(err, pki.ErrRejected) {
			t.Fatalf("Timestamp error = %v, want pki.ErrRejected", err)
		}
	})

	t.Run("RefusesADigestOfTheWrongLength", func(t *testing.T) {
		t.Parallel()
		c := &pki.TSAClient{URL: b.srv.URL + "/tsa"}
		if _, err := c.Timestamp(context.Background(), digest[:20], crypto.SHA256); err == nil {
			t.Fatal("Timestamp accepted a 20-byte SHA-256 digest")
		}
	})
}

// brokenTSA answers every request with a token signed by key after tamper has changed
// what the token says.
func brokenTSA(t *testing.T, cert *x509.Certificate, key crypto.Signer, tamper func(*timestamp.Timestamp)) *httptest.Server {
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
			Nonce: req.Nonce, Policy: pkidemo.TSAPolicy, AddTSACertificate: true,
		}
		tamper(&ts)
		resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
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
	digest := sha256.Sum256([]byte("văn bản"))
	ca := newMiniCA(t, "TSA test CA")
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	if err != nil {
		t.Fatal(err)
	}
	tsaCert, tsaKey := ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "test TSA"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}})
	// crypto/x509 writes the extended key usage non-critical, as RFC 3161 forbids.
	laxCert, laxKey := ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "lax TSA"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
	cases := []struct {
		name   string
		cert   *x509.Certificate
		key    crypto.Signer
		tamper func(*timestamp.Timestamp)
		want   string // part of the error message
	}{
		{"RejectsAWrongImprint", tsaCert, tsaKey, func(ts *timestamp.Timestamp) { ts.HashedMessage = make([]byte, 32) }, "imprint"},
		{"RejectsAWrongHashAlgorithm", tsaCert, tsaKey, func(ts *timestamp.Timestamp) {
			ts.HashAlgorithm, ts.HashedMessage = crypto.SHA512, make([]byte, 64)
		}, "imprint"},
		{"RejectsAWrongNonce", tsaCert, tsaKey, func(ts *timestamp.Timestamp) { ts.Nonce = new(big.Int).Add(ts.Nonce, big.NewInt(1)) }, "nonce"},
		{"RejectsAMissingNonce", tsaCert, tsaKey, func(ts *timestamp.Timestamp) { ts.Nonce = nil }, "nonce"},
		{"RejectsAnotherPolicy", tsaCert, tsaKey, func(ts *timestamp.Timestamp) { ts.Policy = asn1.ObjectIdentifier{1, 2, 3} }, "policy"},
		{"RejectsATokenWithoutTheTSACertificate", tsaCert, tsaKey, func(ts *timestamp.Timestamp) { ts.AddTSACertificate = false }, "certificate"},
		{"RejectsATSACertificateWhoseKeyUsageIsNotCritical", laxCert, laxKey, func(*timestamp.Timestamp) {}, "not critical"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := brokenTSA(t, tc.cert, tc.key, tc.tamper)
			c := &pki.TSAClient{URL: srv.URL, Policy: pkidemo.TSAPolicy}
			token, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
			if !errors.Is(err, pki.ErrInvalidResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Timestamp = %d bytes, error %v; want pki.ErrInvalidResponse about %q", len(token), err, tc.want)
			}
		})
	}

	t.Run("AcceptsTheSameServerUntampered", func(t *testing.T) {
		t.Parallel()
		srv := brokenTSA(t, tsaCert, tsaKey, func(*timestamp.Timestamp) {})
		c := &pki.TSAClient{URL: srv.URL, Policy: pkidemo.TSAPolicy}
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
		_, err := (&pki.TSAClient{URL: srv.URL}).Timestamp(context.Background(), digest[:], 0)
		if !errors.Is(err, pki.ErrHTTPStatus) {
			t.Fatalf("error = %v, want pki.ErrHTTPStatus", err)
		}
	})

	t.Run("ReportsAnOversizedAnswer", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(make([]byte, 4096))
		}))
		t.Cleanup(srv.Close)
		_, err := (&pki.TSAClient{URL: srv.URL, MaxResponseSize: 1024}).Timestamp(context.Background(), digest[:], 0)
		if !errors.Is(err, pki.ErrTooLarge) {
			t.Fatalf("error = %v, want pki.ErrTooLarge", err)
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
	c := &pki.TSAClient{URL: srv.URL, Username: "vanthu", Password: "s3cret-pin"}
	_, err := c.Timestamp(context.Background(), digest[:], crypto.SHA256)
	if !errors.Is(err, pki.ErrHTTPStatus) {
		t.Fatalf("error = %v, want pki.ErrHTTPStatus", err)
	}
	if got := <-creds; got != [2]string{"vanthu", "s3cret-pin"} {
		t.Errorf("server saw credentials %q", got)
	}
	withPass := &pki.TSAClient{URL: strings.Replace(b.srv.URL, "http://", "http://u:s3cret-pin@", 1) + "/nowhere"}
	_, err = withPass.Timestamp(context.Background(), digest[:], crypto.SHA256)
	if err == nil || strings.Contains(err.Error(), "s3cret-pin") {
		t.Errorf("error %v shows the password from the URL", err)
	}
}

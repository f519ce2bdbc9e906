package keys_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/keys/keystest"
)

const testToken = "bearer-secret-7f3a"

// remoteFixture is a signing service with its key and the client side.
type remoteFixture struct {
	server *keystest.RemoteServer
	key    *keys.RemoteKey
	cert   *x509.Certificate
}

func newRemoteFixture(t testing.TB, signer crypto.Signer, timeout time.Duration) remoteFixture {
	t.Helper()
	srv := keystest.NewRemoteServer(signer, testToken)
	t.Cleanup(srv.Close)
	client, err := keys.NewHTTPRemote(keys.HTTPRemoteConfig{URL: srv.URL + "/sign", Token: testToken, Timeout: timeout})
	if err != nil {
		t.Fatalf("NewHTTPRemote: %v", err)
	}
	cert := selfSigned(t, signer, "Nguyen Van Remote")
	return remoteFixture{server: srv, key: keys.NewRemote(client, []*x509.Certificate{cert}), cert: cert}
}

func TestRemote(t *testing.T) {
	t.Parallel()
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("round trip sends only digest and label and returns a verifying signature", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name   string
			signer crypto.Signer
			opts   crypto.SignerOpts
		}{
			{"ECDSA", ecKey, crypto.SHA256},
			{"RSA PKCS#1 v1.5", rsaKey, crypto.SHA256},
			{"RSA-PSS", rsaKey, &rsa.PSSOptions{Hash: crypto.SHA384, SaltLength: rsa.PSSSaltLengthEqualsHash}},
		} {
			f := newRemoteFixture(t, tc.signer, 5*time.Second)
			h := tc.opts.HashFunc().New()
			h.Write([]byte("Quyết định số 7"))
			digest := h.Sum(nil)
			ctx := keys.ContextWithDocumentLabel(context.Background(), "Quyết định số 7/QĐ-UBND")
			sig, err := keys.Bind(ctx, f.key).Sign(rand.Reader, digest, tc.opts)
			if err != nil {
				t.Fatalf("%s: Sign: %v", tc.name, err)
			}
			verifySig(t, f.cert, digest, sig, tc.opts)
			reqs := f.server.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%s: server got %d requests, want 1", tc.name, len(reqs))
			}
			r := reqs[0]
			_, isPSS := tc.opts.(*rsa.PSSOptions)
			if r.Digest != base64.StdEncoding.EncodeToString(digest) || r.HashAlgorithm != tc.opts.HashFunc().String() ||
				r.PSS != isPSS || r.DocumentLabel != "Quyết định số 7/QĐ-UBND" {
				t.Fatalf("%s: server got %+v", tc.name, r)
			}
		}
	})

	t.Run("a raw r||s ECDSA answer is converted to ASN.1", func(t *testing.T) {
		t.Parallel()
		srv := keystest.NewRemoteServer(rawECDSASigner{ecKey}, testToken)
		t.Cleanup(srv.Close)
		k := keys.NewRemote(mustHTTPRemote(t, srv.URL), []*x509.Certificate{selfSigned(t, ecKey, "raw")})
		digest := digestOf("x")
		sig, err := k.Sign(rand.Reader, digest, crypto.SHA256)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		if len(sig) == 64 {
			t.Fatal("signature was passed on raw")
		}
		verifySig(t, k.Certificate(), digest, sig, crypto.SHA256)
	})

	t.Run("a declined signature is ErrRemoteDeclined with the service's message", func(t *testing.T) {
		t.Parallel()
		f := newRemoteFixture(t, ecKey, 5*time.Second)
		f.server.Decline("Người ký đã từ chối")
		_, err := f.key.Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		var rerr *keys.RemoteError
		if !errors.Is(err, keys.ErrRemoteDeclined) || !errors.As(err, &rerr) || rerr.StatusCode != http.StatusForbidden ||
			!strings.Contains(err.Error(), "Người ký đã từ chối") {
			t.Fatalf("got %v, want a 403 RemoteError matching ErrRemoteDeclined", err)
		}
	})

	t.Run("a wrong token is a 401 RemoteError that does not show either token", func(t *testing.T) {
		t.Parallel()
		f := newRemoteFixture(t, ecKey, 5*time.Second)
		client, err := keys.NewHTTPRemote(keys.HTTPRemoteConfig{URL: f.server.URL, Token: "wrong-token-123"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = keys.NewRemote(client, []*x509.Certificate{f.cert}).Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		var rerr *keys.RemoteError
		if !errors.As(err, &rerr) || rerr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("got %v, want a 401 RemoteError", err)
		}
		if msg := fmt.Sprintf("%v %+v", err, err); strings.Contains(msg, "wrong-token-123") || strings.Contains(msg, testToken) {
			t.Fatalf("error shows a token: %s", msg)
		}
	})

	t.Run("a server error gives the status and message", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "HSM offline\x00\x1b[31m", http.StatusServiceUnavailable)
		}))
		t.Cleanup(srv.Close)
		cert := selfSigned(t, ecKey, "x")
		_, err := keys.NewRemote(mustHTTPRemote(t, srv.URL), []*x509.Certificate{cert}).Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		var rerr *keys.RemoteError
		if !errors.As(err, &rerr) || rerr.StatusCode != http.StatusServiceUnavailable || rerr.Message != "HSM offline  [31m" {
			t.Fatalf("got %#v, want 503 with the cleaned message", err)
		}
	})

	t.Run("a server that never answers times out with a clear error", func(t *testing.T) {
		t.Parallel()
		f := newRemoteFixture(t, ecKey, 5*time.Second)
		f.server.Delay(time.Minute)
		start := time.Now()
		_, err := f.key.WithTimeout(200*time.Millisecond).Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "none within 200ms") {
			t.Fatalf("got %v, want a timeout naming 200ms", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("timeout took %v", d)
		}
	})

	t.Run("the HTTP client's own timeout also ends the request", func(t *testing.T) {
		t.Parallel()
		f := newRemoteFixture(t, ecKey, 150*time.Millisecond)
		f.server.Delay(time.Minute)
		_, err := f.key.Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer from http://127.0.0.1") {
			t.Fatalf("got %v, want the client timeout", err)
		}
	})

	t.Run("cancelling the bound context stops the wait", func(t *testing.T) {
		t.Parallel()
		f := newRemoteFixture(t, ecKey, 5*time.Second)
		f.server.Delay(time.Minute)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		_, err := f.key.WithContext(ctx).Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	})

	t.Run("a signature from another key is rejected", func(t *testing.T) {
		t.Parallel()
		other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		f := newRemoteFixture(t, other, 5*time.Second)
		k := keys.NewRemote(mustHTTPRemote(t, f.server.URL), []*x509.Certificate{selfSigned(t, ecKey, "expected")})
		if _, err := k.Sign(rand.Reader, digestOf("x"), crypto.SHA256); err == nil || !strings.Contains(err.Error(), "does not verify") {
			t.Fatalf("got %v, want a verification failure", err)
		}
	})

	t.Run("https works with the service's CA and fails clearly without it", func(t *testing.T) {
		t.Parallel()
		srv := keystest.NewRemoteTLSServer(ecKey, testToken)
		t.Cleanup(srv.Close)
		cert := selfSigned(t, ecKey, "tls")
		trusting, err := keys.NewHTTPRemote(keys.HTTPRemoteConfig{URL: srv.URL, Token: testToken, Client: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		digest := digestOf("x")
		sig, err := keys.NewRemote(trusting, []*x509.Certificate{cert}).Sign(rand.Reader, digest, crypto.SHA256)
		if err != nil {
			t.Fatalf("Sign over https: %v", err)
		}
		verifySig(t, cert, digest, sig, crypto.SHA256)

		_, err = keys.NewRemote(mustHTTPRemote(t, srv.URL), []*x509.Certificate{cert}).Sign(rand.Reader, digest, crypto.SHA256)
		if err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("got %v, want a TLS certificate error", err)
		}
	})

	t.Run("plain http is refused except on loopback", func(t *testing.T) {
		t.Parallel()
		_, err := keys.NewHTTPRemote(keys.HTTPRemoteConfig{URL: "http://signer.example.vn/sign", Token: testToken})
		if err == nil || !strings.Contains(err.Error(), "must use https") {
			t.Fatalf("got %v, want https required", err)
		}
	})

	t.Run("fmt output of client, config and key shows no token", func(t *testing.T) {
		t.Parallel()
		cfg := keys.HTTPRemoteConfig{URL: "https://signer.example.vn/sign", Token: testToken}
		client, err := keys.NewHTTPRemote(cfg)
		if err != nil {
			t.Fatal(err)
		}
		k := keys.NewRemote(client, []*x509.Certificate{selfSigned(t, ecKey, "Le Thi C")})
		out := fmt.Sprintf("%v %+v %#v %v %+v %#v %v %+v %#v %s", cfg, cfg, cfg, &cfg, client, client, k, k, k, k)
		if strings.Contains(out, testToken) {
			t.Fatalf("fmt output contains the token: %s", out)
		}
		if !strings.Contains(out, "signer.example.vn") || !strings.Contains(out, "Le Thi C") {
			t.Fatalf("fmt output %q should name the service and the signer", out)
		}
	})
}

func mustHTTPRemote(t testing.TB, url string) *keys.HTTPRemote {
	t.Helper()
	c, err := keys.NewHTTPRemote(keys.HTTPRemoteConfig{URL: url, Token: testToken, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawECDSASigner answers with r||s, as many HSM and cloud APIs do.
type rawECDSASigner struct{ *ecdsa.PrivateKey }

func (s rawECDSASigner) Sign(r io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	rr, ss, err := ecdsa.Sign(r, s.PrivateKey, digest)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 64)
	rr.FillBytes(out[:32])
	ss.FillBytes(out[32:])
	return out, nil
}

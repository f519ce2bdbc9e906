package pkidemo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// demoBundle is a DEMO CA served on a loopback httptest server.
type demoBundle struct {
	ca  *CA
	srv *httptest.Server
}

// newDemo starts a DEMO CA whose certificates point at its own server.
func newDemo(t *testing.T, opts ...Option) *demoBundle {
	t.Helper()
	b := &demoBundle{}
	// The server starts first, for its URL; the handler arrives once the CA exists.
	var h atomic.Pointer[http.Handler]
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*h.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	ca, err := New(t.TempDir(), append([]Option{WithBaseURL(b.srv.URL)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	handler := ca.Handler()
	h.Store(&handler)
	b.ca = ca
	return b
}

func newECKey(t *testing.T) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return k
}

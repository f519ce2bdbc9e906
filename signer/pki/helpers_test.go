package pki_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pkidemo"
)

// demoBundle is a DEMO CA served on a loopback httptest server.
type demoBundle struct {
	ca   *pkidemo.CA
	srv  *httptest.Server
	dir  string
	hits atomic.Int64 // requests the server received
}

// newDemo starts a DEMO CA whose certificates point at its own server.
func newDemo(t *testing.T, opts ...pkidemo.Option) *demoBundle {
	t.Helper()
	b := &demoBundle{dir: t.TempDir()}
	var h atomic.Pointer[http.Handler]
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		(*h.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	ca, err := pkidemo.New(b.dir, append([]pkidemo.Option{pkidemo.WithBaseURL(b.srv.URL)}, opts...)...)
	if err != nil {
		t.Fatalf("pkidemo.New: %v", err)
	}
	handler := ca.Handler()
	h.Store(&handler)
	b.ca = ca
	return b
}

// miniCA is a throwaway CA for tests that must not depend on pkidemo.CA.
type miniCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	next int64
}

func newMiniCA(t *testing.T, cn string) *miniCA {
	t.Helper()
	key := newECKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true,
	}
	return &miniCA{cert: mustCreate(t, tmpl, tmpl, key.Public(), key), key: key, next: 100}
}

// issue signs tmpl (after giving it a serial and validity) for a new key.
func (m *miniCA) issue(t *testing.T, tmpl *x509.Certificate) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key := newECKey(t)
	m.next++
	tmpl.SerialNumber = big.NewInt(m.next)
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	}
	return mustCreate(t, tmpl, m.cert, key.Public(), m.key), key
}

func newECKey(t *testing.T) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return k
}

func mustCreate(t *testing.T, tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return c
}

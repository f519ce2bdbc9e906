package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

func TestCacheKeepsPathsOnlyWhileTheyHold(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	p := f.pki
	cache := NewCache(16)
	opts := Options{Roots: p.roots, Cache: cache}
	if s := verifyBytes(t, f.signed, opts).Signatures[0]; s.Indication != TotalPassed {
		t.Fatalf("got %s/%s; %v", s.Indication, s.SubIndication, s.Errors)
	}
	if len(cache.chains(p.leaf)) != 1 {
		t.Fatal("the verified path was not cached")
	}

	t.Run("AnotherPoolWithTheSameRootUsesIt", func(t *testing.T) {
		t.Parallel()
		roots := x509.NewCertPool()
		roots.AddCert(p.ca)
		s := verifyBytes(t, f.signed, Options{Roots: roots, Cache: cache}).Signatures[0]
		if s.Indication != TotalPassed || len(s.Chain) != 2 {
			t.Fatalf("got %s/%s with %d certificates; %v", s.Indication, s.SubIndication, len(s.Chain), s.Errors)
		}
	})
	t.Run("AnEmptyTrustSetFindsNoChain", func(t *testing.T) {
		t.Parallel()
		s := verifyBytes(t, f.signed, Options{Roots: x509.NewCertPool(), Cache: cache}).Signatures[0]
		if s.SubIndication != "NO_CERTIFICATE_CHAIN_FOUND" {
			t.Fatalf("got %s/%s, want NO_CERTIFICATE_CHAIN_FOUND", s.Indication, s.SubIndication)
		}
	})
	t.Run("AnImpostorRootOfTheSameNameFindsNoChain", func(t *testing.T) {
		t.Parallel()
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := *p.ca
		tmpl.SerialNumber, tmpl.PublicKey = big.NewInt(99), &key.PublicKey
		impostor := mustCert(t, &tmpl, &tmpl, &key.PublicKey, key)
		roots := x509.NewCertPool()
		roots.AddCert(impostor)
		s := verifyBytes(t, f.signed, Options{Roots: roots, Cache: cache}).Signatures[0]
		if s.SubIndication != "NO_CERTIFICATE_CHAIN_FOUND" {
			t.Fatalf("got %s/%s, want NO_CERTIFICATE_CHAIN_FOUND", s.Indication, s.SubIndication)
		}
	})
	t.Run("AnExpiredSignerIsOutOfBounds", func(t *testing.T) {
		t.Parallel()
		opts := Options{Roots: p.roots, Cache: cache, Now: func() time.Time { return p.leaf.NotAfter.Add(24 * time.Hour) }}
		s := verifyBytes(t, f.signed, opts).Signatures[0]
		if s.SubIndication != "OUT_OF_BOUNDS_NO_POE" {
			t.Fatalf("got %s/%s, want OUT_OF_BOUNDS_NO_POE", s.Indication, s.SubIndication)
		}
	})
}

func TestCacheKeepsOnlineAnswersUntilNextUpdate(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	p := f.pki
	t0 := time.Now().UTC().Truncate(time.Second)
	src := &fakeSource{ocsp: ocspAt(t, p, time.Time{}, t0.Add(-time.Minute), t0.Add(time.Hour))}
	cache := NewCache(16)
	check := func(d time.Duration, wantStatus string, wantCalls int) {
		t.Helper()
		opts := Options{Roots: p.roots, Revocation: src, Cache: cache, Now: func() time.Time { return t0.Add(d) }}
		s := verifyBytes(t, f.bare, opts).Signatures[0]
		src.mu.Lock()
		calls := src.calls
		src.mu.Unlock()
		if s.Revocation.Status != wantStatus || calls != wantCalls {
			t.Fatalf("at +%v: revocation %q after %d OCSP requests, want %q after %d", d, s.Revocation.Status, calls, wantStatus, wantCalls)
		}
	}
	check(0, "good", 1)
	check(10*time.Minute, "good", 1) // the answer is current: not asked again
	// The CA revokes the certificate; the responder says so from now on.
	src.mu.Lock()
	src.ocsp = ocspAt(t, p, t0.Add(20*time.Minute), t0.Add(20*time.Minute), t0.Add(2*time.Hour))
	src.mu.Unlock()
	check(61*time.Minute, "revoked", 2) // past the cached answer's nextUpdate
	check(62*time.Minute, "revoked", 2)

	t.Run("AnswersWithoutNextUpdateAreNotKept", func(t *testing.T) {
		t.Parallel()
		src := &fakeSource{ocsp: ocspAt(t, p, time.Time{}, t0.Add(-time.Minute), time.Time{})}
		cache := NewCache(16)
		for range 2 {
			verifyBytes(t, f.bare, Options{Roots: p.roots, Revocation: src, Cache: cache})
		}
		if src.calls != 2 {
			t.Fatalf("%d OCSP requests for 2 verifications, want 2", src.calls)
		}
	})
	t.Run("WithoutACacheOfTheirOwnCallersAskEveryTime", func(t *testing.T) {
		t.Parallel()
		src := &fakeSource{ocsp: ocspAt(t, p, time.Time{}, t0.Add(-time.Minute), t0.Add(time.Hour))}
		for range 2 {
			verifyBytes(t, f.bare, Options{Roots: p.roots, Revocation: src})
		}
		if src.calls != 2 {
			t.Fatalf("%d OCSP requests for 2 verifications, want 2", src.calls)
		}
	})
}

func TestCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	cache := NewCache(3)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaves := make([]*x509.Certificate, 5)
	for i := range leaves {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), Subject: pkix.Name{CommonName: fmt.Sprintf("leaf %d", i)},
			NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
		leaves[i] = mustCert(t, tmpl, tmpl, &key.PublicKey, key)
	}
	for _, l := range leaves[:3] {
		cache.addChain([]*x509.Certificate{l})
	}
	cache.chains(leaves[0]) // used: leaves[1] is now the oldest
	for _, l := range leaves[3:] {
		cache.addChain([]*x509.Certificate{l})
	}
	if cache.Len() != 3 {
		t.Fatalf("%d entries, want 3", cache.Len())
	}
	for i, want := range []bool{true, false, false, true, true} {
		if got := cache.chains(leaves[i]) != nil; got != want {
			t.Errorf("leaf %d cached = %v, want %v", i, got, want)
		}
	}
}

func TestCacheIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	cache := NewCache(1) // every other verification evicts the entry
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := range 8 {
		wg.Go(func() {
			doc := f.signed
			roots := f.pki.roots
			if i%2 == 1 {
				roots = x509.NewCertPool()
			}
			for range 4 {
				rep, err := Verify(context.Background(), bytes.NewReader(doc), int64(len(doc)), Options{Roots: roots, Cache: cache})
				if err != nil {
					errs <- err.Error()
					return
				}
				s := rep.Signatures[0]
				if trusted := s.Indication == TotalPassed; trusted != (i%2 == 0) {
					errs <- fmt.Sprintf("goroutine %d: got %s/%s", i, s.Indication, s.SubIndication)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// ocspAt is a CA-signed OCSP response for the leaf with the given times; a
// non-zero revokedAt marks it revoked.
func ocspAt(t testing.TB, p *testPKI, revokedAt, thisUpdate, nextUpdate time.Time) []byte {
	t.Helper()
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: p.leaf.SerialNumber, ThisUpdate: thisUpdate, NextUpdate: nextUpdate}
	if !revokedAt.IsZero() {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, revokedAt, ocsp.KeyCompromise
	}
	b, err := ocsp.CreateResponse(p.ca, p.ca, tmpl, p.caKey)
	if err != nil {
		t.Fatalf("create OCSP response: %v", err)
	}
	return b
}

func TestCacheDoesNotHoldTheDocument(t *testing.T) {
	t.Parallel()
	p := getFixture(t).pki
	// A certificate parsed out of a large document points into its bytes.
	doc := append(make([]byte, 1<<20), p.leaf.Raw...)
	leaf, err := x509.ParseCertificate(doc[1<<20:])
	if err != nil {
		t.Fatal(err)
	}
	cache := NewCache(4)
	cache.addChain([]*x509.Certificate{leaf, p.ca})
	got := cache.chains(leaf)
	if len(got) != 1 || !got[0][0].Equal(leaf) {
		t.Fatal("the chain was not cached")
	}
	if &got[0][0].Raw[0] == &doc[1<<20] {
		t.Fatal("the cached certificate still points into the document's bytes")
	}
}

// TestParsedCertificatesDoNotHoldTheDocument: VerifyBytes reads a caller's memory (an
// upload's, which goes back to a pool once answered), and certificates parsed from it
// are remembered across verifications; they must not point into it.
func TestParsedCertificatesDoNotHoldTheDocument(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t) // certificates of this test's own, not yet remembered
	doc := append(make([]byte, 1<<20), p.leaf.Raw...)
	c, err := parseCert(doc[1<<20:])
	if err != nil {
		t.Fatal(err)
	}
	if &c.Raw[0] == &doc[1<<20] {
		t.Fatal("the parsed certificate points into the document's bytes")
	}
	clear(doc)
	again, err := parseCert(bytes.Clone(p.leaf.Raw))
	if err != nil || !again.Equal(p.leaf) {
		t.Fatalf("the remembered certificate changed with the document's memory: %v", err)
	}
}

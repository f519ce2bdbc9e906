//go:build cgo

package keys_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vanthu/vanthu/signer/keys"
)

// openToken opens the prepared token with its key selected, closing the
// session when the test ends.
func openToken(t *testing.T, label string, policy keys.PINPolicy, pin keys.PINSource) (*keys.PKCS11Session, *hsmToken) {
	t.Helper()
	module, tok := softHSMToken(t, label)
	if pin == nil {
		pin = keys.StaticPIN(tok.PIN)
	}
	cfg := keys.PKCS11Config{
		Module: module, TokenLabel: tok.Label, KeyID: tok.KeyID,
		PIN: pin, Policy: policy,
	}
	if !tok.CertOnToken {
		cfg.Chain = []*x509.Certificate{tok.Cert}
	}
	s, err := keys.OpenPKCS11(context.Background(), cfg)
	if err != nil {
		t.Fatalf("OpenPKCS11(%s): %v", label, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, tok
}

// countingPIN answers pin and counts how often it was asked.
func countingPIN(pin string, calls *atomic.Int32) keys.PINSource {
	return func(ctx context.Context) (string, error) {
		calls.Add(1)
		return pin, ctx.Err()
	}
}

func TestPKCS11(t *testing.T) {
	t.Parallel()

	t.Run("RSA key signs PKCS#1 v1.5 and PSS with the certificate read from the token", func(t *testing.T) {
		t.Parallel()
		s, tok := openToken(t, "rsa-session", keys.PINPerSession, nil)
		k := s.Key()
		if !k.Certificate().Equal(tok.Cert) {
			t.Fatalf("certificate %q, want the token's %q", k.Certificate().Subject, tok.Cert.Subject)
		}
		digest := digestOf("Công văn số 45/UBND-VP")
		for _, opts := range []crypto.SignerOpts{
			crypto.SHA256,
			&rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash},
			&rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthAuto},
		} {
			sig, err := k.Sign(rand.Reader, digest, opts)
			if err != nil {
				t.Fatalf("Sign(%T): %v", opts, err)
			}
			verifySig(t, tok.Cert, digest, sig, opts)
		}
	})

	t.Run("EC key signs ECDSA in ASN.1 form", func(t *testing.T) {
		t.Parallel()
		s, tok := openToken(t, "ec-session", keys.PINPerSession, nil)
		for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
			hh := h.New()
			hh.Write([]byte("Tờ trình"))
			digest := hh.Sum(nil)
			sig, err := s.Key().Sign(rand.Reader, digest, h)
			if err != nil {
				t.Fatalf("Sign(%v): %v", h, err)
			}
			verifySig(t, tok.Cert, digest, sig, h)
		}
	})

	t.Run("PINPerUse asks the PIN once per signature", func(t *testing.T) {
		t.Parallel()
		for _, label := range []string{"rsa-peruse", "ec-peruse"} {
			_, tok := softHSMToken(t, label)
			var calls atomic.Int32
			s, _ := openToken(t, label, keys.PINPerUse, countingPIN(tok.PIN, &calls))
			if n := calls.Load(); n != 0 {
				t.Fatalf("%s: opening asked the PIN %d times, want 0", label, n)
			}
			for i := 1; i <= 3; i++ {
				digest := digestOf(fmt.Sprintf("văn bản %d", i))
				sig, err := s.Key().Sign(rand.Reader, digest, crypto.SHA256)
				if err != nil {
					t.Fatalf("%s: signature %d: %v", label, i, err)
				}
				verifySig(t, tok.Cert, digest, sig, crypto.SHA256)
				if n := calls.Load(); n != int32(i) {
					t.Fatalf("%s: after %d signatures the PIN was asked %d times", label, i, n)
				}
			}
		}
	})

	t.Run("PINPerUse logs out after each signature so a wrong PIN next time fails", func(t *testing.T) {
		t.Parallel()
		_, tok := softHSMToken(t, "relogin")
		var calls atomic.Int32
		pin := func(ctx context.Context) (string, error) {
			if calls.Add(1) == 1 {
				return tok.PIN, nil
			}
			return "not-the-pin", nil
		}
		s, _ := openToken(t, "relogin", keys.PINPerUse, pin)
		digest := digestOf("Biên bản")
		if _, err := s.Key().Sign(rand.Reader, digest, crypto.SHA256); err != nil {
			t.Fatalf("first signature: %v", err)
		}
		_, err := s.Key().Sign(rand.Reader, digest, crypto.SHA256)
		if !errors.Is(err, keys.ErrBadPIN) {
			t.Fatalf("second signature with a wrong PIN: got %v, want ErrBadPIN", err)
		}
	})

	t.Run("wrong PIN fails with ErrBadPIN and the PIN stays out of the message", func(t *testing.T) {
		t.Parallel()
		// A token of its own: while another session of this process holds
		// the login, PKCS#11 gives no way to check a PIN.
		module, tok := softHSMToken(t, "badpin")
		const wrong = "9999-wrong"
		_, err := keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
			Module: module, TokenLabel: tok.Label, KeyID: tok.KeyID, PIN: keys.StaticPIN(wrong),
		})
		if !errors.Is(err, keys.ErrBadPIN) {
			t.Fatalf("got %v, want ErrBadPIN", err)
		}
		if msg := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(msg, wrong) || strings.Contains(msg, tok.PIN) {
			t.Fatalf("error reveals a PIN: %s", msg)
		}
	})

	t.Run("a cancelled context stops a per-use signature before the PIN is asked", func(t *testing.T) {
		t.Parallel()
		_, tok := softHSMToken(t, "ec-peruse")
		var calls atomic.Int32
		s, _ := openToken(t, "ec-peruse", keys.PINPerUse, countingPIN(tok.PIN, &calls))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := keys.Bind(ctx, s.Key()).Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		if !errors.Is(err, context.Canceled) || calls.Load() != 0 {
			t.Fatalf("got %v after %d PIN requests, want context.Canceled and none", err, calls.Load())
		}
	})

	t.Run("a token can be chosen by slot number", func(t *testing.T) {
		t.Parallel()
		module, tok := softHSMToken(t, "close")
		slot := tok.Slot
		s, err := keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
			Module: module, Slot: &slot, KeyID: tok.KeyID, PIN: keys.StaticPIN(tok.PIN),
		})
		if err != nil {
			t.Fatalf("OpenPKCS11(slot %d): %v", slot, err)
		}
		defer s.Close()
		if !s.Key().Certificate().Equal(tok.Cert) || !strings.Contains(s.String(), `token="close"`) {
			t.Fatalf("slot %d opened %v with certificate %q", slot, s, s.Key().Certificate().Subject)
		}
	})

	t.Run("signing after Close fails with ErrSessionClosed", func(t *testing.T) {
		t.Parallel()
		module, tok := softHSMToken(t, "close")
		s, err := keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
			Module: module, TokenLabel: tok.Label, KeyID: tok.KeyID, PIN: keys.StaticPIN(tok.PIN),
		})
		if err != nil {
			t.Fatalf("OpenPKCS11: %v", err)
		}
		k := s.Key()
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if _, err := k.Sign(rand.Reader, digestOf("x"), crypto.SHA256); !errors.Is(err, keys.ErrSessionClosed) {
			t.Fatalf("got %v, want ErrSessionClosed", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})

	t.Run("unknown token, unknown key and missing certificate give clear errors", func(t *testing.T) {
		t.Parallel()
		module, tok := softHSMToken(t, "close")
		_, err := keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
			Module: module, TokenLabel: "no-such-token", PIN: keys.StaticPIN(tok.PIN),
		})
		if err == nil || !strings.Contains(err.Error(), `no token labelled "no-such-token"`) {
			t.Fatalf("unknown token: got %v", err)
		}
		_, err = keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
			Module: module, TokenLabel: tok.Label, KeyLabel: "no such key", PIN: keys.StaticPIN(tok.PIN),
		})
		if !errors.Is(err, keys.ErrKeyNotFound) {
			t.Fatalf("unknown key: got %v, want ErrKeyNotFound", err)
		}
		_, certless := softHSMToken(t, "rsa-peruse")
		_, err = keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
			Module: module, TokenLabel: certless.Label, KeyID: certless.KeyID, PIN: keys.StaticPIN(certless.PIN), Policy: keys.PINPerUse,
		})
		if !errors.Is(err, keys.ErrCertNotFound) {
			t.Fatalf("key without certificate: got %v, want ErrCertNotFound", err)
		}
	})

	t.Run("a per-use signature does not log out a session-long login on the same token", func(t *testing.T) {
		t.Parallel()
		_, tok := softHSMToken(t, "shared")
		long, _ := openToken(t, "shared", keys.PINPerSession, nil)
		var calls atomic.Int32
		perUse, _ := openToken(t, "shared", keys.PINPerUse, countingPIN(tok.PIN, &calls))
		digest := digestOf("Giấy mời")
		for _, k := range []keys.Key{perUse.Key(), long.Key(), perUse.Key(), long.Key()} {
			sig, err := k.Sign(rand.Reader, digest, crypto.SHA256)
			if err != nil {
				t.Fatalf("Sign with %v: %v", k, err)
			}
			verifySig(t, tok.Cert, digest, sig, crypto.SHA256)
		}
		if n := calls.Load(); n != 2 {
			t.Fatalf("per-use PIN asked %d times for 2 signatures", n)
		}
	})

	t.Run("a supplied certificate for another key is caught at the first signature", func(t *testing.T) {
		t.Parallel()
		module, tok := softHSMToken(t, "shared")
		other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		s, err := keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
			Module: module, TokenLabel: tok.Label, KeyLabel: tok.KeyLabel, PIN: keys.StaticPIN(tok.PIN),
			Chain: []*x509.Certificate{selfSigned(t, other, "someone else")},
		})
		if err != nil {
			t.Fatalf("OpenPKCS11: %v", err)
		}
		defer s.Close()
		_, err = s.Key().Sign(rand.Reader, digestOf("x"), crypto.SHA256)
		if err == nil || !strings.Contains(err.Error(), "does not verify with its certificate") {
			t.Fatalf("got %v, want a verification failure", err)
		}
	})

	t.Run("fmt output of session and key shows no PIN", func(t *testing.T) {
		t.Parallel()
		s, tok := openToken(t, "ec-session", keys.PINPerSession, nil)
		k := s.Key()
		out := fmt.Sprintf("%v %+v %#v %v %+v %#v %s", s, s, s, k, k, k, k)
		if strings.Contains(out, tok.PIN) {
			t.Fatalf("fmt output contains the PIN: %s", out)
		}
		if !strings.Contains(out, "Token ec-session") || !strings.Contains(out, "id=4b") {
			t.Fatalf("fmt output %q should name the certificate and key ID", out)
		}
	})
}

// benchPKCS11 is BenchmarkSign's PKCS#11 part: session-long login, and a
// login and logout around every signature.
func benchPKCS11(b *testing.B, digest []byte) {
	for _, bc := range []struct {
		name, token string
		policy      keys.PINPolicy
	}{
		{"PKCS11/RSA-2048/PINPerSession", "bench-session", keys.PINPerSession},
		{"PKCS11/RSA-2048/PINPerUse", "bench-peruse", keys.PINPerUse},
	} {
		b.Run(bc.name, func(b *testing.B) {
			module, tok := softHSMToken(b, bc.token)
			s, err := keys.OpenPKCS11(context.Background(), keys.PKCS11Config{
				Module: module, TokenLabel: tok.Label, KeyID: tok.KeyID,
				PIN: keys.StaticPIN(tok.PIN), Policy: bc.policy,
			})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			benchSign(b, s.Key(), digest)
		})
	}

}

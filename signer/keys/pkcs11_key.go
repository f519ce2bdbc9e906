//go:build cgo

package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"

	"github.com/miekg/pkcs11"
)

var (
	_ Key           = (*tokenKey)(nil)
	_ ContextBinder = (*tokenKey)(nil)
)

// tokenKey is a private key that stays on a PKCS#11 token.
type tokenKey struct {
	sess  *PKCS11Session
	ref   KeyRef
	chain []*x509.Certificate
	// ctx is handed to the PIN source and checked before touching the
	// token; see WithContext.
	ctx context.Context
}

// WithContext returns the key bound to ctx. With PINPerUse every Sign asks
// the PIN source, which may be a prompt waiting for a person, so Sign must
// be cancellable although crypto.Signer.Sign takes no context.
func (k *tokenKey) WithContext(ctx context.Context) Key {
	c := *k
	c.ctx = ctx
	return &c
}

// Public returns the certificate's public key: the token's own copy may be
// private or absent, the certificate is always at hand.
func (k *tokenKey) Public() crypto.PublicKey { return k.chain[0].PublicKey }

// Certificate returns the leaf certificate.
func (k *tokenKey) Certificate() *x509.Certificate { return k.chain[0] }

// Chain returns the chain, leaf first.
func (k *tokenKey) Chain() []*x509.Certificate { return k.chain }

// Sign signs digest on the token: RSA PKCS#1 v1.5, RSA-PSS when opts is
// *rsa.PSSOptions, or ECDSA (returned ASN.1-encoded, as crypto.Signer
// promises). The random source is ignored: the token has its own.
func (k *tokenKey) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	mech, input, err := mechanismFor(k.Public(), digest, opts)
	if err != nil {
		return nil, err
	}
	raw, err := k.sess.sign(k.ctx, k.ref, mech, input)
	if err != nil {
		return nil, err
	}
	sig := raw
	if _, ok := k.Public().(*ecdsa.PublicKey); ok {
		if sig, err = ecdsaRawToASN1(raw); err != nil {
			return nil, err
		}
	}
	// A token that signs with another key than the certificate's (a
	// mix-up of IDs), or an RSA signature damaged by a hardware fault, must
	// not leave the process: the first is useless, the second can leak the
	// private key.
	if err := verifyDigest(k.Public(), digest, sig, opts); err != nil {
		return nil, fmt.Errorf("keys: pkcs11: signature by %s does not verify with its certificate: %w", k.ref, err)
	}
	return sig, nil
}

// String describes the key by token, reference and certificate subject.
func (k *tokenKey) String() string {
	return fmt.Sprintf("keys.PKCS11Key{token=%q %s subject=%q}", k.sess.label, k.ref, certSubject(k.Certificate()))
}

// GoString is the same description, for %#v.
func (k *tokenKey) GoString() string { return k.String() }

// Format prints the description for every verb.
func (k *tokenKey) Format(f fmt.State, verb rune) { writeSafe(f, verb, k.String()) }

// sign runs one signature on the token, with the per-use login when the
// policy asks for it.
func (s *PKCS11Session) sign(ctx context.Context, ref KeyRef, mech *pkcs11.Mechanism, input []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("keys: pkcs11: sign: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrSessionClosed
	}
	// The PIN is asked at most once per signature, even when both the
	// per-use login and a CKA_ALWAYS_AUTHENTICATE key want it.
	var pin string
	askPIN := func() (string, error) {
		if pin != "" {
			return pin, nil
		}
		p, err := s.pin(ctx)
		if err != nil {
			return "", fmt.Errorf("keys: pkcs11: get PIN: %w", err)
		}
		pin = p
		return pin, nil
	}
	if s.policy == PINPerUse {
		s.tok.mu.Lock()
		defer s.tok.mu.Unlock()
		p, err := askPIN()
		if err != nil {
			return nil, err
		}
		if err := s.login(pkcs11.CKU_USER, p); err != nil {
			return nil, err
		}
		defer s.logoutAfterUse()
	}
	priv, err := s.findPrivateKey(ref)
	if err != nil {
		return nil, err
	}
	if err := s.mod.ctx.SignInit(s.h, []*pkcs11.Mechanism{mech}, priv); err != nil {
		return nil, fmt.Errorf("keys: pkcs11: sign init with %s: %w", ref, err)
	}
	if s.alwaysAuthenticate(priv) {
		p, err := askPIN()
		if err == nil {
			err = s.login(pkcs11.CKU_CONTEXT_SPECIFIC, p)
		}
		if err != nil {
			// PKCS#11 2.40 has no way to cancel an operation, but a
			// failing C_Sign ends it, so the session can sign again.
			_, _ = s.mod.ctx.Sign(s.h, nil)
			return nil, err
		}
	}
	sig, err := s.mod.ctx.Sign(s.h, input)
	if err != nil {
		return nil, fmt.Errorf("keys: pkcs11: sign with %s: %w", ref, err)
	}
	return sig, nil
}

// logoutAfterUse ends a per-use login unless a PINPerSession session on the
// same token still relies on it. The caller holds s.tok.mu.
func (s *PKCS11Session) logoutAfterUse() {
	if s.tok.persistent == 0 {
		// Nothing useful can be done with a failed logout here: closing
		// the session logs out as well.
		_ = s.mod.ctx.Logout(s.h)
	}
}

// alwaysAuthenticate reports whether the key is marked
// CKA_ALWAYS_AUTHENTICATE (qualified-signature keys on many smart cards):
// such a key wants the PIN again between SignInit and Sign, whatever the
// session's login state. Tokens that do not know the attribute do not
// require it.
func (s *PKCS11Session) alwaysAuthenticate(priv pkcs11.ObjectHandle) bool {
	attrs, err := s.mod.ctx.GetAttributeValue(s.h, priv, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_ALWAYS_AUTHENTICATE, nil),
	})
	return err == nil && len(attrs) == 1 && len(attrs[0].Value) > 0 && attrs[0].Value[0] != 0
}

// mechanismFor picks the PKCS#11 mechanism and the bytes to sign for a
// pre-hashed digest. Tokens sign digests with the raw mechanisms
// (CKM_RSA_PKCS, CKM_RSA_PKCS_PSS, CKM_ECDSA) since the hashing was done here.
func mechanismFor(pub crypto.PublicKey, digest []byte, opts crypto.SignerOpts) (*pkcs11.Mechanism, []byte, error) {
	if opts == nil {
		return nil, nil, errors.New("keys: pkcs11: no signer options")
	}
	h := opts.HashFunc()
	if h == 0 || len(digest) != h.Size() {
		return nil, nil, fmt.Errorf("keys: pkcs11: digest of %d bytes does not match hash %v", len(digest), h)
	}
	switch pub.(type) {
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			mech, err := pssMechanism(h, pss)
			return mech, digest, err
		}
		info, err := digestInfo(h, digest)
		if err != nil {
			return nil, nil, err
		}
		return pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS, nil), info, nil
	case *ecdsa.PublicKey:
		return pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil), digest, nil
	default:
		return nil, nil, fmt.Errorf("keys: pkcs11: unsupported public key type %T", pub)
	}
}

// hashMechs maps a hash to its PKCS#11 mechanism and MGF1 generator.
var hashMechs = map[crypto.Hash][2]uint{
	crypto.SHA1:   {pkcs11.CKM_SHA_1, pkcs11.CKG_MGF1_SHA1},
	crypto.SHA224: {pkcs11.CKM_SHA224, pkcs11.CKG_MGF1_SHA224},
	crypto.SHA256: {pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256},
	crypto.SHA384: {pkcs11.CKM_SHA384, pkcs11.CKG_MGF1_SHA384},
	crypto.SHA512: {pkcs11.CKM_SHA512, pkcs11.CKG_MGF1_SHA512},
}

// pssMechanism builds CKM_RSA_PKCS_PSS parameters. "Auto" and "equals hash"
// both become a salt as long as the hash: PKCS#11 has no "auto", and that
// length is what PAdES profiles and every verifier expect.
func pssMechanism(h crypto.Hash, opts *rsa.PSSOptions) (*pkcs11.Mechanism, error) {
	ids, ok := hashMechs[h]
	if !ok {
		return nil, fmt.Errorf("keys: pkcs11: RSA-PSS with %v is not supported", h)
	}
	salt := opts.SaltLength
	if salt <= 0 {
		salt = h.Size()
	}
	params := pkcs11.NewPSSParams(ids[0], ids[1], uint(salt))
	return pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_PSS, params), nil
}

// digestAlgOIDs are the hash identifiers that go into a PKCS#1 DigestInfo.
var digestAlgOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.SHA1:   {1, 3, 14, 3, 2, 26},
	crypto.SHA224: {2, 16, 840, 1, 101, 3, 4, 2, 4},
	crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
	crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
	crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
}

// digestInfo wraps digest in the DER DigestInfo that CKM_RSA_PKCS expects:
// the raw mechanism only pads, so naming the hash is our job.
func digestInfo(h crypto.Hash, digest []byte) ([]byte, error) {
	oid, ok := digestAlgOIDs[h]
	if !ok {
		return nil, fmt.Errorf("keys: pkcs11: RSA PKCS#1 v1.5 with %v is not supported", h)
	}
	return asn1.Marshal(struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}{pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}, digest})
}

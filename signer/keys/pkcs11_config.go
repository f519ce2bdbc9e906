package keys

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// PINSource supplies a token's PIN when it is needed: from configuration,
// a secret store, or a prompt shown to the signer. It is called with the
// context of the operation that needs the PIN, so a prompt can be cancelled.
type PINSource func(ctx context.Context) (string, error)

// StaticPIN returns a PINSource that always answers pin, for unattended
// HSMs whose PIN comes from configuration.
func StaticPIN(pin string) PINSource {
	return func(context.Context) (string, error) { return pin, nil }
}

// PINPolicy says when the token is logged in.
type PINPolicy int

const (
	// PINPerSession asks the PIN once, when the session opens, and keeps
	// the token logged in until Close: for unattended HSMs.
	PINPerSession PINPolicy = iota
	// PINPerUse asks the PIN for every signature, logs in, signs and logs
	// out again: for a person's USB token, where each signature is an act
	// the signer must confirm.
	PINPerUse
)

// Errors of the PKCS#11 backend. The PIN errors translate the token's codes
// so that callers can tell the signer what to do without parsing them.
var (
	ErrBadPIN         = errors.New("keys: pkcs11: wrong PIN")
	ErrPINLocked      = errors.New("keys: pkcs11: PIN locked")
	ErrSessionClosed  = errors.New("keys: pkcs11: session closed")
	ErrKeyNotFound    = errors.New("keys: pkcs11: key not found")
	ErrCertNotFound   = errors.New("keys: pkcs11: certificate not found")
	ErrAmbiguousKeyID = errors.New("keys: pkcs11: more than one key matches")
	// ErrNoPKCS11 is returned by OpenPKCS11 in a binary built without cgo:
	// loading a PKCS#11 module needs the C dynamic loader.
	ErrNoPKCS11 = errors.New("keys: pkcs11: not available in a binary built without cgo")
)

// PKCS11Config says which module, token and key to use.
type PKCS11Config struct {
	// Module is the path of the PKCS#11 library (.so) of the token or HSM.
	Module string
	// TokenLabel or Slot (exactly one) selects the token.
	TokenLabel string
	Slot       *uint
	// KeyLabel and/or KeyID select the signing key that Key returns; both
	// empty opens the session without a default key (use FindKey).
	KeyLabel string
	KeyID    []byte
	// Chain is the key's certificate chain, leaf first, for tokens that do
	// not hold the certificate. When empty the certificate is read from the
	// token object with the key's ID (or label).
	Chain []*x509.Certificate
	// PIN is asked according to Policy.
	PIN    PINSource
	Policy PINPolicy
}

// KeyRef selects a key on an open session.
type KeyRef struct {
	Label string
	ID    []byte
	Chain []*x509.Certificate // optional, leaf first; see PKCS11Config.Chain
}

// String names the key the way an operator configured it.
func (r KeyRef) String() string {
	var parts []string
	if r.Label != "" {
		parts = append(parts, fmt.Sprintf("label=%q", r.Label))
	}
	if len(r.ID) > 0 {
		parts = append(parts, "id="+hex.EncodeToString(r.ID))
	}
	return strings.Join(parts, " ")
}

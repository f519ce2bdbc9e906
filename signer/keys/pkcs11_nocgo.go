//go:build !cgo

package keys

import (
	"context"
	"fmt"
)

// PKCS11Session is unavailable without cgo; see ErrNoPKCS11. The rest of
// the package (PKCS#12, remote signing) works in a static binary.
type PKCS11Session struct{}

// OpenPKCS11 always fails with ErrNoPKCS11 in a binary built without cgo.
func OpenPKCS11(context.Context, PKCS11Config) (*PKCS11Session, error) {
	return nil, ErrNoPKCS11
}

// Key returns nil: no session can be open.
func (s *PKCS11Session) Key() Key { return nil }

// FindKey fails with ErrNoPKCS11.
func (s *PKCS11Session) FindKey(context.Context, KeyRef) (Key, error) { return nil, ErrNoPKCS11 }

// Close does nothing.
func (s *PKCS11Session) Close() error { return nil }

// String says the session is unavailable.
func (s *PKCS11Session) String() string { return "keys.PKCS11Session{unavailable without cgo}" }

// Format prints the description for every verb.
func (s *PKCS11Session) Format(f fmt.State, verb rune) { writeSafe(f, verb, s.String()) }

//go:build cgo

package keys

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"

	"github.com/miekg/pkcs11"
)

// PKCS11Session is an open session on one token. It runs one token
// operation at a time: a PKCS#11 session cannot interleave two signatures,
// and a per-use login must not be undone by a concurrent logout. For
// parallel signing on an HSM open several sessions; PINPerSession sessions
// on one token share its login.
type PKCS11Session struct {
	mod    *module
	tok    *tokenState
	slot   uint
	label  string
	policy PINPolicy
	pin    PINSource

	mu     sync.Mutex
	h      pkcs11.SessionHandle
	closed bool
	key    *tokenKey
}

// OpenPKCS11 loads the module, opens a session on the token and, with
// PINPerSession, logs in. When cfg names a key it is looked up now, so that a
// wrong label or missing certificate shows at start-up, not at the first
// document.
func OpenPKCS11(ctx context.Context, cfg PKCS11Config) (*PKCS11Session, error) {
	if cfg.PIN == nil {
		return nil, errors.New("keys: pkcs11: no PIN source")
	}
	if cfg.Policy != PINPerSession && cfg.Policy != PINPerUse {
		return nil, fmt.Errorf("keys: pkcs11: unknown PIN policy %d", cfg.Policy)
	}
	mod, err := acquireModule(cfg.Module)
	if err != nil {
		return nil, err
	}
	s, err := openSession(ctx, mod, cfg)
	if err != nil {
		mod.release()
		return nil, err
	}
	if cfg.KeyLabel == "" && len(cfg.KeyID) == 0 {
		return s, nil
	}
	k, err := s.FindKey(ctx, KeyRef{Label: cfg.KeyLabel, ID: cfg.KeyID, Chain: cfg.Chain})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	s.key = k.(*tokenKey)
	return s, nil
}

// openSession opens the PKCS#11 session and performs the session login.
func openSession(ctx context.Context, mod *module, cfg PKCS11Config) (*PKCS11Session, error) {
	slot, label, err := mod.findSlot(cfg.TokenLabel, cfg.Slot)
	if err != nil {
		return nil, err
	}
	h, err := mod.ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return nil, fmt.Errorf("keys: pkcs11: open session on slot %d: %w", slot, err)
	}
	s := &PKCS11Session{
		mod: mod, tok: mod.token(slot), slot: slot, label: label,
		policy: cfg.Policy, pin: cfg.PIN, h: h,
	}
	if cfg.Policy != PINPerSession {
		return s, nil
	}
	pin, err := cfg.PIN(ctx)
	if err != nil {
		_ = mod.ctx.CloseSession(h)
		return nil, fmt.Errorf("keys: pkcs11: get PIN: %w", err)
	}
	s.tok.mu.Lock()
	defer s.tok.mu.Unlock()
	if err := s.login(pkcs11.CKU_USER, pin); err != nil {
		_ = mod.ctx.CloseSession(h)
		return nil, err
	}
	s.tok.persistent++
	return s, nil
}

// Key returns the key named in PKCS11Config, or nil when none was named.
func (s *PKCS11Session) Key() Key {
	if s.key == nil {
		return nil
	}
	return s.key
}

// FindKey looks up a private key by label and/or ID and pairs it with its
// certificate (ref.Chain, or the token's certificate object with the same
// ID, or label when no ID is given).
func (s *PKCS11Session) FindKey(ctx context.Context, ref KeyRef) (Key, error) {
	if ref.Label == "" && len(ref.ID) == 0 {
		return nil, errors.New("keys: pkcs11: key reference needs a label or an ID")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("keys: pkcs11: find key: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrSessionClosed
	}
	if s.policy == PINPerSession {
		// Logged in already: check now that the private key is there.
		// With PINPerUse that would cost a PIN prompt, so the first
		// signature finds out instead.
		if _, err := s.findPrivateKey(ref); err != nil {
			return nil, err
		}
	}
	chain := ref.Chain
	if len(chain) == 0 {
		cert, err := s.findCertificate(ref)
		if err != nil {
			return nil, err
		}
		chain = []*x509.Certificate{cert}
	}
	k := &tokenKey{sess: s, ref: ref, chain: chain, ctx: context.Background()}
	return k, nil
}

// Close logs out (when this was the last session holding the login),
// closes the session and unloads the module when nothing else uses it.
func (s *PKCS11Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	if s.policy == PINPerSession {
		s.tok.mu.Lock()
		s.tok.persistent--
		if s.tok.persistent == 0 {
			errs = append(errs, ignoreNotLoggedIn(s.mod.ctx.Logout(s.h)))
		}
		s.tok.mu.Unlock()
	}
	if err := s.mod.ctx.CloseSession(s.h); err != nil {
		errs = append(errs, fmt.Errorf("keys: pkcs11: close session: %w", err))
	}
	s.mod.release()
	return errors.Join(errs...)
}

// String describes the session by module and token; it holds no secret,
// but formats itself like the keys do for consistency.
func (s *PKCS11Session) String() string {
	return fmt.Sprintf("keys.PKCS11Session{module=%s slot=%d token=%q}", s.mod.path, s.slot, s.label)
}

// GoString is the same description, for %#v.
func (s *PKCS11Session) GoString() string { return s.String() }

// Format prints the description for every verb.
func (s *PKCS11Session) Format(f fmt.State, verb rune) { writeSafe(f, verb, s.String()) }

// login logs in as userType; the caller holds s.tok.mu.
//
// PKCS#11 keeps one login state per token for the whole process, so the
// token may already be logged in. While another PINPerSession session holds
// that login, the PIN was proven by this process and the login is shared.
// Otherwise the login is stale and is redone, so that the PIN is checked.
func (s *PKCS11Session) login(userType uint, pin string) error {
	err := s.mod.ctx.Login(s.h, userType, pin)
	if errors.Is(err, pkcs11.Error(pkcs11.CKR_USER_ALREADY_LOGGED_IN)) {
		if s.tok.persistent > 0 {
			return nil
		}
		_ = s.mod.ctx.Logout(s.h)
		err = s.mod.ctx.Login(s.h, userType, pin)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pkcs11.Error(pkcs11.CKR_PIN_INCORRECT)),
		errors.Is(err, pkcs11.Error(pkcs11.CKR_PIN_INVALID)),
		errors.Is(err, pkcs11.Error(pkcs11.CKR_PIN_LEN_RANGE)):
		return ErrBadPIN
	case errors.Is(err, pkcs11.Error(pkcs11.CKR_PIN_LOCKED)):
		return ErrPINLocked
	default:
		return fmt.Errorf("keys: pkcs11: login: %w", err)
	}
}

// findCertificate reads the certificate object matching ref.
func (s *PKCS11Session) findCertificate(ref KeyRef) (*x509.Certificate, error) {
	handles, err := s.findObjects(pkcs11.CKO_CERTIFICATE, ref, 1)
	if err != nil {
		return nil, err
	}
	if len(handles) == 0 {
		return nil, fmt.Errorf("%w: none on the token for %s and none supplied", ErrCertNotFound, ref)
	}
	attrs, err := s.mod.ctx.GetAttributeValue(s.h, handles[0], []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_VALUE, nil)})
	if err != nil {
		return nil, fmt.Errorf("keys: pkcs11: read certificate for %s: %w", ref, err)
	}
	cert, err := x509.ParseCertificate(attrs[0].Value)
	if err != nil {
		return nil, fmt.Errorf("keys: pkcs11: parse certificate for %s: %w", ref, err)
	}
	return cert, nil
}

// findPrivateKey returns the handle of the one private key matching ref.
// Handles are looked up again after each login because a token may
// renumber private objects once they become invisible.
func (s *PKCS11Session) findPrivateKey(ref KeyRef) (pkcs11.ObjectHandle, error) {
	handles, err := s.findObjects(pkcs11.CKO_PRIVATE_KEY, ref, 2)
	if err != nil {
		return 0, err
	}
	switch len(handles) {
	case 0:
		return 0, fmt.Errorf("%w: no private key %s (or the token is not logged in)", ErrKeyNotFound, ref)
	case 1:
		return handles[0], nil
	default:
		return 0, fmt.Errorf("%w: private key %s", ErrAmbiguousKeyID, ref)
	}
}

// findObjects returns up to max objects of class matching ref's ID and label.
func (s *PKCS11Session) findObjects(class uint, ref KeyRef, max int) ([]pkcs11.ObjectHandle, error) {
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class)}
	if len(ref.ID) > 0 {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_ID, ref.ID))
	}
	// A certificate is matched by ID alone when there is one: tools label
	// certificates as they please, but keep the key's ID on them.
	if ref.Label != "" && (class != pkcs11.CKO_CERTIFICATE || len(ref.ID) == 0) {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_LABEL, ref.Label))
	}
	if err := s.mod.ctx.FindObjectsInit(s.h, tmpl); err != nil {
		return nil, fmt.Errorf("keys: pkcs11: find %s: %w", ref, err)
	}
	handles, _, err := s.mod.ctx.FindObjects(s.h, max)
	if ferr := s.mod.ctx.FindObjectsFinal(s.h); err == nil && ferr != nil {
		err = ferr
	}
	if err != nil {
		return nil, fmt.Errorf("keys: pkcs11: find %s: %w", ref, err)
	}
	return handles, nil
}

// ignoreNotLoggedIn treats logging out of a token that is not logged in as
// done, and wraps anything else.
func ignoreNotLoggedIn(err error) error {
	if err == nil || errors.Is(err, pkcs11.Error(pkcs11.CKR_USER_NOT_LOGGED_IN)) {
		return nil
	}
	return fmt.Errorf("keys: pkcs11: logout: %w", err)
}

//go:build cgo

package keys

import (
	"errors"
	"fmt"
	"sync"

	"github.com/miekg/pkcs11"
)

// A PKCS#11 module may be initialised only once per process, and the login
// state it keeps is per token, shared by every session the process opens on
// that token. So modules are shared and reference-counted here, and each
// token has one lock and one count of the sessions that keep it logged in.

// module is one loaded PKCS#11 library.
type module struct {
	ctx  *pkcs11.Ctx
	path string
	refs int
	// finalize is false when someone else in the process had already
	// initialised the library; then it is theirs to finalise.
	finalize bool
	tokens   map[uint]*tokenState
}

// tokenState serialises the login dance on one token.
type tokenState struct {
	mu sync.Mutex
	// persistent counts the open PINPerSession sessions holding the login;
	// a PINPerUse signature must not log them out.
	persistent int
}

var (
	modulesMu sync.Mutex
	modules   = map[string]*module{}
)

// acquireModule loads and initialises the library at path, or shares the
// instance already loaded.
func acquireModule(path string) (*module, error) {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m, ok := modules[path]; ok {
		m.refs++
		return m, nil
	}
	ctx := pkcs11.New(path)
	if ctx == nil {
		return nil, fmt.Errorf("keys: pkcs11: cannot load module %q", path)
	}
	finalize := true
	if err := ctx.Initialize(); err != nil {
		if !errors.Is(err, pkcs11.Error(pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
			ctx.Destroy()
			return nil, fmt.Errorf("keys: pkcs11: initialise module %q: %w", path, err)
		}
		finalize = false
	}
	m := &module{ctx: ctx, path: path, refs: 1, finalize: finalize, tokens: map[uint]*tokenState{}}
	modules[path] = m
	return m, nil
}

// release drops one reference and unloads the library with the last one.
func (m *module) release() {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	m.refs--
	if m.refs > 0 {
		return
	}
	if m.finalize {
		_ = m.ctx.Finalize()
	}
	m.ctx.Destroy()
	delete(modules, m.path)
}

// token returns the shared state of the token in slot.
func (m *module) token(slot uint) *tokenState {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	t, ok := m.tokens[slot]
	if !ok {
		t = &tokenState{}
		m.tokens[slot] = t
	}
	return t
}

// findSlot returns the slot holding the token labelled label, or checks
// that slot holds a token when no label is given; it also returns the
// token's label, for messages.
func (m *module) findSlot(label string, slot *uint) (uint, string, error) {
	if (label == "") == (slot == nil) {
		return 0, "", errors.New("keys: pkcs11: set exactly one of TokenLabel and Slot")
	}
	slots, err := m.ctx.GetSlotList(true)
	if err != nil {
		return 0, "", fmt.Errorf("keys: pkcs11: list slots: %w", err)
	}
	for _, s := range slots {
		if slot != nil && s != *slot {
			continue
		}
		info, err := m.ctx.GetTokenInfo(s)
		if err != nil {
			return 0, "", fmt.Errorf("keys: pkcs11: token info of slot %d: %w", s, err)
		}
		if slot != nil || info.Label == label {
			return s, info.Label, nil
		}
	}
	if slot != nil {
		return 0, "", fmt.Errorf("keys: pkcs11: no token in slot %d", *slot)
	}
	return 0, "", fmt.Errorf("keys: pkcs11: no token labelled %q", label)
}

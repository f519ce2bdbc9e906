package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/vanthu/vanthu/engine/password"
)

// Session is a browser login. Only the SHA-256 of the cookie value is stored, so a copy
// of the database does not let anyone take over a session.
type Session struct {
	IDHash     string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end
	ClientIP   string
	UserAgent  string
}

// LoginLock is a username or client address refused logins until LockedUntil.
type LoginLock struct {
	Key         string
	LockedUntil time.Time
	Strikes     int
}

// APIToken is an integration's credential, stored as the SHA-256 of the token.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Hash       string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// Signing key owners and kinds.
const (
	KeyOwnerUser   = "user"
	KeyOwnerAgency = "agency"
	KeyKindPKCS12  = "pkcs12"
	KeyKindPKCS11  = "pkcs11"
)

// SigningKey is where a person's or an agency's signing key lives: a PKCS#12 file in the
// blob store, encrypted under its PIN, or an object on a PKCS#11 token.
type SigningKey struct {
	ID           string
	OwnerKind    string // KeyOwnerUser or KeyOwnerAgency
	OwnerID      string
	Kind         string // KeyKindPKCS12 or KeyKindPKCS11
	BlobKey      string
	PKCS11Module string
	PKCS11Token  string
	PKCS11Label  string
	Subject      string
	CertSHA256   string
	ImageKey     string // the handwritten signature (a person) or the seal (an agency), PNG
	NotAfter     *time.Time
	CreatedAt    time.Time
	RevokedAt    *time.Time
}

// AuthChange runs an authentication change (a session started or ended, a lockout, a
// token issued or revoked, a key registered) in one transaction with its audit events:
// one in the chain of every agency the user belongs to, so each agency sees who logged
// into it. A user with no membership (or "") leaves no audit event.
func (e *Engine) AuthChange(ctx context.Context, userID string, action Action, objectType, objectID string, after any,
	fn func(q Queries) error) error {
	return e.store.InTx(ctx, func(q Queries) error {
		if fn != nil {
			if err := fn(q); err != nil {
				return err
			}
		}
		if err := e.auditUser(ctx, q, userID, action, objectType, objectID, after); err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
		return nil
	})
}

func (e *Engine) auditUser(ctx context.Context, q Queries, userID string, action Action, objectType, objectID string, after any) error {
	if userID == "" {
		return nil
	}
	ms, err := q.MembershipListByUser(ctx, userID)
	if err != nil {
		return err
	}
	c := &change{e: e, q: q, actor: Actor{UserID: userID, Role: "user"}, action: action, now: e.timestamp()}
	c.auditEach(membershipAgencies(ms), objectType, objectID, after)
	return c.finish(ctx, "", objectID)
}

// membershipAgencies is the agency of each membership, in order, repeats included.
func membershipAgencies(ms []Membership) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.AgencyID)
	}
	return out
}

// auditEach records the event once in the chain of each distinct agency.
func (c *change) auditEach(agencies []string, objectType, objectID string, after any) {
	seen := map[string]bool{}
	for _, a := range agencies {
		if !seen[a] {
			seen[a] = true
			c.audit(a, objectType, objectID, nil, after)
		}
	}
}

// adminOfAny reports whether the actor administers one of agencies.
func (c *change) adminOfAny(ctx context.Context, agencies []string) bool {
	for _, a := range agencies {
		if c.adminOf(ctx, a) == nil {
			return true
		}
	}
	return false
}

// ChangePassword sets a user's new password and ends all their sessions. The user may
// change their own; an admin of one of the user's agencies may reset it.
func (e *Engine) ChangePassword(ctx context.Context, actor Actor, userID, plainPassword string) error {
	if len(plainPassword) < 8 {
		return invalid("password", "a password has at least 8 characters")
	}
	hash, err := password.Hash(plainPassword, e.PasswordParams)
	if err != nil {
		return err
	}
	err = e.store.InTx(ctx, func(q Queries) error {
		if actor.UserID != userID && actor != System {
			ms, err := q.MembershipListByUser(ctx, userID)
			if err != nil {
				return err
			}
			c := &change{e: e, q: q, actor: actor, action: "change_password", now: e.timestamp()}
			if !c.adminOfAny(ctx, membershipAgencies(ms)) {
				return refuse("change_password", ReasonWrongRole, "only the user or an admin of their agency may change a password")
			}
		}
		if err := q.UserSetPassword(ctx, userID, hash); err != nil {
			return err
		}
		if _, err := q.SessionDeleteByUser(ctx, userID); err != nil {
			return err
		}
		return e.auditUser(ctx, q, userID, "change_password", "user", userID, map[string]any{"by": actor.UserID})
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return nil
}

// AddSigningKey records where a person's or an agency's signing key lives. The actor is
// System, an admin of the agency (for an agency's key) or of one of the person's
// agencies, or the person themselves for their own key. The event goes to the agency's
// chain, or to the chains of the person's agencies.
func (e *Engine) AddSigningKey(ctx context.Context, actor Actor, k *SigningKey) error {
	switch {
	case k.OwnerKind != KeyOwnerUser && k.OwnerKind != KeyOwnerAgency:
		return invalid("owner_kind", "a signing key belongs to a user or an agency, not %q", k.OwnerKind)
	case k.Kind != KeyKindPKCS12 && k.Kind != KeyKindPKCS11:
		return invalid("kind", "a signing key is pkcs12 or pkcs11, not %q", k.Kind)
	case k.Kind == KeyKindPKCS12 && k.BlobKey == "":
		return invalid("blob_key", "a PKCS#12 key needs its stored file")
	case k.Kind == KeyKindPKCS11 && (k.PKCS11Module == "" || k.PKCS11Token == ""):
		return invalid("pkcs11", "a PKCS#11 key needs its module and token label")
	}
	k.ID, k.CreatedAt = NewID(), e.timestamp()
	after := map[string]any{"owner_kind": k.OwnerKind, "owner": k.OwnerID, "kind": k.Kind, "subject": k.Subject,
		"cert_sha256": k.CertSHA256}
	return e.keyChange(ctx, actor, k.OwnerKind, k.OwnerID, "add_signing_key", k.ID, after, func(q Queries) error {
		return q.SigningKeyInsert(ctx, k)
	})
}

// RevokeSigningKey stops a key from being used (lost token, certificate revoked).
func (e *Engine) RevokeSigningKey(ctx context.Context, actor Actor, keyID string) error {
	k, err := e.store.SigningKeyGetByID(ctx, keyID)
	if err != nil {
		return fmt.Errorf("revoke signing key: %w", err)
	}
	return e.keyChange(ctx, actor, k.OwnerKind, k.OwnerID, "revoke_signing_key", k.ID, nil, func(q Queries) error {
		return q.SigningKeyRevoke(ctx, keyID, e.timestamp())
	})
}

func (e *Engine) keyChange(ctx context.Context, actor Actor, ownerKind, ownerID string, action Action, keyID string, after any,
	fn func(q Queries) error) error {
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: action, now: e.timestamp()}
		agencies := []string{ownerID}
		if ownerKind == KeyOwnerUser {
			ms, err := q.MembershipListByUser(ctx, ownerID)
			if err != nil {
				return err
			}
			agencies = membershipAgencies(ms)
		}
		if actor != System && !(ownerKind == KeyOwnerUser && actor.UserID == ownerID) && !c.adminOfAny(ctx, agencies) {
			return refuse(action, ReasonWrongRole, "only an admin of the agency, or the person for their own key, may do this")
		}
		if err := fn(q); err != nil {
			return err
		}
		c.auditEach(agencies, "signing_key", keyID, after)
		return c.finish(ctx, "", keyID)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}

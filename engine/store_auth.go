package engine

import (
	"context"
	"time"
)

// AuthQueries are the store operations of authentication: sessions, login attempts, API
// tokens, signing keys.
type AuthQueries interface {
	SessionInsert(ctx context.Context, s *Session) error
	// SessionGet returns the session whose cookie hashes to idHash, with its user and the
	// user's memberships: every request asks for all three, in one round trip.
	SessionGet(ctx context.Context, idHash string) (Session, User, []Membership, error)
	SessionTouch(ctx context.Context, idHash string, at time.Time) error
	SessionDelete(ctx context.Context, idHash string) error
	// SessionDeleteByUser ends every session of a user (password changed, account disabled).
	SessionDeleteByUser(ctx context.Context, userID string) (int64, error)
	// SessionDeleteExpired removes sessions whose absolute end or idle limit has passed.
	SessionDeleteExpired(ctx context.Context, now, idleSince time.Time) (int64, error)

	// LoginFailureAdd records a failed login for key and forgets its failures before pruneBefore.
	LoginFailureAdd(ctx context.Context, key string, at, pruneBefore time.Time) error
	LoginFailureCount(ctx context.Context, key string, since time.Time) (int, error)
	LoginFailureClear(ctx context.Context, key string) error
	LoginLockGet(ctx context.Context, key string) (LoginLock, error)
	LoginLockPut(ctx context.Context, l LoginLock) error
	LoginLockDelete(ctx context.Context, key string) error

	APITokenInsert(ctx context.Context, t *APIToken) error
	// APITokenGetByHash returns the token whose secret hashes to hash, with its user.
	APITokenGetByHash(ctx context.Context, hash string) (APIToken, User, []Membership, error)
	APITokenGetByID(ctx context.Context, id string) (APIToken, error)
	APITokenListByUser(ctx context.Context, userID string) ([]APIToken, error)
	APITokenRevoke(ctx context.Context, id string, at time.Time) error
	APITokenTouch(ctx context.Context, id string, at time.Time) error

	// UserSetPassword replaces a user's password hash.
	UserSetPassword(ctx context.Context, userID, hash string) error

	SigningKeyInsert(ctx context.Context, k *SigningKey) error
	// SigningKeyGetActive returns the newest unrevoked key of an owner.
	SigningKeyGetActive(ctx context.Context, ownerKind, ownerID string) (SigningKey, error)
	SigningKeyGetByID(ctx context.Context, id string) (SigningKey, error)
	SigningKeyListByOwner(ctx context.Context, ownerKind, ownerID string) ([]SigningKey, error)
	SigningKeyRevoke(ctx context.Context, id string, at time.Time) error
}

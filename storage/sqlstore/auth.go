package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qSessionInsert         = sqlFor("SessionInsert")
	qSessionGet            = sqlFor("SessionGet")
	qSessionTouch          = sqlFor("SessionTouch")
	qSessionDelete         = sqlFor("SessionDelete")
	qSessionDeleteByUser   = sqlFor("SessionDeleteByUser")
	qSessionDeleteExpired  = sqlFor("SessionDeleteExpired")
	qLoginFailureInsert    = sqlFor("LoginFailureInsert")
	qLoginFailurePrune     = sqlFor("LoginFailurePrune")
	qLoginFailureCount     = sqlFor("LoginFailureCount")
	qLoginFailureClear     = sqlFor("LoginFailureClear")
	qLoginLockGet          = sqlFor("LoginLockGet")
	qLoginLockPut          = sqlFor("LoginLockPut")
	qLoginLockDelete       = sqlFor("LoginLockDelete")
	qAPITokenInsert        = sqlFor("APITokenInsert")
	qAPITokenGetByHash     = sqlFor("APITokenGetByHash")
	qAPITokenGetByID       = sqlFor("APITokenGetByID")
	qAPITokenListByUser    = sqlFor("APITokenListByUser")
	qAPITokenRevoke        = sqlFor("APITokenRevoke")
	qAPITokenTouch         = sqlFor("APITokenTouch")
	qUserSetPassword       = sqlFor("UserSetPassword")
	qSigningKeyInsert      = sqlFor("SigningKeyInsert")
	qSigningKeyGetActive   = sqlFor("SigningKeyGetActive")
	qSigningKeyListByOwner = sqlFor("SigningKeyListByOwner")
	qSigningKeyRevoke      = sqlFor("SigningKeyRevoke")
	qSigningKeyGetByID     = sqlFor("SigningKeyGetByID")
)

func (q queries) SessionInsert(ctx context.Context, s *engine.Session) error {
	_, err := q.exec(ctx, "session insert", qSessionInsert, s.IDHash, s.UserID, s.CreatedAt.UTC(), s.LastSeenAt.UTC(),
		s.ExpiresAt.UTC(), s.ClientIP, s.UserAgent)
	return err
}

func (q queries) SessionGet(ctx context.Context, idHash string) (engine.Session, engine.User, []engine.Membership, error) {
	var s engine.Session
	var u engine.User
	ms := []engine.Membership{}
	rows, err := list(ctx, q, "session get", qSessionGet, func(r Row) (bool, error) {
		var m heldMembership
		err := r.Scan(&s.IDHash, &s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.ClientIP, &s.UserAgent,
			&u.ID, &u.Username, &u.FullName, &u.Email, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.MustChangePassword,
			&m.agency, &m.unit, &m.role, &m.title)
		ms = m.appendTo(ms, u.ID)
		return true, err
	}, idHash)
	switch {
	case err != nil:
		return s, u, nil, err
	case len(rows) == 0:
		return s, u, nil, fmt.Errorf("session get: %w", engine.ErrNotFound)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt, u.CreatedAt = utc(s.CreatedAt), utc(s.LastSeenAt), utc(s.ExpiresAt), utc(u.CreatedAt)
	return s, u, ms, nil
}

// heldMembership is a membership read beside its user in a LEFT JOIN: all NULL when the
// user holds none.
type heldMembership struct{ agency, unit, role, title *string }

func (m heldMembership) appendTo(ms []engine.Membership, userID string) []engine.Membership {
	if m.agency == nil {
		return ms
	}
	return append(ms, engine.Membership{UserID: userID, AgencyID: *m.agency, UnitID: deref(m.unit), Role: engine.Role(deref(m.role)),
		Title: deref(m.title)})
}

func (q queries) SessionTouch(ctx context.Context, idHash string, at time.Time) error {
	return q.execOne(ctx, "session touch", qSessionTouch, idHash, at.UTC())
}

func (q queries) SessionDelete(ctx context.Context, idHash string) error {
	return q.credentialsChanged(q.execOne(ctx, "session delete", qSessionDelete, idHash), CredentialChange{SessionHash: idHash})
}

func (q queries) SessionDeleteByUser(ctx context.Context, userID string) (int64, error) {
	n, err := q.exec(ctx, "session delete by user", qSessionDeleteByUser, userID)
	return n, q.credentialsChanged(err, CredentialChange{UserID: userID})
}

func (q queries) SessionDeleteExpired(ctx context.Context, now, idleSince time.Time) (int64, error) {
	return q.exec(ctx, "session delete expired", qSessionDeleteExpired, now.UTC(), idleSince.UTC())
}

func (q queries) LoginFailureAdd(ctx context.Context, key string, at, pruneBefore time.Time) error {
	if _, err := q.exec(ctx, "login failure prune", qLoginFailurePrune, key, pruneBefore.UTC()); err != nil {
		return err
	}
	_, err := q.exec(ctx, "login failure insert", qLoginFailureInsert, key, at.UTC())
	return err
}

func (q queries) LoginFailureCount(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := q.get(ctx, "login failure count", qLoginFailureCount, func(r Row) error { return r.Scan(&n) }, key, since.UTC())
	return n, err
}

func (q queries) LoginFailureClear(ctx context.Context, key string) error {
	_, err := q.exec(ctx, "login failure clear", qLoginFailureClear, key)
	return err
}

func (q queries) LoginLockGet(ctx context.Context, key string) (engine.LoginLock, error) {
	var l engine.LoginLock
	err := q.get(ctx, "login lock get", qLoginLockGet, func(r Row) error {
		err := r.Scan(&l.Key, &l.LockedUntil, &l.Strikes)
		l.LockedUntil = utc(l.LockedUntil)
		return err
	}, key)
	return l, err
}

func (q queries) LoginLockPut(ctx context.Context, l engine.LoginLock) error {
	_, err := q.exec(ctx, "login lock put", qLoginLockPut, l.Key, l.LockedUntil.UTC(), l.Strikes)
	return err
}

func (q queries) LoginLockDelete(ctx context.Context, key string) error {
	_, err := q.exec(ctx, "login lock delete", qLoginLockDelete, key)
	return err
}

func (q queries) APITokenInsert(ctx context.Context, t *engine.APIToken) error {
	_, err := q.exec(ctx, "api token insert", qAPITokenInsert, t.ID, t.UserID, t.Name, t.Hash, strings.Join(t.Scopes, " "),
		t.CreatedAt.UTC(), utcPtr(t.ExpiresAt), utcPtr(t.RevokedAt), utcPtr(t.LastUsedAt))
	return err
}

func (q queries) APITokenGetByHash(ctx context.Context, hash string) (engine.APIToken, engine.User, []engine.Membership, error) {
	var t engine.APIToken
	var u engine.User
	ms := []engine.Membership{}
	rows, err := list(ctx, q, "api token get", qAPITokenGetByHash, func(r Row) (bool, error) {
		var scopes string
		var m heldMembership
		err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &scopes, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt,
			&u.ID, &u.Username, &u.FullName, &u.Email, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.MustChangePassword,
			&m.agency, &m.unit, &m.role, &m.title)
		t.Scopes = strings.Fields(scopes)
		ms = m.appendTo(ms, u.ID)
		return true, err
	}, hash)
	switch {
	case err != nil:
		return t, u, nil, err
	case len(rows) == 0:
		return t, u, nil, fmt.Errorf("api token get: %w", engine.ErrNotFound)
	}
	t.CreatedAt, u.CreatedAt = utc(t.CreatedAt), utc(u.CreatedAt)
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = utcPtr(t.ExpiresAt), utcPtr(t.RevokedAt), utcPtr(t.LastUsedAt)
	return t, u, ms, nil
}

func (q queries) APITokenGetByID(ctx context.Context, id string) (engine.APIToken, error) {
	var t engine.APIToken
	err := q.get(ctx, "api token get", qAPITokenGetByID, func(r Row) (err error) { t, err = scanAPIToken(r); return }, id)
	return t, err
}

func (q queries) APITokenListByUser(ctx context.Context, userID string) ([]engine.APIToken, error) {
	return list(ctx, q, "api token list", qAPITokenListByUser, scanAPIToken, userID)
}

func (q queries) APITokenRevoke(ctx context.Context, id string, at time.Time) error {
	return q.credentialsChanged(q.execOne(ctx, "api token revoke", qAPITokenRevoke, id, at.UTC()), CredentialChange{TokenID: id})
}

func (q queries) APITokenTouch(ctx context.Context, id string, at time.Time) error {
	return q.execOne(ctx, "api token touch", qAPITokenTouch, id, at.UTC())
}

func scanAPIToken(r Row) (engine.APIToken, error) {
	var t engine.APIToken
	var scopes string
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &scopes, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt)
	t.Scopes, t.CreatedAt = strings.Fields(scopes), utc(t.CreatedAt)
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = utcPtr(t.ExpiresAt), utcPtr(t.RevokedAt), utcPtr(t.LastUsedAt)
	return t, err
}

func (q queries) UserSetPassword(ctx context.Context, userID, hash string) error {
	return q.credentialsChanged(q.execOne(ctx, "user set password", qUserSetPassword, userID, hash), CredentialChange{UserID: userID})
}

func (q queries) SigningKeyInsert(ctx context.Context, k *engine.SigningKey) error {
	if k.OwnerKind != engine.KeyOwnerUser && k.OwnerKind != engine.KeyOwnerAgency {
		return fmt.Errorf("signing key insert: owner kind %q is neither user nor agency", k.OwnerKind)
	}
	_, err := q.exec(ctx, "signing key insert", qSigningKeyInsert, k.ID, k.OwnerKind, k.OwnerID, k.Kind, k.BlobKey,
		k.PKCS11Module, k.PKCS11Token, k.PKCS11Label, k.Subject, k.CertSHA256, utcPtr(k.NotAfter), k.CreatedAt.UTC(),
		utcPtr(k.RevokedAt), k.ImageKey)
	return err
}

func (q queries) SigningKeyGetActive(ctx context.Context, ownerKind, ownerID string) (engine.SigningKey, error) {
	var k engine.SigningKey
	err := q.get(ctx, "signing key get", qSigningKeyGetActive, func(r Row) (err error) { k, err = scanSigningKey(r); return },
		ownerKind, ownerID)
	return k, err
}

func (q queries) SigningKeyGetByID(ctx context.Context, id string) (engine.SigningKey, error) {
	var k engine.SigningKey
	err := q.get(ctx, "signing key get", qSigningKeyGetByID, func(r Row) (err error) { k, err = scanSigningKey(r); return }, id)
	return k, err
}

func (q queries) SigningKeyListByOwner(ctx context.Context, ownerKind, ownerID string) ([]engine.SigningKey, error) {
	return list(ctx, q, "signing key list", qSigningKeyListByOwner, scanSigningKey, ownerKind, ownerID)
}

func (q queries) SigningKeyRevoke(ctx context.Context, id string, at time.Time) error {
	return q.execOne(ctx, "signing key revoke", qSigningKeyRevoke, id, at.UTC())
}

func scanSigningKey(r Row) (engine.SigningKey, error) {
	var k engine.SigningKey
	err := r.Scan(&k.ID, &k.OwnerKind, &k.OwnerID, &k.Kind, &k.BlobKey, &k.PKCS11Module, &k.PKCS11Token, &k.PKCS11Label,
		&k.Subject, &k.CertSHA256, &k.NotAfter, &k.CreatedAt, &k.RevokedAt, &k.ImageKey)
	k.CreatedAt, k.NotAfter, k.RevokedAt = utc(k.CreatedAt), utcPtr(k.NotAfter), utcPtr(k.RevokedAt)
	return k, err
}

-- Authentication: sessions, failed logins, lockouts, API tokens, signing keys.

-- name: SessionInsert
INSERT INTO auth_session (id_hash, user_id, created_at, last_seen_at, expires_at, client_ip, user_agent)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: SessionGet
-- The session, its user and the user's memberships (one row each, or one row of NULLs):
-- everything a request needs to know whom it acts as, in one round trip.
SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.client_ip, s.user_agent,
       u.id, u.username, u.full_name, u.email, u.password_hash, u.disabled, u.created_at, u.must_change_password,
       m.agency_id, m.unit_id, m.role, m.title
FROM auth_session s JOIN app_user u ON u.id = s.user_id
LEFT JOIN membership m ON m.user_id = u.id
WHERE s.id_hash = $1
ORDER BY m.agency_id, m.role;

-- name: SessionTouch
UPDATE auth_session SET last_seen_at = $2 WHERE id_hash = $1;

-- name: SessionDelete
DELETE FROM auth_session WHERE id_hash = $1;

-- name: SessionDeleteByUser
DELETE FROM auth_session WHERE user_id = $1;

-- name: SessionDeleteExpired
DELETE FROM auth_session WHERE expires_at <= $1 OR last_seen_at <= $2;

-- name: LoginFailureInsert
INSERT INTO login_failure (login_key, at) VALUES ($1, $2);

-- name: LoginFailurePrune
DELETE FROM login_failure WHERE login_key = $1 AND at < $2;

-- name: LoginFailureCount
SELECT count(*) FROM login_failure WHERE login_key = $1 AND at >= $2;

-- name: LoginFailureClear
DELETE FROM login_failure WHERE login_key = $1;

-- name: LoginLockGet
SELECT login_key, locked_until, strikes FROM login_lock WHERE login_key = $1;

-- name: LoginLockPut
INSERT INTO login_lock (login_key, locked_until, strikes) VALUES ($1, $2, $3)
ON CONFLICT (login_key) DO UPDATE SET locked_until = excluded.locked_until, strikes = excluded.strikes;

-- name: LoginLockDelete
DELETE FROM login_lock WHERE login_key = $1;

-- name: APITokenInsert
INSERT INTO api_token (id, user_id, name, token_hash, scopes, created_at, expires_at, revoked_at, last_used_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: APITokenGetByHash
-- The token, its user and the user's memberships, as SessionGet.
SELECT t.id, t.user_id, t.name, t.token_hash, t.scopes, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
       u.id, u.username, u.full_name, u.email, u.password_hash, u.disabled, u.created_at, u.must_change_password,
       m.agency_id, m.unit_id, m.role, m.title
FROM api_token t JOIN app_user u ON u.id = t.user_id
LEFT JOIN membership m ON m.user_id = u.id
WHERE t.token_hash = $1
ORDER BY m.agency_id, m.role;

-- name: APITokenGetByID
SELECT id, user_id, name, token_hash, scopes, created_at, expires_at, revoked_at, last_used_at
FROM api_token WHERE id = $1;

-- name: APITokenListByUser
SELECT id, user_id, name, token_hash, scopes, created_at, expires_at, revoked_at, last_used_at
FROM api_token WHERE user_id = $1 ORDER BY created_at, id;

-- name: APITokenRevoke
UPDATE api_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL;

-- name: APITokenTouch
UPDATE api_token SET last_used_at = $2 WHERE id = $1;

-- name: UserSetPassword
UPDATE app_user SET password_hash = $2, must_change_password = false WHERE id = $1;

-- name: SigningKeyInsert
INSERT INTO signing_key (id, owner_kind, owner_id, kind, blob_key, pkcs11_module, pkcs11_token, pkcs11_label, subject,
    cert_sha256, not_after, created_at, revoked_at, image_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: SigningKeyGetActive
SELECT id, owner_kind, owner_id, kind, blob_key, pkcs11_module, pkcs11_token, pkcs11_label, subject, cert_sha256,
    not_after, created_at, revoked_at, image_key
FROM signing_key WHERE owner_kind = $1 AND owner_id = $2 AND revoked_at IS NULL
ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: SigningKeyListByOwner
SELECT id, owner_kind, owner_id, kind, blob_key, pkcs11_module, pkcs11_token, pkcs11_label, subject, cert_sha256,
    not_after, created_at, revoked_at, image_key
FROM signing_key WHERE owner_kind = $1 AND owner_id = $2 ORDER BY created_at, id;

-- name: SigningKeyRevoke
UPDATE signing_key SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL;

-- name: SigningKeyGetByID
SELECT id, owner_kind, owner_id, kind, blob_key, pkcs11_module, pkcs11_token, pkcs11_label, subject, cert_sha256,
    not_after, created_at, revoked_at, image_key
FROM signing_key WHERE id = $1;

-- Authentication: browser sessions, failed logins and lockouts, API tokens, and the
-- signing keys of people and agencies. Secrets are never stored: sessions and tokens are
-- kept as the SHA-256 of what the client holds; keys stay encrypted under their PIN.
CREATE TABLE auth_session (
    id_hash      TEXT PRIMARY KEY, -- hex SHA-256 of the cookie value
    user_id      TEXT NOT NULL REFERENCES app_user (id),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL, -- absolute end, whatever the activity
    client_ip    TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX auth_session_user_idx ON auth_session (user_id);
CREATE INDEX auth_session_expires_idx ON auth_session (expires_at);

-- One row per failed login, per key ("user:<name>" or "ip:<address>"), kept for the window.
CREATE TABLE login_failure (
    login_key TEXT NOT NULL,
    at  TIMESTAMP NOT NULL
);
CREATE INDEX login_failure_key_idx ON login_failure (login_key, at);

-- A key that failed too often; strikes make each lockout longer than the one before.
CREATE TABLE login_lock (
    login_key    TEXT PRIMARY KEY,
    locked_until TIMESTAMP NOT NULL,
    strikes      INTEGER NOT NULL
);

CREATE TABLE api_token (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES app_user (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE, -- hex SHA-256 of the token
    scopes       TEXT NOT NULL,        -- space-separated
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Signing keys: a PKCS#12 file in the blob store (encrypted under its PIN) or an object
-- on a PKCS#11 token. owner_kind is "user" (a leader's personal key) or "agency" (the seal).
CREATE TABLE signing_key (
    id            TEXT PRIMARY KEY,
    owner_kind    TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    kind          TEXT NOT NULL, -- pkcs12 or pkcs11
    blob_key      TEXT NOT NULL DEFAULT '',
    pkcs11_module TEXT NOT NULL DEFAULT '',
    pkcs11_token  TEXT NOT NULL DEFAULT '',
    pkcs11_label  TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    cert_sha256   TEXT NOT NULL DEFAULT '',
    image_key     TEXT NOT NULL DEFAULT '', -- the handwritten signature or the seal (PNG) in the blob store
    not_after     TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);
CREATE INDEX signing_key_owner_idx ON signing_key (owner_kind, owner_id);

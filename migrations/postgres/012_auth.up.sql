-- Authentication: browser sessions, failed logins and lockouts, API tokens, and the
-- signing keys of people and agencies. Secrets are never stored: sessions and tokens are
-- kept as the SHA-256 of what the client holds; keys stay encrypted under their PIN.
CREATE TABLE auth_session (
    id_hash      text PRIMARY KEY, -- hex SHA-256 of the cookie value
    user_id      uuid NOT NULL REFERENCES app_user (id),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL, -- absolute end, whatever the activity
    client_ip    text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX auth_session_user_idx ON auth_session (user_id);
CREATE INDEX auth_session_expires_idx ON auth_session (expires_at);

-- One row per failed login, per key ("user:<name>" or "ip:<address>"), kept for the window.
CREATE TABLE login_failure (
    login_key text NOT NULL,
    at  timestamptz NOT NULL
);
CREATE INDEX login_failure_key_idx ON login_failure (login_key, at);

-- A key that failed too often; strikes make each lockout longer than the one before.
CREATE TABLE login_lock (
    login_key    text PRIMARY KEY,
    locked_until timestamptz NOT NULL,
    strikes      integer NOT NULL
);

CREATE TABLE api_token (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES app_user (id),
    name         text NOT NULL,
    token_hash   text NOT NULL UNIQUE, -- hex SHA-256 of the token
    scopes       text NOT NULL,        -- space-separated
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Signing keys: a PKCS#12 file in the blob store (encrypted under its PIN) or an object
-- on a PKCS#11 token. owner_kind is "user" (a leader's personal key) or "agency" (the seal).
CREATE TABLE signing_key (
    id            uuid PRIMARY KEY,
    owner_kind    text NOT NULL,
    owner_id      uuid NOT NULL,
    kind          text NOT NULL, -- pkcs12 or pkcs11
    blob_key      text NOT NULL DEFAULT '',
    pkcs11_module text NOT NULL DEFAULT '',
    pkcs11_token  text NOT NULL DEFAULT '',
    pkcs11_label  text NOT NULL DEFAULT '',
    subject       text NOT NULL DEFAULT '',
    cert_sha256   text NOT NULL DEFAULT '',
    image_key     text NOT NULL DEFAULT '', -- the handwritten signature or the seal (PNG) in the blob store
    not_after     timestamptz,
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX signing_key_owner_idx ON signing_key (owner_kind, owner_id);

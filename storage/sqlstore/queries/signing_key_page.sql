-- The signing keys an agency's administrator sees: the agency's own (its seal) and those
-- of the people holding a role in it. Table in migration 012_auth.

-- name: SigningKeyPageByAgency
-- Keyset paging, newest first: ids are UUIDv7; the caller passes the largest UUID as $2
-- for the first page.
SELECT id, owner_kind, owner_id, kind, blob_key, pkcs11_module, pkcs11_token, pkcs11_label, subject, cert_sha256,
    not_after, created_at, revoked_at, image_key
FROM signing_key
WHERE ((owner_kind = 'agency' AND owner_id = $1)
    OR (owner_kind = 'user' AND owner_id IN (SELECT user_id FROM membership WHERE agency_id = $1)))
  AND id < $2
ORDER BY id DESC
LIMIT $3;

-- name: SigningKeyCountByAgency
SELECT count(*) FROM signing_key
WHERE (owner_kind = 'agency' AND owner_id = $1)
    OR (owner_kind = 'user' AND owner_id IN (SELECT user_id FROM membership WHERE agency_id = $1));

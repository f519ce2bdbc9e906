-- Signing delegations as the administration screen lists and revokes them. Table in
-- migration 002_documents.

-- name: DelegationPageByAgency
-- Keyset paging, newest first: ids are UUIDv7; the caller passes the largest UUID as $2
-- for the first page.
SELECT id, agency_id, from_user, to_user, form, type_codes, valid_from, valid_to, revoked_at, created_at
FROM delegation WHERE agency_id = $1 AND id < $2
ORDER BY id DESC
LIMIT $3;

-- name: DelegationCountByAgency
SELECT count(*) FROM delegation WHERE agency_id = $1;

-- name: DelegationGetByID
SELECT id, agency_id, from_user, to_user, form, type_codes, valid_from, valid_to, revoked_at, created_at
FROM delegation WHERE id = $1;

-- name: DelegationRevoke
UPDATE delegation SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL;

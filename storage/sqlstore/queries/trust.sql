-- Trust anchors added by administrators. Table in migration 028_trust_anchor.

-- name: TrustAnchorInsert
INSERT INTO trust_anchor (id, subject, sha256, der, not_after, added_by, added_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: TrustAnchorGetByID
SELECT id, subject, sha256, der, not_after, added_by, added_at, removed_by, removed_at
FROM trust_anchor WHERE id = $1;

-- name: TrustAnchorPage
-- Keyset paging of the anchors in use, newest first: ids are UUIDv7, so id order is
-- creation order; the caller passes the largest UUID as $1 for the first page.
SELECT id, subject, sha256, der, not_after, added_by, added_at, removed_by, removed_at
FROM trust_anchor WHERE removed_at IS NULL AND id < $1
ORDER BY id DESC LIMIT $2;

-- name: TrustAnchorCount
SELECT count(*) FROM trust_anchor WHERE removed_at IS NULL;

-- name: TrustAnchorListActive
SELECT id, subject, sha256, der, not_after, added_by, added_at, removed_by, removed_at
FROM trust_anchor WHERE removed_at IS NULL ORDER BY id;

-- name: TrustAnchorRemove
UPDATE trust_anchor SET removed_by = $2, removed_at = $3 WHERE id = $1 AND removed_at IS NULL;

-- name: TrustAnchorVersion
-- Grows with every addition and every removal (rows are never deleted), so comparing it
-- tells a node whether its pool is stale, without reading the certificates.
SELECT count(*) + count(removed_at) FROM trust_anchor;

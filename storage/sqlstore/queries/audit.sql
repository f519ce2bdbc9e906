-- The audit log, hash-chained per agency.

-- name: AuditHeadAdvance
-- Takes the next $2 sequence numbers and returns the last of them with the hash the
-- first must link to; the row stays locked until commit so that one agency's events
-- append one transaction at a time.
INSERT INTO audit_head (agency_id, seq, hash)
VALUES ($1, $2, '0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT (agency_id) DO UPDATE SET seq = audit_head.seq + excluded.seq
RETURNING seq, hash;

-- name: AuditHeadGet
SELECT agency_id, seq, hash FROM audit_head WHERE agency_id = $1;

-- name: AuditInsert
INSERT INTO audit_event (agency_id, seq, at, actor_id, role, action, object_type, object_id, before, after, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: AuditListByAgency
SELECT agency_id, seq, at, actor_id, role, action, object_type, object_id, before, after, prev_hash, hash
FROM audit_event WHERE agency_id = $1 AND seq > $2 ORDER BY seq LIMIT $3;

-- name: AuditCount
SELECT count(*) FROM audit_event;

-- name: AuditListByDocument
-- The events about a document ($1) and about its assignments ($2, the same id), in every
-- agency's chain (a dispatched or succeeded document has events in two), along
-- audit_event_object_idx; newest first, at most $3.
SELECT agency_id, seq, at, actor_id, role, action, object_type, object_id, before, after, prev_hash, hash
FROM audit_event
WHERE object_id = $1
   OR object_id IN (SELECT CAST(id AS TEXT) FROM assignment WHERE document_id = $2)
ORDER BY at DESC, agency_id, seq DESC
LIMIT $3;

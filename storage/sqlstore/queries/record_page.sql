-- The records workspace's lists, one page at a time.

-- name: RecordPage
-- The records agency $1 holds: of year $2 (0 every year), in state $3 ('' every state),
-- owned by $4 ('' anyone), whose code or lower-cased title matches the LIKE pattern $5
-- ('' all) or whose title matches $8, the pattern as typed (SQLite lower-cases ASCII
-- only); newest year first, then by code; $6 rows after the first $7.
SELECT id, agency_id, code, title, year, permanent, retention_years, owner_id, in_plan, state, legal_hold,
    opened_at, work_ended_at, closed_at, hand_over_due, handed_over_at, version, created_at, package_key,
    fonds_code, custodian_id, category, access_mode, language, keywords, description, info_sign, page_total, sheet_total,
    disposal_due, destroyed_at
FROM record
WHERE custodian_id = $1 AND ($2 = 0 OR year = $2) AND ($3 = '' OR state = $3)
  AND ($4 = '' OR CAST(owner_id AS TEXT) = $4)
  AND ($5 = '' OR lower(code) LIKE $5 ESCAPE '\' OR lower(title) LIKE $5 ESCAPE '\' OR title LIKE $8 ESCAPE '\')
ORDER BY year DESC, code, id
LIMIT $6 OFFSET $7;

-- name: RecordEventPage
-- Agency $1's events about record $2 or the documents filed in it ($3, the same id),
-- newest first; $4 rows after the first $5.
SELECT agency_id, seq, at, actor_id, role, action, object_type, object_id, before, after, prev_hash, hash
FROM audit_event
WHERE agency_id = $1 AND (object_id = $2
    OR object_id IN (SELECT CAST(document_id AS TEXT) FROM record_document WHERE record_id = $3))
ORDER BY seq DESC
LIMIT $4 OFFSET $5;

-- name: AppraisalPage
-- Agency $1's appraisals for destruction, newest first; $2 rows after the first $3.
SELECT id, agency_id, title, state, proposed_by, proposed_at, decided_by, decided_at, decision_notation, reason, version
FROM appraisal WHERE agency_id = $1
ORDER BY proposed_at DESC, id
LIMIT $2 OFFSET $3;

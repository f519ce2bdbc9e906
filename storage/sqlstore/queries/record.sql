-- Records (hồ sơ) and the documents filed into them.

-- name: RecordInsert
INSERT INTO record (id, agency_id, code, title, year, permanent, retention_years, owner_id, in_plan, state, legal_hold,
    opened_at, work_ended_at, closed_at, hand_over_due, handed_over_at, version, created_at, package_key,
    fonds_code, custodian_id, category, access_mode, language, keywords, description, info_sign, page_total, sheet_total,
    disposal_due, destroyed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
    $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31);

-- name: RecordUpdate
UPDATE record SET title = $2, permanent = $3, retention_years = $4, owner_id = $5, state = $6, legal_hold = $7,
    opened_at = $8, work_ended_at = $9, closed_at = $10, hand_over_due = $11, handed_over_at = $12, version = $13,
    package_key = $15, custodian_id = $16, category = $17, access_mode = $18, language = $19, keywords = $20,
    description = $21, info_sign = $22, page_total = $23, sheet_total = $24, disposal_due = $25, destroyed_at = $26
WHERE id = $1 AND version = $14;

-- name: RecordGetByID
SELECT id, agency_id, code, title, year, permanent, retention_years, owner_id, in_plan, state, legal_hold,
    opened_at, work_ended_at, closed_at, hand_over_due, handed_over_at, version, created_at, package_key,
    fonds_code, custodian_id, category, access_mode, language, keywords, description, info_sign, page_total, sheet_total,
    disposal_due, destroyed_at
FROM record WHERE id = $1;

-- name: RecordListByAgency
SELECT id, agency_id, code, title, year, permanent, retention_years, owner_id, in_plan, state, legal_hold,
    opened_at, work_ended_at, closed_at, hand_over_due, handed_over_at, version, created_at, package_key,
    fonds_code, custodian_id, category, access_mode, language, keywords, description, info_sign, page_total, sheet_total,
    disposal_due, destroyed_at
FROM record WHERE agency_id = $1 AND ($2 = 0 OR year = $2) ORDER BY year, code;

-- name: RecordDocumentInsert
INSERT INTO record_document (record_id, document_id, filed_by, filed_at) VALUES ($1, $2, $3, $4);

-- name: RecordDocumentDelete
DELETE FROM record_document WHERE record_id = $1 AND document_id = $2;

-- name: RecordDocumentList
SELECT document_id FROM record_document WHERE record_id = $1 ORDER BY filed_at, document_id;

-- Retention: schedules, appraisal and destruction of records, agency succession.
-- Tables in migrations/*/011_retention.up.sql.

-- name: RetentionRuleUpsert
INSERT INTO retention_rule (agency_id, category, name, permanent, retention_years, updated_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (agency_id, category) DO UPDATE SET name = excluded.name, permanent = excluded.permanent,
    retention_years = excluded.retention_years, updated_by = excluded.updated_by, updated_at = excluded.updated_at;

-- name: RetentionRuleList
SELECT agency_id, category, name, permanent, retention_years, updated_by, updated_at
FROM retention_rule WHERE agency_id = $1 ORDER BY category;

-- name: RecordListByCustodian
SELECT id, agency_id, code, title, year, permanent, retention_years, owner_id, in_plan, state, legal_hold,
    opened_at, work_ended_at, closed_at, hand_over_due, handed_over_at, version, created_at, package_key,
    fonds_code, custodian_id, category, access_mode, language, keywords, description, info_sign, page_total, sheet_total,
    disposal_due, destroyed_at
FROM record WHERE custodian_id = $1 ORDER BY fonds_code, year, code;

-- name: RecordListDisposalDue
-- Fixed-term records in the agency archive without a hold, earliest end of retention
-- first, $2 rows after the first $3; the caller cuts the list at the time it asks about.
SELECT id, agency_id, code, title, year, permanent, retention_years, owner_id, in_plan, state, legal_hold,
    opened_at, work_ended_at, closed_at, hand_over_due, handed_over_at, version, created_at, package_key,
    fonds_code, custodian_id, category, access_mode, language, keywords, description, info_sign, page_total, sheet_total,
    disposal_due, destroyed_at
FROM record
WHERE custodian_id = $1 AND state = 'handed_over' AND permanent = false AND legal_hold = false
  AND disposal_due IS NOT NULL
ORDER BY disposal_due, id
LIMIT $2 OFFSET $3;

-- name: RecordIDsByDocument
SELECT record_id FROM record_document WHERE document_id = $1 ORDER BY record_id;

-- name: FileListByBlobKey
SELECT document_id, seq, kind, name, blob_key, sha256, size, created_by, created_at
FROM document_file WHERE blob_key = $1 ORDER BY document_id, seq;

-- name: AppraisalInsert
INSERT INTO appraisal (id, agency_id, title, state, proposed_by, proposed_at, decided_by, decided_at, decision_notation,
    reason, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: AppraisalRecordInsert
INSERT INTO appraisal_record (appraisal_id, record_id) VALUES ($1, $2);

-- name: AppraisalUpdate
UPDATE appraisal SET state = $2, decided_by = $3, decided_at = $4, decision_notation = $5, reason = $6, version = $7
WHERE id = $1 AND version = $8;

-- name: AppraisalGetByID
SELECT id, agency_id, title, state, proposed_by, proposed_at, decided_by, decided_at, decision_notation, reason, version
FROM appraisal WHERE id = $1;

-- name: AppraisalRecordList
SELECT record_id FROM appraisal_record WHERE appraisal_id = $1 ORDER BY record_id;

-- name: DestructionInsert
INSERT INTO destruction (id, appraisal_id, agency_id, executed_by, executed_at, report) VALUES ($1, $2, $3, $4, $5, $6);

-- name: DestructionListByAppraisal
SELECT id, appraisal_id, agency_id, executed_by, executed_at, report
FROM destruction WHERE appraisal_id = $1 ORDER BY executed_at, id;

-- name: DocumentMoveAgency
UPDATE document SET agency_id = $2, drafter_id = $3, drafting_unit_id = $4, signer_id = $5, version = $6, updated_at = $7
WHERE id = $1 AND version = $8;

-- name: AssignmentReassign
UPDATE assignment SET unit_id = $2, user_id = $3 WHERE id = $1;

-- name: BlobKeyListReferenced
-- Which of up to 50 blob keys ($1..$50, unused slots NULL, which match nothing) a row
-- points at, through every column that holds one: document files, records' archival
-- packages (their manifest; the objects and older versions it names are found through
-- it), signing keys and their images. Certified copies keep no key (see
-- CertifiedCopyListByIDs). The collector of unreferenced blobs deletes only what this
-- leaves out: a column holding a blob key that is missing here is data lost.
SELECT blob_key FROM document_file WHERE blob_key IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
    $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34,
    $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50)
UNION SELECT package_key FROM record WHERE package_key IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
    $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33,
    $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50)
UNION SELECT blob_key FROM signing_key WHERE blob_key IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
    $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33,
    $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50)
UNION SELECT image_key FROM signing_key WHERE image_key IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
    $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33,
    $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50);

-- name: CertifiedCopyListByIDs
-- The agencies of up to 50 certified copies by id ($1..$50, unused slots NULL): a copy's
-- PDF is kept under certified-copies/<agency>/<copy>/, named by these two.
SELECT id, agency_id FROM document_copy WHERE id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
    $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34,
    $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50);

-- Archival packages: bags imported from another instance and the source audit events
-- they carried (tables in migrations 010_archive_import); the fixity check's report
-- (017_fixity_report).

-- name: ArchiveImportInsert
INSERT INTO archive_import (id, agency_id, record_id, identifier, payload_digest, bag_name, format_version,
    source_fonds_code, source_fonds_name, source_record_code, source_head_hash, metadata, imported_by, imported_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: ArchiveImportGetByIdentifier
SELECT id, agency_id, record_id, identifier, payload_digest, bag_name, format_version, source_fonds_code,
    source_fonds_name, source_record_code, source_head_hash, metadata, imported_by, imported_at
FROM archive_import WHERE agency_id = $1 AND identifier = $2;

-- name: ArchiveImportGetByRecord
SELECT id, agency_id, record_id, identifier, payload_digest, bag_name, format_version, source_fonds_code,
    source_fonds_name, source_record_code, source_head_hash, metadata, imported_by, imported_at
FROM archive_import WHERE record_id = $1;

-- name: ArchiveImportEventInsert
INSERT INTO archive_import_event (import_id, source_agency_id, seq, at, actor_id, role, action, object_type, object_id,
    before, after, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: ArchiveImportEventList
SELECT source_agency_id, seq, at, actor_id, role, action, object_type, object_id, before, after, prev_hash, hash
FROM archive_import_event WHERE import_id = $1 ORDER BY seq;

-- name: ArchiveAuditListByRecord
-- An agency's events about a record ($2) or the documents filed in it ($3, the same id),
-- in chain order: filtered here so that a package's trail does not carry the whole log
-- out of the database.
SELECT agency_id, seq, at, actor_id, role, action, object_type, object_id, before, after, prev_hash, hash
FROM audit_event
WHERE agency_id = $1 AND (object_id = $2
    OR object_id IN (SELECT CAST(document_id AS TEXT) FROM record_document WHERE record_id = $3))
ORDER BY seq;

-- name: FixityRunInsert
INSERT INTO fixity_run (node, started, finished, slice, slices, packages, objects, damaged, repaired, incomplete)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: FixityRunPrune
-- Keeps the newest $1 runs.
DELETE FROM fixity_run WHERE id <= (SELECT max(id) FROM fixity_run) - $1;

-- name: FixityRunList
SELECT node, started, finished, slice, slices, packages, objects, damaged, repaired, incomplete
FROM fixity_run ORDER BY id;

-- name: FixityFindingInsert
INSERT INTO fixity_finding (detected_at, record, record_id, manifest, object_key, error, repaired_at, repair_error)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: FixityFindingPrune
-- Keeps the newest $1 findings.
DELETE FROM fixity_finding WHERE id <= (SELECT max(id) FROM fixity_finding) - $1;

-- name: FixityFindingList
SELECT detected_at, record, record_id, manifest, object_key, error, repaired_at, repair_error
FROM fixity_finding ORDER BY id;

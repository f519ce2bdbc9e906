-- Archival packages: bags imported from another instance and the source audit events
-- they carried (tables in migrations 010_archive_import).

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

-- Bags taken in from another instance's archive (vanthu archive import): which bag became
-- which record here, where it came from (its fonds, kept as history when a successor
-- agency takes a predecessor's archive in) and the head of the source's audit chain.
CREATE TABLE archive_import (
    id                 TEXT PRIMARY KEY,
    agency_id          TEXT NOT NULL REFERENCES agency (id),
    record_id          TEXT NOT NULL REFERENCES record (id),
    identifier         TEXT NOT NULL, -- the bag's record identifier: fonds.year.code
    payload_digest     TEXT NOT NULL, -- SHA-256 of the bag's payload manifest
    bag_name           TEXT NOT NULL,
    format_version     INTEGER NOT NULL,
    source_fonds_code  TEXT NOT NULL,
    source_fonds_name  TEXT NOT NULL,
    source_record_code TEXT NOT NULL,
    source_head_hash   TEXT NOT NULL,
    metadata           TEXT NOT NULL, -- the bag's metadata/record.json as received
    imported_by        TEXT NOT NULL,
    imported_at        TIMESTAMP NOT NULL,
    UNIQUE (agency_id, identifier)
);
CREATE INDEX archive_import_record_idx ON archive_import (record_id);

-- The source's audit events about the record and its documents, kept as they were
-- (their own hash chain, read-only): history, not part of this instance's chain.
CREATE TABLE archive_import_event (
    import_id        TEXT    NOT NULL REFERENCES archive_import (id),
    source_agency_id TEXT    NOT NULL,
    seq              INTEGER NOT NULL,
    at               TIMESTAMP NOT NULL,
    actor_id         TEXT    NOT NULL,
    role             TEXT    NOT NULL,
    action           TEXT    NOT NULL,
    object_type      TEXT    NOT NULL,
    object_id        TEXT    NOT NULL,
    before           TEXT    NOT NULL,
    after            TEXT    NOT NULL,
    prev_hash        TEXT    NOT NULL,
    hash             TEXT    NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE TRIGGER archive_import_event_no_update BEFORE UPDATE ON archive_import_event
BEGIN
    SELECT RAISE(ABORT, 'imported audit events are read-only');
END;
CREATE TRIGGER archive_import_event_no_delete BEFORE DELETE ON archive_import_event
BEGIN
    SELECT RAISE(ABORT, 'imported audit events are read-only');
END;

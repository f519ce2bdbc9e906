-- Bags taken in from another instance's archive (vanthu archive import): which bag became
-- which record here, where it came from (its fonds, kept as history when a successor
-- agency takes a predecessor's archive in) and the head of the source's audit chain.
CREATE TABLE archive_import (
    id                 uuid PRIMARY KEY,
    agency_id          uuid NOT NULL REFERENCES agency (id),
    record_id          uuid NOT NULL REFERENCES record (id),
    identifier         text NOT NULL, -- the bag's record identifier: fonds.year.code
    payload_digest     text NOT NULL, -- SHA-256 of the bag's payload manifest
    bag_name           text NOT NULL,
    format_version     integer NOT NULL,
    source_fonds_code  text NOT NULL,
    source_fonds_name  text NOT NULL,
    source_record_code text NOT NULL,
    source_head_hash   text NOT NULL,
    metadata           text NOT NULL, -- the bag's metadata/record.json as received
    imported_by        text NOT NULL,
    imported_at        timestamptz NOT NULL,
    UNIQUE (agency_id, identifier)
);
CREATE INDEX archive_import_record_idx ON archive_import (record_id);

-- The source's audit events about the record and its documents, kept as they were
-- (their own hash chain, read-only): history, not part of this instance's chain.
CREATE TABLE archive_import_event (
    import_id        uuid   NOT NULL REFERENCES archive_import (id),
    source_agency_id text   NOT NULL,
    seq              bigint NOT NULL,
    at               timestamptz NOT NULL,
    actor_id         text   NOT NULL,
    role             text   NOT NULL,
    action           text   NOT NULL,
    object_type      text   NOT NULL,
    object_id        text   NOT NULL,
    before           text   NOT NULL,
    after            text   NOT NULL,
    prev_hash        text   NOT NULL,
    hash             text   NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE FUNCTION archive_import_event_readonly() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'imported audit events are read-only';
END;
$$;
CREATE TRIGGER archive_import_event_no_change BEFORE UPDATE OR DELETE ON archive_import_event
    FOR EACH ROW EXECUTE FUNCTION archive_import_event_readonly();

-- Retention and disposition (thời hạn bảo quản, tiêu hủy), agency succession, and the
-- record fields of the national field lists (Decree 30 PL VI III, TT 02/2019 PL II).

-- The fonds (phông) a record belongs to stays with it when another agency takes custody
-- of it after a merger or split; disposal_due is the end of its retention, for queries.
ALTER TABLE record ADD COLUMN fonds_code   text NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN custodian_id uuid REFERENCES agency (id);
ALTER TABLE record ADD COLUMN category     text NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN access_mode  text NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN language     text NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN keywords     text NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN description  text NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN info_sign    text NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN page_total   integer NOT NULL DEFAULT 0;
ALTER TABLE record ADD COLUMN sheet_total  integer NOT NULL DEFAULT 0;
ALTER TABLE record ADD COLUMN disposal_due timestamptz;
ALTER TABLE record ADD COLUMN destroyed_at timestamptz;
-- Records from before: their agency holds them and they are its fonds; Vietnamese, open use.
UPDATE record SET custodian_id = agency_id WHERE custodian_id IS NULL;
UPDATE record SET fonds_code = (SELECT a.code FROM agency a WHERE a.id = record.agency_id) WHERE fonds_code = '';
UPDATE record SET language = 'vi' WHERE language = '';
UPDATE record SET access_mode = 'open' WHERE access_mode = '';
CREATE INDEX record_custodian_idx ON record (custodian_id, state, disposal_due);

-- Files are content-addressed: before deleting bytes, disposal asks who else uses them.
CREATE INDEX document_file_blob_idx ON document_file (blob_key);

-- An agency's (or a province's, for everything below it) retention per record category.
CREATE TABLE retention_rule (
    agency_id       uuid NOT NULL REFERENCES agency (id),
    category        text NOT NULL,
    name            text NOT NULL,
    permanent       boolean NOT NULL,
    retention_years integer NOT NULL,
    updated_by      uuid REFERENCES app_user (id),
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (agency_id, category)
);

-- Appraisal for destruction: proposed by the archivist, decided by the head of the agency
-- (quyết định hủy tài liệu hết giá trị), then executed.
CREATE TABLE appraisal (
    id                uuid PRIMARY KEY,
    agency_id         uuid NOT NULL REFERENCES agency (id),
    title             text NOT NULL,
    state             text NOT NULL, -- proposed, approved, rejected, executed
    proposed_by       uuid NOT NULL REFERENCES app_user (id),
    proposed_at       timestamptz NOT NULL,
    decided_by        uuid REFERENCES app_user (id),
    decided_at        timestamptz,
    decision_notation text NOT NULL DEFAULT '',
    reason            text NOT NULL DEFAULT '',
    version           integer NOT NULL
);
CREATE INDEX appraisal_agency_idx ON appraisal (agency_id, proposed_at);

CREATE TABLE appraisal_record (
    appraisal_id uuid NOT NULL REFERENCES appraisal (id),
    record_id    uuid NOT NULL REFERENCES record (id),
    PRIMARY KEY (appraisal_id, record_id)
);

-- The destruction record (biên bản hủy): what was destroyed, by whom, when, under which
-- decision; report is JSON.
CREATE TABLE destruction (
    id           uuid PRIMARY KEY,
    appraisal_id uuid NOT NULL REFERENCES appraisal (id),
    agency_id    uuid NOT NULL REFERENCES agency (id),
    executed_by  uuid NOT NULL REFERENCES app_user (id),
    executed_at  timestamptz NOT NULL,
    report       text NOT NULL
);
CREATE INDEX destruction_appraisal_idx ON destruction (appraisal_id, executed_at);

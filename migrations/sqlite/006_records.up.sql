-- Records (hồ sơ): the agency's yearly list of records to open, the records themselves
-- and the documents filed into them.
CREATE TABLE record (
    id             TEXT PRIMARY KEY,
    agency_id      TEXT    NOT NULL REFERENCES agency (id),
    code           TEXT    NOT NULL, -- số và ký hiệu hồ sơ, e.g. 01.TCCB
    title          TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    permanent      BOOLEAN NOT NULL,
    retention_years INTEGER NOT NULL, -- 0 when permanent
    owner_id       TEXT REFERENCES app_user (id),
    in_plan        BOOLEAN NOT NULL,
    state          TEXT    NOT NULL, -- planned, open, closed, handed_over
    legal_hold     BOOLEAN NOT NULL DEFAULT false,
    opened_at      TIMESTAMP,
    work_ended_at  TIMESTAMP,
    closed_at      TIMESTAMP,
    hand_over_due  TIMESTAMP,
    handed_over_at TIMESTAMP,
    version        INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (agency_id, year, code)
);
CREATE INDEX record_due_idx ON record (agency_id, state, hand_over_due);

CREATE TABLE record_document (
    record_id   TEXT NOT NULL REFERENCES record (id),
    document_id TEXT NOT NULL REFERENCES document (id),
    filed_by    TEXT NOT NULL REFERENCES app_user (id),
    filed_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (record_id, document_id)
);
CREATE INDEX record_document_doc_idx ON record_document (document_id);

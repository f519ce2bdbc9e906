-- Records (hồ sơ): the agency's yearly list of records to open, the records themselves
-- and the documents filed into them.
CREATE TABLE record (
    id             uuid PRIMARY KEY,
    agency_id      uuid    NOT NULL REFERENCES agency (id),
    code           text    NOT NULL, -- số và ký hiệu hồ sơ, e.g. 01.TCCB
    title          text    NOT NULL,
    year           integer NOT NULL,
    permanent      boolean NOT NULL,
    retention_years integer NOT NULL, -- 0 when permanent
    owner_id       uuid REFERENCES app_user (id),
    in_plan        boolean NOT NULL,
    state          text    NOT NULL, -- planned, open, closed, handed_over
    legal_hold     boolean NOT NULL DEFAULT false,
    opened_at      timestamptz,
    work_ended_at  timestamptz,
    closed_at      timestamptz,
    hand_over_due  timestamptz,
    handed_over_at timestamptz,
    version        integer NOT NULL,
    created_at     timestamptz NOT NULL,
    UNIQUE (agency_id, year, code)
);
CREATE INDEX record_due_idx ON record (agency_id, state, hand_over_due);

CREATE TABLE record_document (
    record_id   uuid NOT NULL REFERENCES record (id),
    document_id uuid NOT NULL REFERENCES document (id),
    filed_by    uuid NOT NULL REFERENCES app_user (id),
    filed_at    timestamptz NOT NULL,
    PRIMARY KEY (record_id, document_id)
);
CREATE INDEX record_document_doc_idx ON record_document (document_id);

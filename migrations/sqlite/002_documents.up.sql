-- Registers, documents and their lifecycles, deliveries between agencies, assignments,
-- delegations, idempotent requests and the hash-chained audit log.

ALTER TABLE agency ADD COLUMN numbering_per_type BOOLEAN NOT NULL DEFAULT false;

-- One row per register (sổ) and year; last_number is the last number handed out.
CREATE TABLE register_counter (
    agency_id   TEXT    NOT NULL REFERENCES agency (id),
    year        INTEGER NOT NULL,
    kind        TEXT    NOT NULL, -- outgoing, incoming, copy
    series      TEXT    NOT NULL, -- '' for the common series, 'secret', or a type code
    last_number INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year, kind, series)
);

CREATE TABLE document (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT    NOT NULL REFERENCES agency (id),
    flow             TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    type_code        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    urgency          TEXT    NOT NULL,
    classification   TEXT    NOT NULL,
    drafter_id       TEXT REFERENCES app_user (id),
    drafting_unit_id TEXT REFERENCES unit (id),
    signer_id        TEXT REFERENCES app_user (id),
    signing_form     TEXT    NOT NULL,
    signer_title     TEXT    NOT NULL,
    year             INTEGER NOT NULL,
    series           TEXT    NOT NULL,
    number           INTEGER,
    notation         TEXT    NOT NULL,
    issued_at        TIMESTAMP,
    incoming_number  INTEGER,
    received_at      TIMESTAMP,
    source_id        TEXT REFERENCES document (id),
    sender_name      TEXT    NOT NULL,
    sender_notation  TEXT    NOT NULL,
    direction        TEXT    NOT NULL,
    deadline         TIMESTAMP,
    note             TEXT    NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
-- Numbers are unique per register and year: the database, not only the engine, says so.
CREATE UNIQUE INDEX document_outgoing_number_idx ON document (agency_id, year, series, number)
    WHERE flow = 'outgoing' AND number IS NOT NULL;
CREATE UNIQUE INDEX document_incoming_number_idx ON document (agency_id, year, incoming_number)
    WHERE flow = 'incoming' AND incoming_number IS NOT NULL;
CREATE INDEX document_agency_state_idx ON document (agency_id, flow, state, updated_at);
CREATE INDEX document_source_idx ON document (source_id);

CREATE TABLE document_file (
    document_id TEXT    NOT NULL REFERENCES document (id),
    seq         INTEGER NOT NULL,
    kind        TEXT    NOT NULL, -- draft, signed, attachment, scan
    name        TEXT    NOT NULL,
    blob_key    TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    size        INTEGER  NOT NULL,
    created_by  TEXT REFERENCES app_user (id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE review_step (
    document_id TEXT    NOT NULL REFERENCES document (id),
    seq         INTEGER NOT NULL,
    reviewer_id TEXT    NOT NULL REFERENCES app_user (id),
    kind        TEXT    NOT NULL, -- content, format
    status      TEXT    NOT NULL, -- pending, approved, returned
    comment     TEXT    NOT NULL,
    decided_at  TIMESTAMP,
    PRIMARY KEY (document_id, seq, reviewer_id)
);

-- A dispatched document's copy for one recipient agency, and where it stands there.
CREATE TABLE delivery (
    id                   TEXT PRIMARY KEY,
    outgoing_id          TEXT NOT NULL REFERENCES document (id),
    recipient_agency_id  TEXT NOT NULL REFERENCES agency (id),
    incoming_id          TEXT REFERENCES document (id),
    status               TEXT NOT NULL,
    reason               TEXT NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (outgoing_id, recipient_agency_id)
);
CREATE INDEX delivery_recipient_idx ON delivery (recipient_agency_id, status);

CREATE TABLE assignment (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES document (id),
    parent_id   TEXT REFERENCES assignment (id),
    unit_id     TEXT REFERENCES unit (id),
    user_id     TEXT REFERENCES app_user (id),
    role        TEXT NOT NULL, -- lead, cooperate, info
    deadline    TIMESTAMP,
    status      TEXT NOT NULL, -- open, done
    note        TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES app_user (id),
    created_at  TIMESTAMP NOT NULL,
    done_at     TIMESTAMP
);
CREATE INDEX assignment_document_idx ON assignment (document_id);
CREATE INDEX assignment_user_idx ON assignment (user_id, status);
CREATE INDEX assignment_unit_idx ON assignment (unit_id, status);

CREATE TABLE delegation (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agency (id),
    from_user   TEXT NOT NULL REFERENCES app_user (id),
    to_user     TEXT NOT NULL REFERENCES app_user (id),
    form        TEXT NOT NULL, -- KT, TL, TUQ, Q, TM
    type_codes  TEXT NOT NULL, -- comma-separated scope; '' = all types
    valid_from  TIMESTAMP NOT NULL,
    valid_to    TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX delegation_to_idx ON delegation (to_user, agency_id);

-- Idempotency: a retried request with the same id returns the first result.
CREATE TABLE request_log (
    request_id  TEXT PRIMARY KEY,
    actor_id    TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- Audit events, hash-chained per agency; audit_head holds each chain's tip so that
-- appends serialise per agency and a truncated tail is detectable.
CREATE TABLE audit_head (
    agency_id TEXT PRIMARY KEY REFERENCES agency (id),
    seq       INTEGER NOT NULL,
    hash      TEXT   NOT NULL
);
CREATE TABLE audit_event (
    agency_id   TEXT   NOT NULL REFERENCES agency (id),
    seq         INTEGER NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT   NOT NULL,
    role        TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    object_type TEXT   NOT NULL,
    object_id   TEXT   NOT NULL,
    before      TEXT   NOT NULL,
    after       TEXT   NOT NULL,
    prev_hash   TEXT   NOT NULL,
    hash        TEXT   NOT NULL,
    PRIMARY KEY (agency_id, seq)
);

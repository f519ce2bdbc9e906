-- Registers, documents and their lifecycles, deliveries between agencies, assignments,
-- delegations, idempotent requests and the hash-chained audit log.

ALTER TABLE agency ADD COLUMN numbering_per_type boolean NOT NULL DEFAULT false;

-- One row per register (sổ) and year; last_number is the last number handed out.
CREATE TABLE register_counter (
    agency_id   uuid    NOT NULL REFERENCES agency (id),
    year        integer NOT NULL,
    kind        text    NOT NULL, -- outgoing, incoming, copy
    series      text    NOT NULL, -- '' for the common series, 'secret', or a type code
    last_number integer NOT NULL,
    PRIMARY KEY (agency_id, year, kind, series)
);

CREATE TABLE document (
    id               uuid PRIMARY KEY,
    agency_id        uuid    NOT NULL REFERENCES agency (id),
    flow             text    NOT NULL,
    state            text    NOT NULL,
    version          integer NOT NULL,
    type_code        text    NOT NULL,
    subject          text    NOT NULL,
    urgency          text    NOT NULL,
    classification   text    NOT NULL,
    drafter_id       uuid REFERENCES app_user (id),
    drafting_unit_id uuid REFERENCES unit (id),
    signer_id        uuid REFERENCES app_user (id),
    signing_form     text    NOT NULL,
    signer_title     text    NOT NULL,
    year             integer NOT NULL,
    series           text    NOT NULL,
    number           integer,
    notation         text    NOT NULL,
    issued_at        timestamptz,
    incoming_number  integer,
    received_at      timestamptz,
    source_id        uuid REFERENCES document (id),
    sender_name      text    NOT NULL,
    sender_notation  text    NOT NULL,
    direction        text    NOT NULL,
    deadline         timestamptz,
    note             text    NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
-- Numbers are unique per register and year: the database, not only the engine, says so.
CREATE UNIQUE INDEX document_outgoing_number_idx ON document (agency_id, year, series, number)
    WHERE flow = 'outgoing' AND number IS NOT NULL;
CREATE UNIQUE INDEX document_incoming_number_idx ON document (agency_id, year, incoming_number)
    WHERE flow = 'incoming' AND incoming_number IS NOT NULL;
CREATE INDEX document_agency_state_idx ON document (agency_id, flow, state, updated_at);
CREATE INDEX document_source_idx ON document (source_id);

CREATE TABLE document_file (
    document_id uuid    NOT NULL REFERENCES document (id),
    seq         integer NOT NULL,
    kind        text    NOT NULL, -- draft, signed, attachment, scan
    name        text    NOT NULL,
    blob_key    text    NOT NULL,
    sha256      text    NOT NULL,
    size        bigint  NOT NULL,
    created_by  uuid REFERENCES app_user (id),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE review_step (
    document_id uuid    NOT NULL REFERENCES document (id),
    seq         integer NOT NULL,
    reviewer_id uuid    NOT NULL REFERENCES app_user (id),
    kind        text    NOT NULL, -- content, format
    status      text    NOT NULL, -- pending, approved, returned
    comment     text    NOT NULL,
    decided_at  timestamptz,
    PRIMARY KEY (document_id, seq, reviewer_id)
);

-- A dispatched document's copy for one recipient agency, and where it stands there.
CREATE TABLE delivery (
    id                   uuid PRIMARY KEY,
    outgoing_id          uuid NOT NULL REFERENCES document (id),
    recipient_agency_id  uuid NOT NULL REFERENCES agency (id),
    incoming_id          uuid REFERENCES document (id),
    status               text NOT NULL,
    reason               text NOT NULL,
    updated_at           timestamptz NOT NULL,
    UNIQUE (outgoing_id, recipient_agency_id)
);
CREATE INDEX delivery_recipient_idx ON delivery (recipient_agency_id, status);

CREATE TABLE assignment (
    id          uuid PRIMARY KEY,
    document_id uuid NOT NULL REFERENCES document (id),
    parent_id   uuid REFERENCES assignment (id),
    unit_id     uuid REFERENCES unit (id),
    user_id     uuid REFERENCES app_user (id),
    role        text NOT NULL, -- lead, cooperate, info
    deadline    timestamptz,
    status      text NOT NULL, -- open, done
    note        text NOT NULL,
    created_by  uuid NOT NULL REFERENCES app_user (id),
    created_at  timestamptz NOT NULL,
    done_at     timestamptz
);
CREATE INDEX assignment_document_idx ON assignment (document_id);
CREATE INDEX assignment_user_idx ON assignment (user_id, status);
CREATE INDEX assignment_unit_idx ON assignment (unit_id, status);

CREATE TABLE delegation (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agency (id),
    from_user   uuid NOT NULL REFERENCES app_user (id),
    to_user     uuid NOT NULL REFERENCES app_user (id),
    form        text NOT NULL, -- KT, TL, TUQ, Q, TM
    type_codes  text NOT NULL, -- comma-separated scope; '' = all types
    valid_from  timestamptz NOT NULL,
    valid_to    timestamptz NOT NULL,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL
);
CREATE INDEX delegation_to_idx ON delegation (to_user, agency_id);

-- Idempotency: a retried request with the same id returns the first result.
CREATE TABLE request_log (
    request_id  text PRIMARY KEY,
    actor_id    uuid NOT NULL,
    action      text NOT NULL,
    object_id   uuid NOT NULL,
    created_at  timestamptz NOT NULL
);

-- Audit events, hash-chained per agency; audit_head holds each chain's tip so that
-- appends serialise per agency and a truncated tail is detectable.
CREATE TABLE audit_head (
    agency_id uuid PRIMARY KEY REFERENCES agency (id),
    seq       bigint NOT NULL,
    hash      text   NOT NULL
);
CREATE TABLE audit_event (
    agency_id   uuid   NOT NULL REFERENCES agency (id),
    seq         bigint NOT NULL,
    at          timestamptz NOT NULL,
    actor_id    text   NOT NULL,
    role        text   NOT NULL,
    action      text   NOT NULL,
    object_type text   NOT NULL,
    object_id   text   NOT NULL,
    before      text   NOT NULL,
    after       text   NOT NULL,
    prev_hash   text   NOT NULL,
    hash        text   NOT NULL,
    PRIMARY KEY (agency_id, seq)
);

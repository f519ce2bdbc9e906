-- Handling details: progress notes and extension requests on assignments, replies,
-- corrections and replacements, saved distribution lists, notifications, copies.

ALTER TABLE document ADD COLUMN reply_to_id uuid REFERENCES document (id);
ALTER TABLE document ADD COLUMN replaces_id uuid REFERENCES document (id);
ALTER TABLE document ADD COLUMN replace_kind text NOT NULL DEFAULT '';

CREATE TABLE assignment_note (
    id            uuid PRIMARY KEY,
    assignment_id uuid NOT NULL REFERENCES assignment (id),
    author_id     uuid NOT NULL REFERENCES app_user (id),
    kind          text NOT NULL, -- progress, extension_request, extension_granted, extension_refused
    body          text NOT NULL,
    new_deadline  timestamptz,
    created_at    timestamptz NOT NULL
);
CREATE INDEX assignment_note_assignment_idx ON assignment_note (assignment_id, created_at);

CREATE TABLE distribution_list (
    id         uuid PRIMARY KEY,
    agency_id  uuid NOT NULL REFERENCES agency (id),
    name       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (agency_id, name)
);
CREATE TABLE distribution_member (
    list_id   uuid NOT NULL REFERENCES distribution_list (id),
    agency_id uuid NOT NULL REFERENCES agency (id),
    PRIMARY KEY (list_id, agency_id)
);

CREATE TABLE notification (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user (id),
    kind        text NOT NULL, -- due_soon, overdue, escalated
    document_id uuid REFERENCES document (id),
    assignment_id uuid REFERENCES assignment (id),
    body        text NOT NULL,
    created_at  timestamptz NOT NULL,
    read_at     timestamptz
);
-- One reminder of a kind per assignment and person: the job can run as often as it likes.
CREATE UNIQUE INDEX notification_once_idx ON notification (user_id, kind, assignment_id);
CREATE INDEX notification_user_idx ON notification (user_id, read_at);

CREATE TABLE document_copy (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agency (id),
    source_id   uuid NOT NULL REFERENCES document (id),
    form        text NOT NULL, -- SY, SL, TrS
    year        integer NOT NULL,
    number      integer NOT NULL,
    notation    text NOT NULL,
    created_by  uuid NOT NULL REFERENCES app_user (id),
    created_at  timestamptz NOT NULL,
    UNIQUE (agency_id, year, number)
);

-- Handling details: progress notes and extension requests on assignments, replies,
-- corrections and replacements, saved distribution lists, notifications, copies.

ALTER TABLE document ADD COLUMN reply_to_id TEXT REFERENCES document (id);
ALTER TABLE document ADD COLUMN replaces_id TEXT REFERENCES document (id);
ALTER TABLE document ADD COLUMN replace_kind TEXT NOT NULL DEFAULT '';

CREATE TABLE assignment_note (
    id            TEXT PRIMARY KEY,
    assignment_id TEXT NOT NULL REFERENCES assignment (id),
    author_id     TEXT NOT NULL REFERENCES app_user (id),
    kind          TEXT NOT NULL, -- progress, extension_request, extension_granted, extension_refused
    body          TEXT NOT NULL,
    new_deadline  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX assignment_note_assignment_idx ON assignment_note (assignment_id, created_at);

CREATE TABLE distribution_list (
    id         TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agency (id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, name)
);
CREATE TABLE distribution_member (
    list_id   TEXT NOT NULL REFERENCES distribution_list (id),
    agency_id TEXT NOT NULL REFERENCES agency (id),
    PRIMARY KEY (list_id, agency_id)
);

CREATE TABLE notification (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user (id),
    kind        TEXT NOT NULL, -- due_soon, overdue, escalated
    document_id TEXT REFERENCES document (id),
    assignment_id TEXT REFERENCES assignment (id),
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);
-- One reminder of a kind per assignment and person: the job can run as often as it likes.
CREATE UNIQUE INDEX notification_once_idx ON notification (user_id, kind, assignment_id);
CREATE INDEX notification_user_idx ON notification (user_id, read_at);

CREATE TABLE document_copy (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agency (id),
    source_id   TEXT NOT NULL REFERENCES document (id),
    form        TEXT NOT NULL, -- SY, SL, TrS
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    notation    TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES app_user (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (agency_id, year, number)
);

-- Agencies tree, units, users and their roles per agency.
CREATE TABLE agency (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    code102      TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    short_name   TEXT NOT NULL,
    tier         TEXT NOT NULL,
    parent_id    TEXT REFERENCES agency (id),
    valid_to     TIMESTAMP,
    successor_id TEXT REFERENCES agency (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX agency_parent_idx ON agency (parent_id);

CREATE TABLE unit (
    id         TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agency (id),
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, short_name)
);

CREATE TABLE app_user (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE membership (
    user_id   TEXT NOT NULL REFERENCES app_user (id),
    agency_id TEXT NOT NULL REFERENCES agency (id),
    unit_id   TEXT REFERENCES unit (id),
    role      TEXT NOT NULL,
    title     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX membership_unique_idx ON membership (user_id, agency_id, coalesce(unit_id, ''), role);
CREATE INDEX membership_agency_idx ON membership (agency_id);

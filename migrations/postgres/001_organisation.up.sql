-- Agencies tree, units, users and their roles per agency.
CREATE TABLE agency (
    id           uuid PRIMARY KEY,
    code         text NOT NULL UNIQUE,
    code102      text NOT NULL DEFAULT '',
    name         text NOT NULL,
    short_name   text NOT NULL,
    tier         text NOT NULL,
    parent_id    uuid REFERENCES agency (id),
    valid_to     timestamptz,
    successor_id uuid REFERENCES agency (id),
    created_at   timestamptz NOT NULL
);
CREATE INDEX agency_parent_idx ON agency (parent_id);

CREATE TABLE unit (
    id         uuid PRIMARY KEY,
    agency_id  uuid NOT NULL REFERENCES agency (id),
    name       text NOT NULL,
    short_name text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (agency_id, short_name)
);

CREATE TABLE app_user (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    full_name     text NOT NULL,
    email         text NOT NULL DEFAULT '',
    password_hash text NOT NULL DEFAULT '',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);

CREATE TABLE membership (
    user_id   uuid NOT NULL REFERENCES app_user (id),
    agency_id uuid NOT NULL REFERENCES agency (id),
    unit_id   uuid REFERENCES unit (id),
    role      text NOT NULL,
    title     text NOT NULL DEFAULT ''
);
-- One role once per user, agency and unit; NULL units compare equal through coalesce.
CREATE UNIQUE INDEX membership_unique_idx
    ON membership (user_id, agency_id, coalesce(unit_id, '00000000-0000-0000-0000-000000000000'::uuid), role);
CREATE INDEX membership_agency_idx ON membership (agency_id);

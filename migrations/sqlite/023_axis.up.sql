-- The national document exchange axis (trục liên thông văn bản quốc gia): its agency
-- directory as last synchronised, and where each document sent over it stands with each
-- recipient that is not on this instance, with the history of the statuses it reported.
CREATE TABLE axis_agency (
    code        TEXT PRIMARY KEY,    -- QCVN 102:2016 or QĐ 20/2020 code, or an axis id
    name        TEXT        NOT NULL,
    parent_code TEXT        NOT NULL,
    email       TEXT        NOT NULL,
    phone       TEXT        NOT NULL,
    address     TEXT        NOT NULL,
    system_id   TEXT        NOT NULL, -- the connected system that receives for it
    folded      TEXT        NOT NULL, -- code and name in search form (search.Fold)
    synced_at   TIMESTAMP NOT NULL
);

CREATE TABLE axis_delivery (
    id             TEXT PRIMARY KEY,
    outgoing_id    TEXT        NOT NULL REFERENCES document (id),
    recipient_code TEXT        NOT NULL,
    recipient_name TEXT        NOT NULL,
    status         TEXT        NOT NULL,
    reason         TEXT        NOT NULL,
    status_code    TEXT        NOT NULL, -- the edXML status code of status, "" for our own
    status_at      TIMESTAMP NOT NULL, -- when the recipient reported status
    package_id     TEXT        NOT NULL, -- the axis's package, once sent
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (outgoing_id, recipient_code)
);

-- One row per status: a status received twice (the axis delivers at least once) is
-- one row, whatever order statuses arrive in.
CREATE TABLE axis_delivery_event (
    delivery_id TEXT        NOT NULL REFERENCES axis_delivery (id),
    status_code TEXT        NOT NULL,
    at          TIMESTAMP NOT NULL,
    status      TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    staff       TEXT        NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (delivery_id, status_code, at)
);

-- A message is taken in once per addressee and business: two rounds of the poller that
-- overlap cannot both take in the same package.
CREATE UNIQUE INDEX exchange_document_once ON exchange_document (agency_id, external_id, business);

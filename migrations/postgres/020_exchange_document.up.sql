-- Incoming documents that came over the national exchange axis (edXML, QCVN 102:2016):
-- the DocumentId they arrived under and who sent them, so that a later revocation,
-- update or replacement, or a status 13, finds the document it is about.
CREATE TABLE exchange_document (
    document_id  uuid PRIMARY KEY REFERENCES document (id),
    agency_id    uuid        NOT NULL REFERENCES agency (id),
    sender_code  text        NOT NULL, -- From/OrganId, as written
    external_id  text        NOT NULL, -- the edXML DocumentId
    business     text        NOT NULL, -- new, revocation, update, replacement
    received_at  timestamptz NOT NULL
);
CREATE INDEX exchange_document_external_idx ON exchange_document (external_id);

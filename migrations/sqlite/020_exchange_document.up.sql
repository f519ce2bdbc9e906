-- Incoming documents that came over the national exchange axis (edXML, QCVN 102:2016):
-- the DocumentId they arrived under and who sent them, so that a later revocation,
-- update or replacement, or a status 13, finds the document it is about.
CREATE TABLE exchange_document (
    document_id  TEXT PRIMARY KEY REFERENCES document (id),
    agency_id    TEXT      NOT NULL REFERENCES agency (id),
    sender_code  TEXT      NOT NULL, -- From/OrganId, as written
    external_id  TEXT      NOT NULL, -- the edXML DocumentId
    business     TEXT      NOT NULL, -- new, revocation, update, replacement
    received_at  TIMESTAMP NOT NULL
);
CREATE INDEX exchange_document_external_idx ON exchange_document (external_id);

-- The search index: each document's searchable text folded to plain lower-case letters
-- (no Vietnamese diacritics), so that "quyet dinh" finds "quyết định". Words are padded
-- with spaces so that a word matches whole.
CREATE TABLE search_entry (
    document_id    TEXT PRIMARY KEY REFERENCES document (id),
    agency_id      TEXT NOT NULL REFERENCES agency (id),
    classification TEXT NOT NULL,
    type_code      TEXT NOT NULL,
    notation       TEXT NOT NULL,
    signer         TEXT NOT NULL,
    body           TEXT NOT NULL,
    doc_date       TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX search_entry_agency_idx ON search_entry (agency_id, doc_date);

-- The search index: each document's searchable text folded to plain lower-case letters
-- (no Vietnamese diacritics), so that "quyet dinh" finds "quyết định". Words are padded
-- with spaces so that a word matches whole.
CREATE TABLE search_entry (
    document_id    uuid PRIMARY KEY REFERENCES document (id),
    agency_id      uuid NOT NULL REFERENCES agency (id),
    classification text NOT NULL,
    type_code      text NOT NULL,
    notation       text NOT NULL,
    signer         text NOT NULL,
    body           text NOT NULL,
    doc_date       timestamptz,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX search_entry_agency_idx ON search_entry (agency_id, doc_date);

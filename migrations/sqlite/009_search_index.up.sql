-- Search: the issuing agency becomes searchable and the order every search returns
-- (newest first within an agency, ties broken by id) is an index. The embedded database
-- holds one agency's or one province's documents; its LIKE match needs no text index.

-- The issuing agency: its code (FoldCode) when it is known on this instance, and its name
-- (Fold), padded by spaces like body.
ALTER TABLE search_entry ADD COLUMN issuer_code TEXT NOT NULL DEFAULT '';
ALTER TABLE search_entry ADD COLUMN issuer TEXT NOT NULL DEFAULT '';

DROP INDEX search_entry_agency_idx;
CREATE INDEX search_entry_agency_idx ON search_entry (agency_id, doc_date, document_id);
CREATE INDEX search_entry_notation_idx ON search_entry (agency_id, notation);

-- Entries written before this step lack the issuer: index them again.
UPDATE search_entry SET updated_at = '0001-01-01 00:00:00+00:00';

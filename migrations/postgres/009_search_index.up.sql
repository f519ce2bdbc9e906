-- Search at national scale: a trigram index makes the folded word and phrase match
-- (body LIKE '% quyet dinh %') an index lookup instead of a scan, the issuing agency becomes
-- searchable, and undated entries get a date so that date ranges are plain index ranges.
--
-- pg_trgm is database-wide. It is created once, in public, so that every schema of the
-- database (one per test, one per instance) shares it; the migrator's advisory lock keeps two
-- nodes from creating it at the same moment. Where it already exists in another schema, the
-- operator class is taken from there.
DO $$
DECLARE
    ext_schema text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE EXTENSION pg_trgm SCHEMA public;
    END IF;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX search_entry_body_trgm_idx ON search_entry USING gin (body %I.gin_trgm_ops)', ext_schema);
END
$$;

-- The issuing agency: its code (FoldCode) when it is known on this instance, and its name
-- (Fold), padded by spaces like body.
ALTER TABLE search_entry ADD COLUMN issuer_code text NOT NULL DEFAULT '';
ALTER TABLE search_entry ADD COLUMN issuer text NOT NULL DEFAULT '';

-- Newest first within an agency, ties broken by id: the order every search returns.
DROP INDEX search_entry_agency_idx;
CREATE INDEX search_entry_agency_idx ON search_entry (agency_id, doc_date, document_id);
CREATE INDEX search_entry_notation_idx ON search_entry (agency_id, notation);

-- Entries written before this step lack the issuer: index them again.
UPDATE search_entry SET updated_at = '0001-01-01 00:00:00+00';

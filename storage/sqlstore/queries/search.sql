-- The search index.

-- name: SearchEntryUpsert
INSERT INTO search_entry (document_id, agency_id, classification, type_code, notation, signer, body, doc_date, updated_at,
    issuer_code, issuer)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (document_id) DO UPDATE SET agency_id = excluded.agency_id, classification = excluded.classification,
    type_code = excluded.type_code, notation = excluded.notation, signer = excluded.signer, body = excluded.body,
    doc_date = excluded.doc_date, updated_at = excluded.updated_at, issuer_code = excluded.issuer_code,
    issuer = excluded.issuer;

-- name: SearchStale
-- Documents changed since they were indexed, or never indexed.
SELECT d.id FROM document d LEFT JOIN search_entry s ON s.document_id = d.id
WHERE s.document_id IS NULL OR s.updated_at < d.updated_at
ORDER BY d.updated_at LIMIT $1;

-- name: SearchRecordCodes
-- The codes of an agency's records, which the engine folds to match a record: filter.
SELECT DISTINCT code FROM record WHERE agency_id = $1 ORDER BY code;

-- name: SearchRecent
-- The newest $23 entries that pass the field filters, then the word patterns over them.
-- Walking the (agency, date) index backwards finds common words at once; when fewer than
-- $24 match, the store asks SearchQuery, which the trigram index answers.
-- $2–$7 are word or phrase patterns that must all match, $8–$9 ones that must not (a
-- pattern that never matches when unused); then the field filters, each off when ''.
-- Patterns escape "%", "_" and "\" with "\" (PostgreSQL's default, SQLite's only when
-- told), so that what a user types matches only itself.
-- plan: custom — how common the words are decides the plan; a generic one read an agency's
-- whole index (1M documents: p95 1.3 s generic, 40 ms custom).
SELECT document_id FROM (
    SELECT document_id, doc_date, body FROM search_entry s
    WHERE agency_id = $1
      AND doc_date >= $10 AND doc_date <= $11
      AND ($12 = '' OR type_code = $12)
      AND ($13 = '' OR notation = $13)
      AND ($14 = '' OR signer LIKE $14 ESCAPE '\')
      AND ($15 = '' OR issuer_code = $15 OR issuer_code LIKE $16 ESCAPE '\' OR issuer LIKE $17 ESCAPE '\')
      AND ($18 = '' OR EXISTS (SELECT 1 FROM record_document rd JOIN record r ON r.id = rd.record_id
                               WHERE rd.document_id = s.document_id AND r.agency_id = $1
                                 AND r.code IN ($18, $19, $20, $21)))
      AND ($22 = 1 OR classification = '')
    ORDER BY doc_date DESC, document_id DESC
    LIMIT $23
) recent
WHERE body LIKE $2 ESCAPE '\' AND body LIKE $3 ESCAPE '\' AND body LIKE $4 ESCAPE '\' AND body LIKE $5 ESCAPE '\' AND body LIKE $6 ESCAPE '\' AND body LIKE $7 ESCAPE '\'
  AND body NOT LIKE $8 ESCAPE '\' AND body NOT LIKE $9 ESCAPE '\'
ORDER BY doc_date DESC, document_id DESC
LIMIT $24;

-- name: SearchQuery
-- Every match, newest first: the same conditions as SearchRecent without the window.
-- plan: custom — as SearchRecent.
SELECT document_id FROM search_entry s
WHERE agency_id = $1
  AND body LIKE $2 ESCAPE '\' AND body LIKE $3 ESCAPE '\' AND body LIKE $4 ESCAPE '\' AND body LIKE $5 ESCAPE '\' AND body LIKE $6 ESCAPE '\' AND body LIKE $7 ESCAPE '\'
  AND body NOT LIKE $8 ESCAPE '\' AND body NOT LIKE $9 ESCAPE '\'
  AND doc_date >= $10 AND doc_date <= $11
  AND ($12 = '' OR type_code = $12)
  AND ($13 = '' OR notation = $13)
  AND ($14 = '' OR signer LIKE $14 ESCAPE '\')
  AND ($15 = '' OR issuer_code = $15 OR issuer_code LIKE $16 ESCAPE '\' OR issuer LIKE $17 ESCAPE '\')
  AND ($18 = '' OR EXISTS (SELECT 1 FROM record_document rd JOIN record r ON r.id = rd.record_id
                           WHERE rd.document_id = s.document_id AND r.agency_id = $1
                             AND r.code IN ($18, $19, $20, $21)))
  AND ($22 = 1 OR classification = '')
ORDER BY doc_date DESC, document_id DESC
LIMIT $23;

-- name: SearchInRecords
-- The same conditions over the documents filed in the records of codes $18–$21: a record
-- holds few documents, so they are read through the filing rather than by date or text.
-- Only the primary key leads to search_entry here, so that no plan (a prepared statement's
-- generic one above all) reads the agency's entries or looks a common word up in the text
-- index: the words are matched against body || '', which no index serves, and the agency is
-- the records' (a record holds only its agency's documents: see Engine.FileDocument).
SELECT document_id FROM search_entry s
WHERE document_id IN (SELECT rd.document_id FROM record r JOIN record_document rd ON rd.record_id = r.id
                      WHERE r.agency_id = $1 AND r.code IN ($18, $19, $20, $21))
  AND body || '' LIKE $2 ESCAPE '\' AND body || '' LIKE $3 ESCAPE '\' AND body || '' LIKE $4 ESCAPE '\' AND body || '' LIKE $5 ESCAPE '\'
  AND body || '' LIKE $6 ESCAPE '\' AND body || '' LIKE $7 ESCAPE '\'
  AND body NOT LIKE $8 ESCAPE '\' AND body NOT LIKE $9 ESCAPE '\'
  AND doc_date >= $10 AND doc_date <= $11
  AND ($12 = '' OR type_code = $12)
  AND ($13 = '' OR notation = $13)
  AND ($14 = '' OR signer LIKE $14 ESCAPE '\')
  AND ($15 = '' OR issuer_code = $15 OR issuer_code LIKE $16 ESCAPE '\' OR issuer LIKE $17 ESCAPE '\')
  AND ($22 = 1 OR classification = '')
ORDER BY doc_date DESC, document_id DESC
LIMIT $23;

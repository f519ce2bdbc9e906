-- The search index.

-- name: SearchEntryUpsert
INSERT INTO search_entry (document_id, agency_id, classification, type_code, notation, signer, body, doc_date, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (document_id) DO UPDATE SET agency_id = excluded.agency_id, classification = excluded.classification,
    type_code = excluded.type_code, notation = excluded.notation, signer = excluded.signer, body = excluded.body,
    doc_date = excluded.doc_date, updated_at = excluded.updated_at;

-- name: SearchStale
-- Documents changed since they were indexed, or never indexed.
SELECT d.id FROM document d LEFT JOIN search_entry s ON s.document_id = d.id
WHERE s.document_id IS NULL OR s.updated_at < d.updated_at
ORDER BY d.updated_at LIMIT $1;

-- name: SearchQuery
-- Six word or phrase patterns that must all match ('%' when unused), two that must not
-- (a pattern that never matches when unused), then the field filters.
SELECT document_id FROM search_entry
WHERE agency_id = $1
  AND body LIKE $2 AND body LIKE $3 AND body LIKE $4 AND body LIKE $5 AND body LIKE $6 AND body LIKE $7
  AND body NOT LIKE $8 AND body NOT LIKE $9
  AND ($10 = '' OR type_code = $10)
  AND ($11 = '' OR notation = $11)
  AND ($12 = '' OR signer LIKE $12)
  AND (doc_date IS NULL OR (doc_date >= $13 AND doc_date <= $14))
  AND ($15 = 1 OR classification = '')
ORDER BY doc_date DESC, document_id
LIMIT $16;

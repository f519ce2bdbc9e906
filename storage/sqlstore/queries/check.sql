-- Checks of the database against itself and the blob store (`vanthu doctor`). Read-only.

-- name: RegisterListSummaries
-- Each register's counter beside what its documents and copies hold. Incoming documents
-- hold incoming_number, outgoing ones number, copies their copy number; a register that
-- holders name but no counter row knows comes out with last_number 0.
WITH held AS (
    SELECT agency_id, year, 'outgoing' AS kind, series, number AS n FROM document
    WHERE flow = 'outgoing' AND number IS NOT NULL
    UNION ALL
    SELECT agency_id, year, 'incoming', series, incoming_number FROM document
    WHERE flow = 'incoming' AND incoming_number IS NOT NULL
    UNION ALL
    SELECT agency_id, year, 'copy', '', number FROM document_copy
), summary AS (
    SELECT agency_id, year, kind, series, count(*) AS held, count(DISTINCT n) AS distinct_held,
        min(n) AS min_held, max(n) AS max_held
    FROM held GROUP BY agency_id, year, kind, series
)
SELECT r.agency_id, r.year, r.kind, r.series, r.last_number, coalesce(s.held, 0), coalesce(s.distinct_held, 0),
    coalesce(s.min_held, 0), coalesce(s.max_held, 0)
FROM register_counter r
LEFT JOIN summary s ON s.agency_id = r.agency_id AND s.year = r.year AND s.kind = r.kind AND s.series = r.series
UNION ALL
SELECT s.agency_id, s.year, s.kind, s.series, 0, s.held, s.distinct_held, s.min_held, s.max_held
FROM summary s
WHERE NOT EXISTS (SELECT 1 FROM register_counter r
    WHERE r.agency_id = s.agency_id AND r.year = s.year AND r.kind = s.kind AND r.series = s.series)
ORDER BY 1, 2, 3, 4;

-- name: RegisterListHeld
-- The numbers one register ($1 agency, $2 year, $3 kind, $4 series) hands out, as held.
SELECT n FROM (
    SELECT number AS n FROM document
    WHERE $3 = 'outgoing' AND flow = 'outgoing' AND agency_id = $1 AND year = $2 AND series = $4 AND number IS NOT NULL
    UNION ALL
    SELECT incoming_number FROM document
    WHERE $3 = 'incoming' AND flow = 'incoming' AND agency_id = $1 AND year = $2 AND series = $4
        AND incoming_number IS NOT NULL
    UNION ALL
    SELECT number FROM document_copy WHERE $3 = 'copy' AND agency_id = $1 AND year = $2 AND $4 = ''
) held ORDER BY n;

-- name: DocumentListStuck
-- Outgoing documents last changed before $1 that wait between steps, with their draft
-- files counted; at most $2, oldest first.
SELECT d.id, d.agency_id, d.state, d.notation, d.updated_at,
    (SELECT count(*) FROM document_file f WHERE f.document_id = d.id AND f.kind = 'draft')
FROM document d
WHERE d.flow = 'outgoing' AND d.updated_at < $1
    AND d.state IN ('draft', 'in_review', 'reviewed', 'approved', 'numbered', 'agency_signed')
ORDER BY d.updated_at, d.id
LIMIT $2;

-- name: BlobReferenceList
-- Distinct blob keys after $1 that a document file or a signing key (its key file, its
-- image) points at, with one holder each; $2 at most, in key order. Archival packages
-- are read through their manifests, which only the blob store holds.
SELECT blob_key, min(holder) FROM (
    SELECT blob_key, 'document ' || CAST(document_id AS text) AS holder FROM document_file
    UNION ALL
    SELECT blob_key, 'signing key ' || CAST(id AS text) FROM signing_key WHERE blob_key <> ''
    UNION ALL
    SELECT image_key, 'signing key ' || CAST(id AS text) FROM signing_key WHERE image_key <> ''
) refs
WHERE blob_key > $1
GROUP BY blob_key
ORDER BY blob_key
LIMIT $2;

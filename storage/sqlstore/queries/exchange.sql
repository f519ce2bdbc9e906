-- The national exchange axis: incoming documents by the edXML DocumentId they arrived
-- under, and outgoing documents by the số, ký hiệu a status names. Table in migration
-- 020_exchange_document.

-- name: ExchangeDocumentInsert
INSERT INTO exchange_document (document_id, agency_id, sender_code, external_id, business, received_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: ExchangeDocumentListByExternalID
SELECT document_id, agency_id, sender_code, external_id, business, received_at
FROM exchange_document WHERE external_id = $1
ORDER BY received_at, document_id;

-- name: OutgoingListByNotation
SELECT id FROM document
WHERE agency_id = $1 AND flow = 'outgoing' AND notation = $2 AND issued_at IS NOT NULL
ORDER BY issued_at, id;

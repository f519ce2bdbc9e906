-- The national exchange axis: its agency directory and the deliveries sent over it, with
-- their history. Tables in migration 023_axis.

-- name: AxisAgencyUpsert
INSERT INTO axis_agency (code, name, parent_code, email, phone, address, system_id, folded, synced_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code, email = excluded.email,
    phone = excluded.phone, address = excluded.address, system_id = excluded.system_id, folded = excluded.folded,
    synced_at = excluded.synced_at;

-- name: AxisAgencyDeleteSyncedBefore
DELETE FROM axis_agency WHERE synced_at < $1;

-- name: AxisAgencyGet
SELECT code, name, parent_code, email, phone, address, system_id, synced_at FROM axis_agency WHERE code = $1;

-- name: AxisAgencySearch
-- $1 is a LIKE pattern escaped with \ (or '%'), $2 the last code of the previous page.
SELECT code, name, parent_code, email, phone, address, system_id, synced_at FROM axis_agency
WHERE folded LIKE $1 ESCAPE '\' AND code > $2
ORDER BY code
LIMIT $3;

-- name: AxisDeliveryInsert
INSERT INTO axis_delivery (id, outgoing_id, recipient_code, recipient_name, status, reason, status_code, status_at, package_id, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: AxisDeliveryUpdate
UPDATE axis_delivery SET status = $2, reason = $3, status_code = $4, status_at = $5, package_id = $6, updated_at = $7
WHERE id = $1;

-- name: AxisDeliveryGet
SELECT id, outgoing_id, recipient_code, recipient_name, status, reason, status_code, status_at, package_id, updated_at
FROM axis_delivery WHERE id = $1;

-- name: AxisDeliveryListByOutgoing
SELECT id, outgoing_id, recipient_code, recipient_name, status, reason, status_code, status_at, package_id, updated_at
FROM axis_delivery WHERE outgoing_id = $1
ORDER BY recipient_code;

-- name: AxisDeliveryEventInsert
INSERT INTO axis_delivery_event (delivery_id, status_code, at, status, reason, staff, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (delivery_id, status_code, at) DO NOTHING;

-- name: AxisDeliveryEventList
SELECT delivery_id, status_code, at, status, reason, staff, recorded_at
FROM axis_delivery_event WHERE delivery_id = $1
ORDER BY at, status_code;

-- name: ExchangeDocumentGet
SELECT document_id, agency_id, sender_code, external_id, business, received_at
FROM exchange_document WHERE document_id = $1;

-- name: AxisSentList
-- An agency's documents with deliveries over the axis, newest issued first.
SELECT d.id, d.notation, d.subject, d.issued_at, d.created_at FROM document d
WHERE d.agency_id = $1 AND EXISTS (SELECT 1 FROM axis_delivery x WHERE x.outgoing_id = d.id)
ORDER BY COALESCE(d.issued_at, d.created_at) DESC, d.id DESC
LIMIT $2 OFFSET $3;

-- name: AxisReceivedList
-- An agency's documents received over the axis, newest first.
SELECT x.document_id, x.agency_id, x.sender_code, x.external_id, x.business, x.received_at,
    d.sender_name, d.sender_notation, d.subject, d.state, d.note
FROM exchange_document x JOIN document d ON d.id = x.document_id
WHERE x.agency_id = $1
ORDER BY x.received_at DESC, x.document_id DESC
LIMIT $2 OFFSET $3;

-- name: AxisRefusalInsert
INSERT INTO axis_refusal (package_id, to_code, from_code, reason, refused_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (package_id) DO NOTHING;

-- name: AxisRefusalList
-- $1 and $2 are the agency's codes (the same twice when it has one). Table in 027_axis_refusal.
SELECT package_id, to_code, from_code, reason, refused_at FROM axis_refusal
WHERE to_code IN ($1, $2)
ORDER BY refused_at DESC, package_id DESC
LIMIT $3 OFFSET $4;

-- Documents (văn bản) and what hangs off them: files, review steps, deliveries, assignments.

-- name: DocumentInsert
INSERT INTO document (id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
    $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36);

-- name: DocumentUpdate
UPDATE document SET state = $2, version = $3, type_code = $4, subject = $5, urgency = $6, classification = $7,
    drafter_id = $8, drafting_unit_id = $9, signer_id = $10, signing_form = $11, signer_title = $12, year = $13,
    series = $14, number = $15, notation = $16, issued_at = $17, incoming_number = $18, received_at = $19,
    sender_name = $20, sender_notation = $21, direction = $22, deadline = $23, note = $24, updated_at = $25,
    reply_to_id = $27, replaces_id = $28, replace_kind = $29, document_date = $30, signer_name = $31, page_count = $32,
    intended_signer_id = $33
WHERE id = $1 AND version = $26;

-- name: DocumentGetByID
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM document WHERE id = $1;

-- name: DocumentGetForActor
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id,
    EXISTS (SELECT 1 FROM membership m WHERE m.user_id = $2 AND m.agency_id = document.agency_id AND m.role = $3)
FROM document WHERE id = $1;

-- name: DocumentList
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM document
WHERE ($1 = '' OR CAST(agency_id AS TEXT) = $1)
  AND ($2 = '' OR flow = $2)
  AND ($3 = '' OR CAST(source_id AS TEXT) = $3)
  AND ($4 = 0 OR year = $4)
ORDER BY created_at, id
LIMIT $5;

-- name: FileInsert
-- The file goes after the document's others; nothing reads its number back, so that the
-- insert can travel with the transaction's next statement.
INSERT INTO document_file (document_id, seq, kind, name, blob_key, sha256, size, created_by, created_at)
VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM document_file WHERE document_id = $1), $2, $3, $4, $5, $6, $7, $8);

-- name: FileListByDocument
SELECT document_id, seq, kind, name, blob_key, sha256, size, created_by, created_at
FROM document_file WHERE document_id = $1 ORDER BY seq;

-- name: ReviewStepInsert
INSERT INTO review_step (document_id, seq, reviewer_id, kind, status, comment, decided_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: ReviewStepUpdate
UPDATE review_step SET kind = $4, status = $5, comment = $6, decided_at = $7
WHERE document_id = $1 AND seq = $2 AND reviewer_id = $3;

-- name: ReviewStepListByDocument
SELECT document_id, seq, reviewer_id, kind, status, comment, decided_at
FROM review_step WHERE document_id = $1 ORDER BY seq, reviewer_id;

-- name: DeliveryInsert
INSERT INTO delivery (id, outgoing_id, recipient_agency_id, incoming_id, status, reason, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: DeliveryUpdate
UPDATE delivery SET incoming_id = $2, status = $3, reason = $4, updated_at = $5 WHERE id = $1;

-- name: DeliveryListByOutgoing
SELECT id, outgoing_id, recipient_agency_id, incoming_id, status, reason, updated_at
FROM delivery WHERE outgoing_id = $1 ORDER BY recipient_agency_id;

-- name: DeliveryListByOutgoings
-- The deliveries of up to 50 outgoing documents; unused slots are NULL, which matches nothing.
SELECT id, outgoing_id, recipient_agency_id, incoming_id, status, reason, updated_at
FROM delivery
WHERE outgoing_id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43,
    $44, $45, $46, $47, $48, $49, $50)
ORDER BY outgoing_id, recipient_agency_id;

-- name: DeliveryGetByIncoming
SELECT id, outgoing_id, recipient_agency_id, incoming_id, status, reason, updated_at
FROM delivery WHERE incoming_id = $1;

-- name: AssignmentInsert
INSERT INTO assignment (id, document_id, parent_id, unit_id, user_id, role, deadline, status, note, created_by, created_at, done_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: AssignmentUpdate
UPDATE assignment SET user_id = $2, deadline = $3, status = $4, note = $5, done_at = $6 WHERE id = $1;

-- name: AssignmentListByDocument
SELECT id, document_id, parent_id, unit_id, user_id, role, deadline, status, note, created_by, created_at, done_at
FROM assignment WHERE document_id = $1 ORDER BY created_at, id;

-- name: AssignmentListByDocuments
-- The assignments of up to 50 documents; unused slots are NULL, which matches nothing.
SELECT id, document_id, parent_id, unit_id, user_id, role, deadline, status, note, created_by, created_at, done_at
FROM assignment
WHERE document_id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43,
    $44, $45, $46, $47, $48, $49, $50)
ORDER BY created_at, id;

-- name: DelegationInsert
INSERT INTO delegation (id, agency_id, from_user, to_user, form, type_codes, valid_from, valid_to, revoked_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: DelegationListTo
SELECT id, agency_id, from_user, to_user, form, type_codes, valid_from, valid_to, revoked_at, created_at
FROM delegation WHERE to_user = $1 AND agency_id = $2 ORDER BY valid_from;

-- name: RequestLogInsert
INSERT INTO request_log (request_id, actor_id, action, object_id, created_at) VALUES ($1, $2, $3, $4, $5);

-- name: RequestLogGet
SELECT request_id, actor_id, action, object_id, created_at FROM request_log WHERE request_id = $1;

-- name: DocumentPage
-- Keyset paging along document_agency_page_idx: ids are UUIDv7, so id order is creation
-- order; the caller passes the largest UUID as $5 for the first page. $3 = '' means any
-- state.
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM document
WHERE agency_id = $1
  AND ($2 = '' OR flow = $2)
  AND ($3 = '' OR state = $3)
  AND ($4 = 0 OR year = $4)
  AND id < $5
ORDER BY id DESC
LIMIT $6;

-- name: DocumentListByIDs
-- Up to 50 documents by id, for pages that show a known set of them; unused slots are
-- NULL, which matches nothing.
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM document
WHERE id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
    $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46,
    $47, $48, $49, $50);

-- name: DocumentCountByMonth
-- An agency's documents of the years $2..$3 received (incoming) or issued (the others),
-- and the signatures made here on them (a received signed copy has no creator), per month
-- 0..11: $4..$16 bound the months, oldest first. The bounds come from the caller, who
-- knows the time zone the months are counted in.
SELECT what,
    CASE WHEN happened_at < $5 THEN 0 WHEN happened_at < $6 THEN 1 WHEN happened_at < $7 THEN 2
        WHEN happened_at < $8 THEN 3 WHEN happened_at < $9 THEN 4 WHEN happened_at < $10 THEN 5
        WHEN happened_at < $11 THEN 6 WHEN happened_at < $12 THEN 7 WHEN happened_at < $13 THEN 8
        WHEN happened_at < $14 THEN 9 WHEN happened_at < $15 THEN 10
        ELSE 11 END AS slot, count(*)
FROM (
    SELECT CASE WHEN flow = 'incoming' THEN 'in' ELSE 'out' END AS what,
        CASE WHEN flow = 'incoming' THEN received_at ELSE issued_at END AS happened_at
    FROM document WHERE agency_id = $1 AND year BETWEEN $2 AND $3
    UNION ALL
    SELECT 'signed', f.created_at
    FROM document_file f JOIN document d ON d.id = f.document_id
    WHERE d.agency_id = $1 AND d.year BETWEEN $2 AND $3 AND f.kind = 'signed' AND f.created_by IS NOT NULL
) e
WHERE happened_at >= $4 AND happened_at < $16
GROUP BY what, slot
ORDER BY what, slot;

-- name: DocumentCountHandled
-- An agency's documents of the years $2..$3 being or done being handled (an outgoing
-- draft without a number is not yet), and how many of them have no paper scan.
SELECT count(*), coalesce(sum(CASE WHEN NOT EXISTS (SELECT 1 FROM document_file f WHERE f.document_id = d.id AND f.kind = 'scan')
    THEN 1 ELSE 0 END), 0)
FROM document d
WHERE agency_id = $1 AND year BETWEEN $2 AND $3 AND NOT (flow = 'outgoing' AND coalesce(number, 0) = 0);

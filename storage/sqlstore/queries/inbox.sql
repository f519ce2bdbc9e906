-- Inbox queries: the documents of one agency waiting in one (flow, state), in queue order
-- along document_inbox_idx (migration 021): the urgency's place in the queue (Hỏa tốc 0,
-- Thượng khẩn 1, Khẩn 2, others 3), then the oldest change first, then the newest id. The
-- CASE must read exactly as in the index for the index to serve the order.
--
-- Every page query takes the cursor as $4 (queue place), $5 (updated_at) and $6: the rows
-- of the cursor's very (place, updated_at) still to come are those with an id below $6.
-- The first page passes -1 as $4. A page is two index range seeks of at most a page each —
-- the rest of the cursor's place, then the places after it — whatever the number waiting
-- (a row-value comparison would seek on PostgreSQL but not on SQLite, which scans from the
-- start of the state). The claim variants add a semi-join on the actor's assignments,
-- review steps or drafts. Counts read the same index without the rows.

-- name: InboxPage
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM (
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END = $4
          AND updated_at >= $5 AND (updated_at > $5 OR id < $6)
        ORDER BY updated_at, id DESC LIMIT $7) same_place
    UNION ALL
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END > $4
        ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC LIMIT $7) later_places
) page
ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC
LIMIT $7;

-- name: InboxPageAssigned
-- Those on which the user ($8), or a unit they hold role $9 in, has an open assignment
-- other than for information.
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM (
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END = $4
          AND updated_at >= $5 AND (updated_at > $5 OR id < $6)
          AND EXISTS (SELECT 1 FROM assignment a
              WHERE a.document_id = document.id AND a.status = 'open' AND a.role <> 'info'
                AND (a.user_id = $8 OR a.unit_id IN (SELECT m.unit_id FROM membership m
                    WHERE m.user_id = $8 AND m.agency_id = $1 AND m.role = $9 AND m.unit_id IS NOT NULL)))
        ORDER BY updated_at, id DESC LIMIT $7) same_place
    UNION ALL
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END > $4
          AND EXISTS (SELECT 1 FROM assignment a
              WHERE a.document_id = document.id AND a.status = 'open' AND a.role <> 'info'
                AND (a.user_id = $8 OR a.unit_id IN (SELECT m.unit_id FROM membership m
                    WHERE m.user_id = $8 AND m.agency_id = $1 AND m.role = $9 AND m.unit_id IS NOT NULL)))
        ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC LIMIT $7) later_places
) page
ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC
LIMIT $7;

-- name: InboxPageReviewing
-- Those with a review step pending for the user ($8).
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM (
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END = $4
          AND updated_at >= $5 AND (updated_at > $5 OR id < $6)
          AND EXISTS (SELECT 1 FROM review_step s
              WHERE s.document_id = document.id AND s.reviewer_id = $8 AND s.status = 'pending')
        ORDER BY updated_at, id DESC LIMIT $7) same_place
    UNION ALL
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END > $4
          AND EXISTS (SELECT 1 FROM review_step s
              WHERE s.document_id = document.id AND s.reviewer_id = $8 AND s.status = 'pending')
        ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC LIMIT $7) later_places
) page
ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC
LIMIT $7;

-- name: InboxPageDrafted
-- Those the user ($8) drafted.
SELECT id, agency_id, flow, state, version, type_code, subject, urgency, classification,
    drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation, issued_at,
    incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note, created_at, updated_at,
    reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count, intended_signer_id
FROM (
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3 AND drafter_id = $8
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END = $4
          AND updated_at >= $5 AND (updated_at > $5 OR id < $6)
        ORDER BY updated_at, id DESC LIMIT $7) same_place
    UNION ALL
    SELECT * FROM (SELECT * FROM document
        WHERE agency_id = $1 AND flow = $2 AND state = $3 AND drafter_id = $8
          AND CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END > $4
        ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC LIMIT $7) later_places
) page
ORDER BY CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END, updated_at, id DESC
LIMIT $7;

-- name: InboxCount
SELECT count(*) FROM document WHERE agency_id = $1 AND flow = $2 AND state = $3;

-- name: InboxCountAssigned
SELECT count(*) FROM document
WHERE agency_id = $1 AND flow = $2 AND state = $3
  AND EXISTS (SELECT 1 FROM assignment a
      WHERE a.document_id = document.id AND a.status = 'open' AND a.role <> 'info'
        AND (a.user_id = $4 OR a.unit_id IN (SELECT m.unit_id FROM membership m
            WHERE m.user_id = $4 AND m.agency_id = $1 AND m.role = $5 AND m.unit_id IS NOT NULL)));

-- name: InboxCountReviewing
SELECT count(*) FROM document
WHERE agency_id = $1 AND flow = $2 AND state = $3
  AND EXISTS (SELECT 1 FROM review_step s
      WHERE s.document_id = document.id AND s.reviewer_id = $4 AND s.status = 'pending');

-- name: InboxCountDrafted
SELECT count(*) FROM document WHERE agency_id = $1 AND flow = $2 AND state = $3 AND drafter_id = $4;

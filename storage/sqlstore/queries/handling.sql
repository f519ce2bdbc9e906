-- Handling details: notes on assignments, distribution lists, notifications, copies.

-- name: AssignmentGetByID
SELECT id, document_id, parent_id, unit_id, user_id, role, deadline, status, note, created_by, created_at, done_at
FROM assignment WHERE id = $1;

-- name: AssignmentListOpenWithDeadline
SELECT a.id, a.document_id, a.parent_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.note, a.created_by,
    a.created_at, a.done_at
FROM assignment a JOIN document d ON d.id = a.document_id
WHERE a.status = 'open' AND a.deadline IS NOT NULL AND a.role <> 'info' AND d.state IN ('directed', 'in_progress')
ORDER BY a.deadline, a.id
LIMIT $1;

-- name: AssignmentNoteInsert
INSERT INTO assignment_note (id, assignment_id, author_id, kind, body, new_deadline, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: AssignmentNoteGetByID
SELECT id, assignment_id, author_id, kind, body, new_deadline, created_at FROM assignment_note WHERE id = $1;

-- name: AssignmentNoteListByAssignment
SELECT id, assignment_id, author_id, kind, body, new_deadline, created_at
FROM assignment_note WHERE assignment_id = $1 ORDER BY created_at, id;

-- name: AssignmentNoteListByAssignments
-- The notes of up to 50 assignments; unused slots are NULL, which matches nothing.
SELECT id, assignment_id, author_id, kind, body, new_deadline, created_at
FROM assignment_note
WHERE assignment_id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44,
    $45, $46, $47, $48, $49, $50)
ORDER BY created_at, id;

-- name: DistributionListInsert
INSERT INTO distribution_list (id, agency_id, name, created_at) VALUES ($1, $2, $3, $4);

-- name: DistributionMemberInsert
INSERT INTO distribution_member (list_id, agency_id) VALUES ($1, $2);

-- name: DistributionListGet
SELECT id, agency_id, name, created_at FROM distribution_list WHERE id = $1;

-- name: DistributionMemberList
SELECT agency_id FROM distribution_member WHERE list_id = $1 ORDER BY agency_id;

-- name: NotificationInsert
INSERT INTO notification (id, user_id, kind, document_id, assignment_id, body, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (user_id, kind, assignment_id) DO NOTHING;

-- name: NotificationListByUser
SELECT id, user_id, kind, document_id, assignment_id, body, created_at, read_at
FROM notification WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2;

-- name: CopyInsert
INSERT INTO document_copy (id, agency_id, source_id, form, year, number, notation, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: AssignmentListByAgency
-- The assignments of an agency's incoming documents still counted in its statistics.
SELECT a.id, a.document_id, a.parent_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.note, a.created_by,
    a.created_at, a.done_at
FROM assignment a JOIN document d ON d.id = a.document_id
WHERE d.agency_id = $1 AND d.flow = 'incoming' AND d.state NOT IN ('cancelled', 'returned_to_sender')
ORDER BY a.created_at, a.id;

-- name: AssignmentListByHolder
-- Those of AssignmentListByAgency held by user $2, or by a unit where they hold role $3.
SELECT a.id, a.document_id, a.parent_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.note, a.created_by,
    a.created_at, a.done_at
FROM assignment a JOIN document d ON d.id = a.document_id
WHERE d.agency_id = $1 AND d.flow = 'incoming' AND d.state NOT IN ('cancelled', 'returned_to_sender')
  AND (a.user_id = $2 OR a.unit_id IN (SELECT m.unit_id FROM membership m
                                       WHERE m.user_id = $2 AND m.agency_id = $1 AND m.role = $3))
ORDER BY a.created_at, a.id;

-- name: AssignmentPageOpenNamed
-- A page of the open assignments of agency $1's incoming documents still handled that
-- name user $2, earliest deadline first, those without a deadline last,
-- then by id. The cursor is $3 (1 once it is among those without a deadline), $4 (its
-- deadline) and $5 (its id); the first page passes 0, the zero time and the nil uuid. Each
-- part (with a deadline, without) is one range seek of at most a page along
-- assignment_user_open_idx (migration 030), however many wait.
SELECT id, document_id, parent_id, unit_id, user_id, role, deadline, status, note, created_by, created_at, done_at
FROM (
    SELECT * FROM (SELECT a.* FROM assignment a
        WHERE a.status = 'open' AND a.user_id = $2 AND $3 = 0
          AND a.deadline >= $4 AND (a.deadline > $4 OR a.id > $5)
          AND EXISTS (SELECT 1 FROM document d WHERE d.id = a.document_id AND d.agency_id = $1 AND d.flow = 'incoming'
              AND d.state NOT IN ('cancelled', 'returned_to_sender'))
        ORDER BY a.deadline, a.id LIMIT $6) with_deadline
    UNION ALL
    SELECT * FROM (SELECT a.* FROM assignment a
        WHERE a.status = 'open' AND a.user_id = $2 AND a.deadline IS NULL AND ($3 = 0 OR a.id > $5)
          AND EXISTS (SELECT 1 FROM document d WHERE d.id = a.document_id AND d.agency_id = $1 AND d.flow = 'incoming'
              AND d.state NOT IN ('cancelled', 'returned_to_sender'))
        ORDER BY a.id LIMIT $6) without_deadline
) page
ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, id
LIMIT $6;

-- name: AssignmentPageOpenOfUnit
-- AssignmentPageOpenNamed for the open assignments of unit $7 that name nobody or someone
-- other than user $2, along assignment_unit_open_idx.
SELECT id, document_id, parent_id, unit_id, user_id, role, deadline, status, note, created_by, created_at, done_at
FROM (
    SELECT * FROM (SELECT a.* FROM assignment a
        WHERE a.status = 'open' AND a.unit_id = $7 AND (a.user_id IS NULL OR a.user_id <> $2) AND $3 = 0
          AND a.deadline >= $4 AND (a.deadline > $4 OR a.id > $5)
          AND EXISTS (SELECT 1 FROM document d WHERE d.id = a.document_id AND d.agency_id = $1 AND d.flow = 'incoming'
              AND d.state NOT IN ('cancelled', 'returned_to_sender'))
        ORDER BY a.deadline, a.id LIMIT $6) with_deadline
    UNION ALL
    SELECT * FROM (SELECT a.* FROM assignment a
        WHERE a.status = 'open' AND a.unit_id = $7 AND (a.user_id IS NULL OR a.user_id <> $2) AND a.deadline IS NULL AND ($3 = 0 OR a.id > $5)
          AND EXISTS (SELECT 1 FROM document d WHERE d.id = a.document_id AND d.agency_id = $1 AND d.flow = 'incoming'
              AND d.state NOT IN ('cancelled', 'returned_to_sender'))
        ORDER BY a.id LIMIT $6) without_deadline
) page
ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, id
LIMIT $6;

-- name: AssignmentListDoneNamed
-- The latest $3 finished assignments of agency $1's incoming documents still handled that
-- name user $2, the last finished first, along assignment_user_done_idx.
SELECT a.id, a.document_id, a.parent_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.note, a.created_by,
    a.created_at, a.done_at
FROM assignment a
WHERE a.status = 'done' AND a.user_id = $2
  AND EXISTS (SELECT 1 FROM document d WHERE d.id = a.document_id AND d.agency_id = $1 AND d.flow = 'incoming'
      AND d.state NOT IN ('cancelled', 'returned_to_sender'))
ORDER BY a.done_at DESC, a.id DESC
LIMIT $3;

-- name: AssignmentListDoneOfUnit
-- AssignmentListDoneNamed for unit $4's that name nobody or someone other than user $2,
-- along assignment_unit_done_idx.
SELECT a.id, a.document_id, a.parent_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.note, a.created_by,
    a.created_at, a.done_at
FROM assignment a
WHERE a.status = 'done' AND a.unit_id = $4 AND (a.user_id IS NULL OR a.user_id <> $2)
  AND EXISTS (SELECT 1 FROM document d WHERE d.id = a.document_id AND d.agency_id = $1 AND d.flow = 'incoming'
      AND d.state NOT IN ('cancelled', 'returned_to_sender'))
ORDER BY a.done_at DESC, a.id DESC
LIMIT $3;

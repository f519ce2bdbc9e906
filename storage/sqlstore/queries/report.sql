-- Reports (báo cáo): aggregate reads over documents, assignments and records, the same
-- text for PostgreSQL and SQLite. Periods are [$2, $3) instants chosen by the engine.

-- name: ReportDocumentByType
-- An agency's documents received (incoming) or issued (outgoing) in the period, per type.
SELECT flow, type_code, count(*) AS n
FROM document
WHERE agency_id = $1
  AND ((flow = 'incoming' AND received_at >= $2 AND received_at < $3)
    OR (flow = 'outgoing' AND issued_at >= $2 AND issued_at < $3))
GROUP BY flow, type_code
ORDER BY flow, n DESC, type_code;

-- name: ReportDocumentBySender
-- An agency's documents received in the period, per issuing agency as registered.
SELECT 'incoming', sender_name, count(*) AS n
FROM document
WHERE agency_id = $1 AND flow = 'incoming' AND received_at >= $2 AND received_at < $3
GROUP BY sender_name
ORDER BY n DESC, sender_name;

-- name: ReportDocumentByRecipient
-- An agency's documents issued in the period, per recipient agency: a document sent to
-- three agencies counts once for each.
SELECT 'outgoing', a.name, count(*) AS n
FROM document d
JOIN delivery dl ON dl.outgoing_id = d.id
JOIN agency a ON a.id = dl.recipient_agency_id
WHERE d.agency_id = $1 AND d.flow = 'outgoing' AND d.issued_at >= $2 AND d.issued_at < $3
GROUP BY a.name
ORDER BY n DESC, a.name;

-- name: ReportAssignmentMade
-- The assignments, not for information and with a deadline, made in the period on an
-- agency's incoming documents still counted, with the names a report prints.
SELECT a.id, a.document_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.created_at, a.done_at,
    coalesce(un.name, ''), coalesce(us.full_name, ''), d.sender_notation, coalesce(d.incoming_number, 0),
    d.subject, d.classification
FROM assignment a
JOIN document d ON d.id = a.document_id
LEFT JOIN unit un ON un.id = a.unit_id
LEFT JOIN app_user us ON us.id = a.user_id
WHERE d.agency_id = $1 AND d.flow = 'incoming' AND d.state NOT IN ('cancelled', 'returned_to_sender')
  AND a.role <> 'info' AND a.deadline IS NOT NULL AND a.created_at >= $2 AND a.created_at < $3
ORDER BY a.created_at, a.id;

-- name: ReportAssignmentOverdue
-- The open assignments, not for information, of an agency's incoming documents still
-- counted whose deadline is before $2, earliest deadline first.
SELECT a.id, a.document_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.created_at, a.done_at,
    coalesce(un.name, ''), coalesce(us.full_name, ''), d.sender_notation, coalesce(d.incoming_number, 0),
    d.subject, d.classification
FROM assignment a
JOIN document d ON d.id = a.document_id
LEFT JOIN unit un ON un.id = a.unit_id
LEFT JOIN app_user us ON us.id = a.user_id
WHERE d.agency_id = $1 AND d.flow = 'incoming' AND d.state NOT IN ('cancelled', 'returned_to_sender')
  AND a.role <> 'info' AND a.done_at IS NULL AND a.deadline < $2
ORDER BY a.deadline, a.id;

-- name: ReportRecordList
-- An agency's records of a year by code, with their owner's name and how many documents
-- each holds.
SELECT r.code, r.title, r.year, r.permanent, r.retention_years, coalesce(u.full_name, ''), r.state,
    (SELECT count(*) FROM record_document rd WHERE rd.record_id = r.id)
FROM record r
LEFT JOIN app_user u ON u.id = r.owner_id
WHERE r.agency_id = $1 AND r.year = $2
ORDER BY r.code;

-- Events: webhook subscriptions and the log of their deliveries. Tables in migrations
-- 013_events and 015_event_jobs; the deliveries themselves are jobs of the job queue.

-- name: WebhookInsert
INSERT INTO webhook (id, agency_id, url, secret, event_types, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: WebhookGetByID
SELECT id, agency_id, url, secret, event_types, created_by, created_at, deleted_at
FROM webhook WHERE id = $1;

-- name: WebhookListByAgency
SELECT id, agency_id, url, secret, event_types, created_by, created_at, deleted_at
FROM webhook WHERE agency_id = $1 AND deleted_at IS NULL ORDER BY created_at, id;

-- name: WebhookDelete
UPDATE webhook SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL;

-- name: WebhookDeliveryRecord
-- Attempts only grow: a late report of an earlier attempt (a node that was presumed dead)
-- does not overwrite a later one.
INSERT INTO webhook_delivery (id, webhook_id, event_id, event_type, status, attempts, last_status, last_error,
    created_at, delivered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
    last_status = excluded.last_status, last_error = excluded.last_error, delivered_at = excluded.delivered_at
WHERE webhook_delivery.attempts <= excluded.attempts;

-- name: WebhookDeliveryListByWebhook
SELECT id, webhook_id, event_id, event_type, status, attempts, last_status, last_error, created_at, delivered_at
FROM webhook_delivery WHERE webhook_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2;

-- name: NotificationCountUnread
SELECT count(*) FROM notification WHERE user_id = $1 AND read_at IS NULL;

-- name: AssignmentCountDue
-- A person's open tasks with a deadline on agency $2's documents still being handled, as
-- the badges count them: those given to them, and those of their units where nobody was
-- named; overdue before $3, due soon from $3 until $4. Each is a range seek along
-- assignment_user_open_idx or, per unit, assignment_unit_open_idx (migration 030), and
-- no row leaves the database.
SELECT COALESCE(SUM(CASE WHEN due.deadline >= $3 THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN due.deadline < $3 THEN 1 ELSE 0 END), 0)
FROM (
    SELECT a.deadline, a.document_id FROM assignment a
    WHERE a.status = 'open' AND a.user_id = $1 AND a.deadline < $4 AND a.role <> 'info'
    UNION ALL
    SELECT a.deadline, a.document_id
    FROM (SELECT DISTINCT m.unit_id FROM membership m
          WHERE m.user_id = $1 AND m.agency_id = $2 AND m.unit_id IS NOT NULL AND m.role IN ('unit_head', 'specialist')) u
    JOIN assignment a ON a.unit_id = u.unit_id
    WHERE a.status = 'open' AND a.user_id IS NULL AND a.deadline < $4 AND a.role <> 'info'
) due
WHERE EXISTS (SELECT 1 FROM document d WHERE d.id = due.document_id AND d.agency_id = $2
    AND d.state IN ('directed', 'in_progress'));

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

-- name: AssignmentListOpenForUser
-- A person's open tasks with a deadline, for their live counts: those given to them, and
-- those of their units where nobody was named. Both branches follow an index.
SELECT a.id, a.document_id, a.parent_id, a.unit_id, a.user_id, a.role, a.deadline, a.status, a.note, a.created_by,
    a.created_at, a.done_at, d.agency_id
FROM assignment a JOIN document d ON d.id = a.document_id
WHERE a.status = 'open' AND a.deadline IS NOT NULL AND a.role <> 'info' AND d.state IN ('directed', 'in_progress')
  AND (a.user_id = $1 OR (a.user_id IS NULL AND a.unit_id IN (
      SELECT m.unit_id FROM membership m
      WHERE m.user_id = $1 AND m.unit_id IS NOT NULL AND m.role IN ('unit_head', 'specialist'))))
ORDER BY a.deadline, a.id
LIMIT $2;

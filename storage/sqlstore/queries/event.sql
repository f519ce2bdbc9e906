-- Events: webhook subscriptions and deliveries, the e-mail outbox, audit-log cursors.
-- Tables in migrations 013_events.

-- name: WebhookInsert
INSERT INTO webhook (id, agency_id, url, secret, event_types, cursor_seq, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: WebhookGetByID
SELECT id, agency_id, url, secret, event_types, cursor_seq, created_by, created_at, deleted_at
FROM webhook WHERE id = $1;

-- name: WebhookListByAgency
SELECT id, agency_id, url, secret, event_types, cursor_seq, created_by, created_at, deleted_at
FROM webhook WHERE agency_id = $1 AND deleted_at IS NULL ORDER BY created_at, id;

-- name: WebhookDelete
UPDATE webhook SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL;

-- name: WebhookListBehind
SELECT w.id, w.agency_id, w.url, w.secret, w.event_types, w.cursor_seq, w.created_by, w.created_at, w.deleted_at
FROM webhook w JOIN audit_head h ON h.agency_id = w.agency_id
WHERE w.deleted_at IS NULL AND h.seq > w.cursor_seq
ORDER BY w.created_at, w.id LIMIT $1;

-- name: WebhookAdvance
UPDATE webhook SET cursor_seq = $2 WHERE id = $1 AND cursor_seq < $2;

-- name: WebhookDeliveryInsert
INSERT INTO webhook_delivery (id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at,
    created_at)
VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)
ON CONFLICT (webhook_id, event_id) DO NOTHING;

-- name: WebhookDeliveryClaim
-- Leases due deliveries, at most 32 at a time (the view's limit): on PostgreSQL the view
-- locks the rows it returns and skips those another node holds. The lease is checked again
-- on the row being updated, so that of two nodes racing for a row only one takes it.
UPDATE webhook_delivery SET lease_until = $2, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM webhook_delivery_claimable
    WHERE next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
    ORDER BY next_attempt_at, created_at, id LIMIT $3)
  AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $1)
RETURNING id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, lease_until, last_status,
    last_error, created_at, delivered_at;

-- name: WebhookDeliveryUpdate
UPDATE webhook_delivery SET status = $2, next_attempt_at = $3, lease_until = NULL, last_status = $4, last_error = $5,
    delivered_at = $6
WHERE id = $1;

-- name: WebhookDeliveryListByWebhook
SELECT id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, lease_until, last_status,
    last_error, created_at, delivered_at
FROM webhook_delivery WHERE webhook_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2;

-- name: EventCursorListBehind
SELECT h.agency_id, COALESCE(c.seq, 0), h.seq
FROM audit_head h LEFT JOIN event_cursor c ON c.agency_id = h.agency_id AND c.consumer = $1
WHERE h.seq > COALESCE(c.seq, 0)
ORDER BY h.agency_id LIMIT $2;

-- name: EventCursorAdvance
INSERT INTO event_cursor (consumer, agency_id, seq) VALUES ($1, $2, $3)
ON CONFLICT (consumer, agency_id) DO UPDATE SET seq = excluded.seq WHERE event_cursor.seq < excluded.seq;

-- name: NotificationListUndispatched
SELECT id, user_id, kind, document_id, assignment_id, body, created_at, read_at
FROM notification WHERE dispatched_at IS NULL ORDER BY created_at, id LIMIT $1;

-- name: NotificationMarkDispatched
UPDATE notification SET dispatched_at = $2 WHERE id = $1 AND dispatched_at IS NULL;

-- name: NotificationCountUnread
SELECT count(*) FROM notification WHERE user_id = $1 AND read_at IS NULL;

-- name: MailInsert
INSERT INTO mail_outbox (id, dedup_key, user_id, to_addr, subject, text_body, html_body, status, attempts,
    next_attempt_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10)
ON CONFLICT (dedup_key) DO NOTHING;

-- name: MailClaim
-- Leases due e-mails, as WebhookDeliveryClaim does.
UPDATE mail_outbox SET lease_until = $2, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM mail_outbox_claimable
    WHERE next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
    ORDER BY next_attempt_at, created_at, id LIMIT $3)
  AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $1)
RETURNING id, dedup_key, user_id, to_addr, subject, text_body, html_body, status, attempts, next_attempt_at,
    lease_until, last_error, created_at, sent_at;

-- name: MailUpdate
UPDATE mail_outbox SET status = $2, next_attempt_at = $3, lease_until = NULL, last_error = $4, sent_at = $5
WHERE id = $1;

-- name: MailListByUser
SELECT id, dedup_key, user_id, to_addr, subject, text_body, html_body, status, attempts, next_attempt_at,
    lease_until, last_error, created_at, sent_at
FROM mail_outbox WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2;

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

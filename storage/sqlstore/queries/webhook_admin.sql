-- A subscription's delivery log as the administration screen pages it. Table in
-- migrations 013_events and 015_event_jobs.

-- name: WebhookDeliveryPage
-- Keyset paging along webhook_delivery_list_idx, newest first: after ($2, $3), the
-- created_at and id of the previous page's last; the caller passes a time after every
-- delivery and the largest UUID for the first page.
SELECT id, webhook_id, event_id, event_type, status, attempts, last_status, last_error, created_at, delivered_at
FROM webhook_delivery
WHERE webhook_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3))
ORDER BY created_at DESC, id DESC
LIMIT $4;

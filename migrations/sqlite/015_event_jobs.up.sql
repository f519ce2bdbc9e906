-- Webhook deliveries and e-mails became jobs of the job queue (River's river_job, whose
-- tables are migrated before these), enqueued in the transaction of the change that causes
-- them. What was still pending in the outbox is carried over as jobs; the outbox, the
-- cursors and the leases go. webhook_delivery stays as the delivery log the API shows.
-- Times are written as River writes them on SQLite.

INSERT INTO river_job (state, attempt, max_attempts, scheduled_at, created_at, priority, args, kind, queue, metadata, tags)
SELECT 'available', attempts, max(8, attempts + 1), datetime('now', 'subsec'), datetime('now', 'subsec'), 1,
    jsonb(json_object('delivery_id', id, 'webhook_id', webhook_id, 'event_id', event_id, 'event_type', event_type,
        'payload', payload)),
    'webhook_delivery', 'default', jsonb('{}'), jsonb('[]')
FROM webhook_delivery WHERE status = 'pending';

INSERT INTO river_job (state, attempt, max_attempts, scheduled_at, created_at, priority, args, kind, queue, metadata, tags)
SELECT 'available', attempts, max(8, attempts + 1), datetime('now', 'subsec'), datetime('now', 'subsec'), 1,
    jsonb(json_object('key', dedup_key, 'user_id', user_id, 'to', to_addr, 'subject', subject, 'text', text_body,
        'html', html_body)),
    'mail', 'default', jsonb('{}'), jsonb('[]')
FROM mail_outbox WHERE status = 'pending';

DROP VIEW webhook_delivery_claimable;
DROP VIEW mail_outbox_claimable;
DROP TABLE mail_outbox;
DROP TABLE event_cursor;
ALTER TABLE webhook DROP COLUMN cursor_seq;
DROP INDEX webhook_delivery_due_idx;
ALTER TABLE webhook_delivery DROP COLUMN payload;
ALTER TABLE webhook_delivery DROP COLUMN next_attempt_at;
ALTER TABLE webhook_delivery DROP COLUMN lease_until;
DROP INDEX notification_undispatched_idx;
ALTER TABLE notification DROP COLUMN dispatched_at;

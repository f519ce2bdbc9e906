-- Events: webhook subscriptions and their deliveries, the e-mail outbox, and the cursors
-- that feed both from the audit log, in order and without loss across restarts.

CREATE TABLE webhook (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agency (id),
    url         text NOT NULL,
    secret      text NOT NULL,
    event_types text NOT NULL, -- space-separated, e.g. "document.issued document.dispatched"
    cursor_seq  bigint NOT NULL DEFAULT 0, -- last audit event of the agency turned into deliveries
    created_by  uuid NOT NULL REFERENCES app_user (id),
    created_at  timestamptz NOT NULL,
    deleted_at  timestamptz
);
CREATE INDEX webhook_agency_idx ON webhook (agency_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_delivery (
    id              uuid PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhook (id),
    event_id        text NOT NULL,
    event_type      text NOT NULL,
    payload         text NOT NULL,
    status          text NOT NULL, -- pending, delivered, failed
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_status     integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_list_idx ON webhook_delivery (webhook_id, created_at);

CREATE TABLE mail_outbox (
    id              uuid PRIMARY KEY,
    dedup_key       text NOT NULL UNIQUE,
    user_id         uuid NOT NULL REFERENCES app_user (id),
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL,
    status          text NOT NULL, -- pending, delivered, failed
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_user_idx ON mail_outbox (user_id, created_at);

CREATE TABLE event_cursor (
    consumer  text NOT NULL,
    agency_id uuid NOT NULL REFERENCES agency (id),
    seq       bigint NOT NULL,
    PRIMARY KEY (consumer, agency_id)
);
-- What happened before this version is not mailed now.
INSERT INTO event_cursor (consumer, agency_id, seq) SELECT 'mail', agency_id, seq FROM audit_head;

ALTER TABLE notification ADD COLUMN dispatched_at timestamptz;
UPDATE notification SET dispatched_at = created_at;
CREATE INDEX notification_undispatched_idx ON notification (created_at) WHERE dispatched_at IS NULL;

-- The deliveries and mails a node may lease next. On PostgreSQL the rows are locked with
-- SKIP LOCKED, so nodes claiming at once take different rows instead of waiting on each
-- other; the claim queries re-check the lease on the row they update in any case.
CREATE VIEW webhook_delivery_claimable AS
SELECT id, next_attempt_at, lease_until, created_at FROM webhook_delivery
WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= now())
ORDER BY next_attempt_at, created_at, id LIMIT 32
FOR UPDATE SKIP LOCKED;
CREATE VIEW mail_outbox_claimable AS
SELECT id, next_attempt_at, lease_until, created_at FROM mail_outbox
WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= now())
ORDER BY next_attempt_at, created_at, id LIMIT 32
FOR UPDATE SKIP LOCKED;

-- Events: webhook subscriptions and their deliveries, the e-mail outbox, and the cursors
-- that feed both from the audit log, in order and without loss across restarts.

CREATE TABLE webhook (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agency (id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    event_types TEXT NOT NULL, -- space-separated, e.g. "document.issued document.dispatched"
    cursor_seq  INTEGER NOT NULL DEFAULT 0, -- last audit event of the agency turned into deliveries
    created_by  TEXT NOT NULL REFERENCES app_user (id),
    created_at  TIMESTAMP NOT NULL,
    deleted_at  TIMESTAMP
);
CREATE INDEX webhook_agency_idx ON webhook (agency_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_delivery (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhook (id),
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL, -- pending, delivered, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_list_idx ON webhook_delivery (webhook_id, created_at);

CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    dedup_key       TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL REFERENCES app_user (id),
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    status          TEXT NOT NULL, -- pending, delivered, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_user_idx ON mail_outbox (user_id, created_at);

CREATE TABLE event_cursor (
    consumer  TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agency (id),
    seq       INTEGER NOT NULL,
    PRIMARY KEY (consumer, agency_id)
);
-- What happened before this version is not mailed now.
INSERT INTO event_cursor (consumer, agency_id, seq) SELECT 'mail', agency_id, seq FROM audit_head;

ALTER TABLE notification ADD COLUMN dispatched_at TIMESTAMP;
UPDATE notification SET dispatched_at = created_at;
CREATE INDEX notification_undispatched_idx ON notification (created_at) WHERE dispatched_at IS NULL;

-- The deliveries and mails a node may lease next. SQLite has one writer at a time, so
-- there is nothing to skip; the claim queries check the lease themselves.
CREATE VIEW webhook_delivery_claimable AS
SELECT id, next_attempt_at, lease_until, created_at FROM webhook_delivery
WHERE status = 'pending'
ORDER BY next_attempt_at, created_at, id LIMIT 32;
CREATE VIEW mail_outbox_claimable AS
SELECT id, next_attempt_at, lease_until, created_at FROM mail_outbox
WHERE status = 'pending'
ORDER BY next_attempt_at, created_at, id LIMIT 32;

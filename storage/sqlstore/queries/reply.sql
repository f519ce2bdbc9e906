-- Replies: the first answer to each request with an Idempotency-Key. Table in migration
-- 018_request_reply.

-- name: RequestReplyInsert
-- The first answer stays: a concurrent duplicate that finished later does not replace it.
INSERT INTO request_reply (request_id, digest, reply, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (request_id) DO NOTHING;

-- name: RequestReplyGet
SELECT request_id, digest, reply, created_at FROM request_reply WHERE request_id = $1;

-- name: RequestReplyPrune
-- A batch of the answers kept before $1; retries come within minutes, not weeks.
DELETE FROM request_reply WHERE request_id IN
    (SELECT request_id FROM request_reply WHERE created_at < $1 LIMIT $2);

-- name: RequestLogPrune
DELETE FROM request_log WHERE request_id IN
    (SELECT request_id FROM request_log WHERE created_at < $1 LIMIT $2);

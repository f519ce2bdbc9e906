-- Replies: the first answer to each request with an Idempotency-Key. Table in migration
-- 018_request_reply.

-- name: RequestReplyInsert
-- The first answer stays: a concurrent duplicate that finished later does not replace it.
INSERT INTO request_reply (request_id, digest, reply, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (request_id) DO NOTHING;

-- name: RequestReplyGet
SELECT request_id, digest, reply, created_at FROM request_reply WHERE request_id = $1;

-- The first answer to a request with an Idempotency-Key, replayed to its retries on any
-- node. digest says which request it answered (method, path, body), so that a key reused
-- for another request is refused; reply is the answer as the API encoded it.
CREATE TABLE request_reply (
    request_id  TEXT PRIMARY KEY,
    digest      TEXT      NOT NULL,
    reply       BLOB      NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

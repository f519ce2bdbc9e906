-- The request log and the kept answers are pruned by age (the request_prune job).
CREATE INDEX request_log_created_idx ON request_log (created_at);
CREATE INDEX request_reply_created_idx ON request_reply (created_at);

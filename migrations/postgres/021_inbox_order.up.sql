-- Inboxes page in queue order (urgency, then the oldest change) inside one agency's
-- (flow, state): one index range scan per page and per state, however many wait. The
-- CASE is the urgency's place in the queue, as in queries/inbox.sql.
CREATE INDEX document_inbox_idx ON document (agency_id, flow, state,
    (CASE urgency WHEN 'hoa_toc' THEN 0 WHEN 'thuong_khan' THEN 1 WHEN 'khan' THEN 2 ELSE 3 END), updated_at, id DESC);
-- The claims an inbox joins on: a reviewer's pending steps, a drafter's drafts.
CREATE INDEX review_step_reviewer_idx ON review_step (reviewer_id, status);
CREATE INDEX document_drafter_idx ON document (drafter_id, state);

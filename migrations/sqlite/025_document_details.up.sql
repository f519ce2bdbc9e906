-- An incoming document's own date (ngày văn bản), its signer (người ký) as the document
-- names them and its page count (số trang): the incoming register prints them.
ALTER TABLE document ADD COLUMN document_date TIMESTAMP;
ALTER TABLE document ADD COLUMN signer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE document ADD COLUMN page_count INTEGER NOT NULL DEFAULT 0;

-- A document's history reads its events (and its assignments') across the agencies'
-- chains without scanning them.
CREATE INDEX audit_event_object_idx ON audit_event (object_id);

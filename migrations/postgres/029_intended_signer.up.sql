-- The leader the drafter names to sign an outgoing draft (người ký dự kiến): only they, or
-- someone holding their delegation, sign it. Empty for documents submitted without one.
ALTER TABLE document ADD COLUMN intended_signer_id uuid REFERENCES app_user (id);

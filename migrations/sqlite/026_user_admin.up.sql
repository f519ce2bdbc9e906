-- Administrators onboard staff: a password an admin reset or an import generated is
-- temporary, and its user must choose their own at the next login.
ALTER TABLE app_user ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;

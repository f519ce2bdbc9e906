-- Users and their roles per agency.

-- name: UserInsert
INSERT INTO app_user (id, username, full_name, email, password_hash, disabled, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: UserGetByID
SELECT id, username, full_name, email, password_hash, disabled, created_at FROM app_user WHERE id = $1;

-- name: UserGetByUsername
SELECT id, username, full_name, email, password_hash, disabled, created_at FROM app_user WHERE username = $1;

-- name: UserList
SELECT id, username, full_name, email, password_hash, disabled, created_at FROM app_user ORDER BY username;

-- name: MembershipInsert
INSERT INTO membership (user_id, agency_id, unit_id, role, title) VALUES ($1, $2, $3, $4, $5);

-- name: MembershipDelete
DELETE FROM membership
WHERE user_id = $1 AND agency_id = $2 AND coalesce(CAST(unit_id AS TEXT), '') = $3 AND role = $4;

-- name: MembershipListByUser
SELECT user_id, agency_id, unit_id, role, title FROM membership WHERE user_id = $1 ORDER BY agency_id, role;

-- name: MembershipListByAgency
SELECT user_id, agency_id, unit_id, role, title FROM membership WHERE agency_id = $1 ORDER BY role, user_id;

-- Users and their roles per agency.

-- name: UserInsert
INSERT INTO app_user (id, username, full_name, email, password_hash, disabled, created_at, must_change_password)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: UserGetByID
SELECT id, username, full_name, email, password_hash, disabled, created_at, must_change_password FROM app_user WHERE id = $1;

-- name: UserGetByUsername
SELECT id, username, full_name, email, password_hash, disabled, created_at, must_change_password FROM app_user WHERE username = $1;

-- name: UserList
SELECT id, username, full_name, email, password_hash, disabled, created_at, must_change_password FROM app_user ORDER BY username;

-- name: MembershipInsert
INSERT INTO membership (user_id, agency_id, unit_id, role, title) VALUES ($1, $2, $3, $4, $5);

-- name: MembershipDelete
DELETE FROM membership
WHERE user_id = $1 AND agency_id = $2 AND coalesce(CAST(unit_id AS TEXT), '') = $3 AND role = $4;

-- name: MembershipListByUser
SELECT user_id, agency_id, unit_id, role, title FROM membership WHERE user_id = $1 ORDER BY agency_id, role;

-- name: MembershipHeld
-- Counts, in its command tag, whether user $1 holds role $3 in agency $2.
SELECT 1 FROM membership WHERE user_id = $1 AND agency_id = $2 AND role = $3 LIMIT 1;

-- name: MembershipListByAgency
SELECT user_id, agency_id, unit_id, role, title FROM membership WHERE agency_id = $1 ORDER BY role, user_id;

-- name: UserUpdate
UPDATE app_user SET full_name = $2, email = $3, disabled = $4, must_change_password = $5 WHERE id = $1;

-- name: UserResetPassword
-- A temporary password: its user must choose their own at the next login.
UPDATE app_user SET password_hash = $2, must_change_password = true WHERE id = $1;

-- name: UserListByAgency
-- One page of the users holding a role in agency $1, by username after $3: those whose
-- username or lower-cased full name matches the LIKE pattern $2 ('' matches all).
SELECT u.id, u.username, u.full_name, u.email, u.password_hash, u.disabled, u.created_at, u.must_change_password
FROM app_user u
WHERE EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u.id AND m.agency_id = $1)
  AND ($2 = '' OR u.username LIKE $2 ESCAPE '\' OR lower(u.full_name) LIKE $2 ESCAPE '\')
  AND u.username > $3
ORDER BY u.username
LIMIT $4;

-- name: UserCountByAgency
-- How many users UserListByAgency finds over all its pages.
SELECT count(*)
FROM app_user u
WHERE EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u.id AND m.agency_id = $1)
  AND ($2 = '' OR u.username LIKE $2 ESCAPE '\' OR lower(u.full_name) LIKE $2 ESCAPE '\');

-- name: UserListByUsernames
-- Up to 50 users by username (an import checks its rows against those taken); unused
-- slots are NULL, which matches nothing.
SELECT id, username, full_name, email, password_hash, disabled, created_at, must_change_password
FROM app_user
WHERE username IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
    $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46,
    $47, $48, $49, $50);

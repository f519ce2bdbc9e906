-- Units (phòng ban) inside an agency.

-- name: UnitInsert
INSERT INTO unit (id, agency_id, name, short_name, created_at) VALUES ($1, $2, $3, $4, $5);

-- name: UnitGetByID
SELECT id, agency_id, name, short_name, created_at FROM unit WHERE id = $1;

-- name: UnitListByAgency
SELECT id, agency_id, name, short_name, created_at FROM unit WHERE agency_id = $1 ORDER BY short_name;

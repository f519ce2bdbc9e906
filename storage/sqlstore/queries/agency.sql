-- Agencies (cơ quan) in a tree of any depth.

-- name: AgencyInsert
INSERT INTO agency (id, code, code102, name, short_name, tier, parent_id, valid_to, successor_id, created_at, numbering_per_type)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: AgencyUpdate
UPDATE agency
SET code = $2, code102 = $3, name = $4, short_name = $5, tier = $6, parent_id = $7, valid_to = $8, successor_id = $9,
    numbering_per_type = $10
WHERE id = $1;

-- name: AgencyGetByID
SELECT id, code, code102, name, short_name, tier, parent_id, valid_to, successor_id, created_at, numbering_per_type
FROM agency WHERE id = $1;

-- name: AgencyGetByCode
SELECT id, code, code102, name, short_name, tier, parent_id, valid_to, successor_id, created_at, numbering_per_type
FROM agency WHERE code = $1;

-- name: AgencyList
SELECT id, code, code102, name, short_name, tier, parent_id, valid_to, successor_id, created_at, numbering_per_type
FROM agency ORDER BY code;

-- name: AgencyListSubtree
WITH RECURSIVE subtree (id, depth) AS (
    SELECT id, 0 FROM agency WHERE id = $1
    UNION ALL
    SELECT a.id, s.depth + 1 FROM agency a JOIN subtree s ON a.parent_id = s.id
)
SELECT a.id, a.code, a.code102, a.name, a.short_name, a.tier, a.parent_id, a.valid_to, a.successor_id, a.created_at, a.numbering_per_type
FROM agency a JOIN subtree s ON a.id = s.id
ORDER BY s.depth, a.code;

-- name: AgencyCount
SELECT count(*) FROM agency;

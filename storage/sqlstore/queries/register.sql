-- Registers (sổ đăng ký): one counter per agency, year, kind and series.

-- name: RegisterEnsure
INSERT INTO register_counter (agency_id, year, kind, series, last_number)
VALUES ($1, $2, $3, $4, 0)
ON CONFLICT (agency_id, year, kind, series) DO NOTHING;

-- name: RegisterNextNumber
UPDATE register_counter SET last_number = last_number + 1
WHERE agency_id = $1 AND year = $2 AND kind = $3 AND series = $4
RETURNING last_number;

-- name: AgencySetNumberingPerType
UPDATE agency SET numbering_per_type = $2 WHERE id = $1;

-- name: AgencyNumberingPerType
SELECT numbering_per_type FROM agency WHERE id = $1;

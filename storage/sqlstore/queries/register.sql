-- Registers (sổ đăng ký): one counter per agency, year, kind and series.

-- name: RegisterNextNumber
-- One statement creates the year's register on its first number or takes the next; the
-- row stays locked until commit, which is what keeps numbers gapless.
INSERT INTO register_counter (agency_id, year, kind, series, last_number)
VALUES ($1, $2, $3, $4, 1)
ON CONFLICT (agency_id, year, kind, series) DO UPDATE SET last_number = register_counter.last_number + 1
RETURNING last_number;

-- name: AgencySetNumberingPerType
UPDATE agency SET numbering_per_type = $2 WHERE id = $1;

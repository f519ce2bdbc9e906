-- Working-day calendars per province and year.

-- name: CalendarYearUpsert
INSERT INTO calendar_year (agency_id, year, data, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (agency_id, year) DO UPDATE SET data = excluded.data, updated_by = excluded.updated_by,
    updated_at = excluded.updated_at;

-- name: CalendarYearList
SELECT year, data FROM calendar_year WHERE agency_id = $1 ORDER BY year;

-- A province's working-day calendar, year by year, as the admin edits it: the holidays,
-- compensation days, extra province days off and swapped working days of that year.
CREATE TABLE calendar_year (
    agency_id  uuid    NOT NULL REFERENCES agency (id),
    year       integer NOT NULL,
    data       text    NOT NULL, -- JSON: holidays, province_days_off, swaps
    updated_by uuid    NOT NULL REFERENCES app_user (id),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (agency_id, year)
);

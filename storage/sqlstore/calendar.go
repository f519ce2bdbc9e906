package sqlstore

import (
	"context"
	"time"
)

var (
	qCalendarYearUpsert = sqlFor("CalendarYearUpsert")
	qCalendarYearList   = sqlFor("CalendarYearList")
)

func (q queries) CalendarYearUpsert(ctx context.Context, agencyID string, year int, data []byte, by string, at time.Time) error {
	_, err := q.exec(ctx, "calendar year upsert", qCalendarYearUpsert, agencyID, year, string(data), by, at.UTC())
	return err
}

func (q queries) CalendarYearList(ctx context.Context, agencyID string) (map[int][]byte, error) {
	type row struct {
		year int
		data string
	}
	rows, err := list(ctx, q, "calendar year list", qCalendarYearList, func(r Row) (row, error) {
		var x row
		return x, r.Scan(&x.year, &x.data)
	}, agencyID)
	out := make(map[int][]byte, len(rows))
	for _, x := range rows {
		out[x.year] = []byte(x.data)
	}
	return out, err
}

package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/vanthu/vanthu/engine/calendar"
)

// CalendarYear is one year of a province's working-day calendar as an admin edits it.
// It replaces that year of the national defaults.
type CalendarYear struct {
	Holidays        []calendar.Holiday `json:"holidays"`
	ProvinceDaysOff []calendar.Holiday `json:"province_days_off"`
	Swaps           []calendar.Swap    `json:"swaps"`
}

// calendars caches each province's calendar; a node reloads it after calendarTTL so that
// an edit on another node reaches it.
type calendars struct {
	mu sync.Mutex
	m  map[string]cachedCalendar
}

type cachedCalendar struct {
	cal    *calendar.Calendar
	root   string // the province whose calendar it is
	loaded time.Time
}

const calendarTTL = time.Minute

// rootOf returns the top of an agency's tree (the province).
func rootOf(ctx context.Context, q Queries, agencyID string) (string, error) {
	id := agencyID
	for depth := 0; depth < 32; depth++ {
		a, err := q.AgencyGetByID(ctx, id)
		if err != nil {
			return "", err
		}
		if a.ParentID == "" {
			return a.ID, nil
		}
		id = a.ParentID
	}
	return "", fmt.Errorf("agency %s: tree deeper than 32 levels: %w", agencyID, ErrInvalid)
}

// CalendarFor returns the working-day calendar of the province an agency belongs to: the
// national defaults with the years the province's admin edited replaced.
//
// It is cached per agency, so that deadlines, statistics and reminders do not walk the
// agency tree for every assignment.
func (e *Engine) CalendarFor(ctx context.Context, agencyID string) (*calendar.Calendar, error) {
	e.cals.mu.Lock()
	c, ok := e.cals.m[agencyID]
	e.cals.mu.Unlock()
	if ok && time.Since(c.loaded) < calendarTTL {
		return c.cal, nil
	}
	root, err := rootOf(ctx, e.store, agencyID)
	if err != nil {
		return nil, err
	}
	years, err := e.store.CalendarYearList(ctx, root)
	if err != nil {
		return nil, err
	}
	cfg := e.Calendar.Config()
	for year, data := range years {
		var y CalendarYear
		if err := json.Unmarshal(data, &y); err != nil {
			return nil, fmt.Errorf("calendar %d: %w", year, err)
		}
		cfg = replaceYear(cfg, year, y)
	}
	cal, err := calendar.New(cfg)
	if err != nil {
		return nil, err
	}
	e.cals.mu.Lock()
	if e.cals.m == nil {
		e.cals.m = map[string]cachedCalendar{}
	}
	e.cals.m[agencyID] = cachedCalendar{cal: cal, root: root, loaded: time.Now()}
	e.cals.mu.Unlock()
	return cal, nil
}

func replaceYear(cfg calendar.Config, year int, y CalendarYear) calendar.Config {
	other := func(h calendar.Holiday) bool { return h.Date.Year != year }
	cfg.Holidays = append(slices.DeleteFunc(slices.Clone(cfg.Holidays), func(h calendar.Holiday) bool { return !other(h) }), y.Holidays...)
	cfg.ProvinceDaysOff = append(slices.DeleteFunc(slices.Clone(cfg.ProvinceDaysOff), func(h calendar.Holiday) bool { return !other(h) }), y.ProvinceDaysOff...)
	cfg.Swaps = append(slices.DeleteFunc(slices.Clone(cfg.Swaps), func(s calendar.Swap) bool { return s.DayOff.Year == year }), y.Swaps...)
	return cfg
}

// SetCalendarYear replaces one year of the province's calendar; only an admin of the
// province (the root of the tree) may, and the result must be a valid calendar.
func (e *Engine) SetCalendarYear(ctx context.Context, actor Actor, year int, y CalendarYear) error {
	data, err := json.Marshal(y)
	if err != nil {
		return err
	}
	for _, h := range append(slices.Clone(y.Holidays), y.ProvinceDaysOff...) {
		if h.Date.Year != year {
			return invalid("holidays", "%s is not in %d", h.Date, year)
		}
	}
	if _, err := calendar.New(replaceYear(e.Calendar.Config(), year, y)); err != nil {
		return invalid("calendar", "%v", err)
	}
	root, err := rootOf(ctx, e.store, actor.AgencyID)
	if err != nil {
		return err
	}
	if root != actor.AgencyID {
		return refuse("set_calendar", ReasonWrongRole, "the calendar belongs to the province")
	}
	err = e.orgChange(ctx, actor, root, "set_calendar", "calendar", root, y, func(q Queries) error {
		return q.CalendarYearUpsert(ctx, root, year, data, actor.UserID, e.timestamp())
	})
	if err != nil {
		return fmt.Errorf("set calendar %d: %w", year, err)
	}
	e.cals.mu.Lock()
	for id, c := range e.cals.m {
		if c.root == root {
			delete(e.cals.m, id)
		}
	}
	e.cals.mu.Unlock()
	return nil
}

// SetNumberingPerType chooses how the agency numbers administrative documents: one series
// for all (false) or one per document type (true). Decree 30 leaves it to the head of the
// agency; an admin records the choice. A number and notation are unique within a year, so
// the choice can only change before the year's first outgoing number.
func (e *Engine) SetNumberingPerType(ctx context.Context, actor Actor, perType bool) error {
	err := e.orgChange(ctx, actor, actor.AgencyID, "set_numbering", "agency", actor.AgencyID,
		map[string]any{"numbering_per_type": perType}, func(q Queries) error {
			year := e.now().In(vietnam).Year()
			docs, err := q.DocumentList(ctx, DocumentFilter{AgencyID: actor.AgencyID, Flow: Outgoing, Year: year, Limit: 1 << 30})
			if err != nil {
				return err
			}
			for _, d := range docs {
				if d.Number > 0 && d.Series != SeriesSecret {
					return invalid("numbering_per_type", "documents of %d are already numbered; the series change from 1 January", year)
				}
			}
			return q.AgencySetNumberingPerType(ctx, actor.AgencyID, perType)
		})
	if err != nil {
		return fmt.Errorf("set numbering: %w", err)
	}
	return nil
}

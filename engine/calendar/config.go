package calendar

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidConfig is wrapped by every error New returns, so callers can tell bad calendar
// data (a user mistake, shown to the admin) from other failures.
var ErrInvalidConfig = errors.New("invalid calendar config")

// Kind says why a day is off.
type Kind string

const (
	// Statutory is a public holiday of Labour Code 2019 Art. 112.
	Statutory Kind = "statutory"
	// Compensation is a day off in place of a statutory holiday that fell on a weekly day
	// off (nghỉ bù, Art. 111–112).
	Compensation Kind = "compensation"
	// Province is an extra day off the province grants its agencies.
	Province Kind = "province"
	// Swapped marks, in HolidayOn results, the day off of a Swap.
	Swapped Kind = "swap"
)

// Holiday is one day off besides the weekly days off.
type Holiday struct {
	Date Date   `json:"date"`
	Name string `json:"name"`
	Kind Kind   `json:"kind,omitempty"`
	// Computed marks an entry derived by rule or estimated (a lunar date, a compensation
	// day) rather than copied from an official announcement; the admin screen shows it as
	// "to be confirmed". Entries an admin types in leave it false.
	Computed bool `json:"computed,omitempty"`
}

// Swap exchanges a working day for a weekly day off (hoán đổi ngày làm việc): DayOff, a
// bridge day between a holiday and a weekend, is taken off and WorkDay, usually a Saturday,
// is worked instead.
type Swap struct {
	DayOff  Date   `json:"day_off"`
	WorkDay Date   `json:"work_day"`
	Name    string `json:"name"`
}

// Config is the data a Calendar is built from. It is plain data, safe to store as JSON and
// to edit year by year; nothing in the algorithms knows about particular years.
type Config struct {
	// WeeklyDaysOff are the days off every week. Nil means Saturday and Sunday, an empty
	// list a seven-day week; at least one day of the week must stay a working day.
	WeeklyDaysOff []time.Weekday `json:"weekly_days_off"`
	// Holidays are the national days off: statutory holidays and compensation days.
	Holidays []Holiday `json:"holidays"`
	// ProvinceDaysOff are extra days off for the agencies of one province.
	ProvinceDaysOff []Holiday `json:"province_days_off,omitempty"`
	// Swaps are exchanges of a working day for a weekly day off.
	Swaps []Swap `json:"swaps,omitempty"`
	// DueTime is the time of day a deadline falls due; zero means EndOfDay (24:00).
	DueTime Clock `json:"due_time"`
}

// defaultWeeklyDaysOff applies to state agencies (Decree 45/2013 and the five-day week).
var defaultWeeklyDaysOff = []time.Weekday{time.Saturday, time.Sunday}

// weeklyMask turns the list of weekly days off into a lookup table, rejecting nonsense.
func (c Config) weeklyMask() ([7]bool, error) {
	var off [7]bool
	days := c.WeeklyDaysOff
	if days == nil {
		days = defaultWeeklyDaysOff
	}
	for _, wd := range days {
		if wd < time.Sunday || wd > time.Saturday {
			return off, fmt.Errorf("calendar: weekly day off %d: %w", int(wd), ErrInvalidConfig)
		}
		off[wd] = true
	}
	for _, o := range off {
		if !o {
			return off, nil
		}
	}
	return off, fmt.Errorf("calendar: every day of the week is off: %w", ErrInvalidConfig)
}

func checkHolidays(field string, hs []Holiday) error {
	for i, h := range hs {
		if !h.Date.Valid() {
			return fmt.Errorf("calendar: %s[%d] %q: invalid date %d-%d-%d: %w",
				field, i, h.Name, h.Date.Year, h.Date.Month, h.Date.Day, ErrInvalidConfig)
		}
	}
	return nil
}

// checkSwap rejects a swap that would not exchange anything: the work day must be a weekly
// day off and the day off a weekly working day, and no day may be swapped twice.
func checkSwap(i int, s Swap, weeklyOff [7]bool, seen map[Date]bool) error {
	switch {
	case !s.DayOff.Valid() || !s.WorkDay.Valid():
		return fmt.Errorf("calendar: swaps[%d] %q: invalid date: %w", i, s.Name, ErrInvalidConfig)
	case !weeklyOff[s.WorkDay.Weekday()]:
		return fmt.Errorf("calendar: swaps[%d] %q: work day %s is already a working day: %w",
			i, s.Name, s.WorkDay, ErrInvalidConfig)
	case weeklyOff[s.DayOff.Weekday()]:
		return fmt.Errorf("calendar: swaps[%d] %q: day off %s is already a weekly day off: %w",
			i, s.Name, s.DayOff, ErrInvalidConfig)
	case seen[s.DayOff] || seen[s.WorkDay]:
		return fmt.Errorf("calendar: swaps[%d] %q: a day is swapped twice: %w", i, s.Name, ErrInvalidConfig)
	}
	seen[s.DayOff], seen[s.WorkDay] = true, true
	return nil
}

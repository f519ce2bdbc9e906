package calendar

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Calendar answers working-day questions for one province. It is immutable once built and
// safe for concurrent use; rebuild it with New when an admin edits the data.
//
// Internally every date is a day number and the calendar is "the weekly pattern plus
// exceptions": offs are days off that fall on weekly working days, extras are weekly days
// off that are worked. Counting working days between two dates is then arithmetic on the
// weekly pattern plus two binary searches, so a deadline costs O(log holidays) however far
// away it is.
type Calendar struct {
	cfg       Config
	weeklyOff [7]bool
	perWeek   int    // weekly working days
	cum       [8]int // cum[r]: weekly working days among the r days starting on a Thursday
	offs      []int  // sorted day numbers
	extras    []int  // sorted day numbers
	holidays  map[Date]Holiday
	years     map[int]bool
}

// New builds a Calendar from cfg, rejecting data that contradicts itself (a swapped work day
// that is also a holiday, an impossible date, a week without working days).
func New(cfg Config) (*Calendar, error) {
	weeklyOff, err := cfg.weeklyMask()
	if err != nil {
		return nil, err
	}
	if !cfg.DueTime.valid() {
		return nil, fmt.Errorf("calendar: due time %d minutes: %w", int(cfg.DueTime), ErrInvalidConfig)
	}
	if err := checkHolidays("holidays", cfg.Holidays); err != nil {
		return nil, err
	}
	if err := checkHolidays("province_days_off", cfg.ProvinceDaysOff); err != nil {
		return nil, err
	}
	c := &Calendar{
		cfg:       cfg.clone(),
		weeklyOff: weeklyOff,
		holidays:  make(map[Date]Holiday),
		years:     make(map[int]bool),
	}
	c.buildWeek()
	for _, h := range cfg.Holidays {
		c.years[h.Date.Year] = true
		c.addDayOff(h)
	}
	for _, h := range cfg.ProvinceDaysOff {
		c.addDayOff(h)
	}
	if err := c.addSwaps(cfg.Swaps); err != nil {
		return nil, err
	}
	c.offs = sortedUnique(c.offs)
	c.extras = sortedUnique(c.extras)
	return c, nil
}

// Default returns the calendar of DefaultConfig. The built-in data is checked by the tests,
// so a failure here is a programming error.
func Default() *Calendar {
	c, err := New(DefaultConfig())
	if err != nil {
		panic(err)
	}
	return c
}

// Config returns a copy of the data the calendar was built from, for storing or editing.
func (c *Calendar) Config() Config { return c.cfg.clone() }

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d Date) bool { return c.isWorking(d.days()) }

// NextWorkingDay returns the first working day strictly after d.
func (c *Calendar) NextWorkingDay(d Date) Date { return c.ShiftDate(d, 1) }

// PrevWorkingDay returns the last working day strictly before d.
func (c *Calendar) PrevWorkingDay(d Date) Date { return c.ShiftDate(d, -1) }

// MaxShift bounds n in ShiftDate and AddWorkingDays (about 3,800 years of working days); a
// larger n, say from a corrupt request, is clamped instead of overflowing the search.
const MaxShift = 1_000_000

// ShiftDate is AddWorkingDays on dates: the n-th working day strictly after d for n > 0,
// strictly before d for n < 0, and for n = 0 d itself if it is a working day, else the next
// working day.
func (c *Calendar) ShiftDate(d Date, n int) Date {
	n = max(-MaxShift, min(n, MaxShift))
	day := d.days()
	var target int
	switch {
	case n > 0:
		target = c.prefix(day) + n
	case n == 0:
		target = c.prefix(day-1) + 1
	default:
		target = c.prefix(day-1) + n + 1
	}
	return dateFromDays(c.firstReaching(target, day+n*7/c.perWeek))
}

// CountWorkingDays returns the number of working days after from, up to and including to;
// negative when to is before from, so CountWorkingDays(a, b) == -CountWorkingDays(b, a).
func (c *Calendar) CountWorkingDays(from, to Date) int {
	return c.prefix(to.days()) - c.prefix(from.days())
}

// AddWorkingDays returns the deadline for something that starts at start and is given n
// working days: the due time (Config.DueTime) of ShiftDate(DateOf(start), n). The time of
// day of start does not matter: a document received at 22:00 on a working day still counts
// from the next working day.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	return c.ShiftDate(DateOf(start), n).At(c.cfg.DueTime)
}

// WorkingDaysBetween is CountWorkingDays on the Vietnamese dates of a and b: how many
// working days end after a's day and by b's day.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	return c.CountWorkingDays(DateOf(a), DateOf(b))
}

// RegisterBy applies the same-day rule of Decree 30/2020 (Art. 18, 22, 23): a document is
// registered, issued or handed on the day it arrives, at the latest on the next working day.
// The result is the due time of the first working day after the day received.
func (c *Calendar) RegisterBy(received time.Time) time.Time {
	return c.AddWorkingDays(received, 1)
}

// HolidayOn returns the day off that falls on d, if any, with its name for display; weekly
// days off are not reported.
func (c *Calendar) HolidayOn(d Date) (Holiday, bool) {
	h, ok := c.holidays[d]
	return h, ok
}

// HasYear reports whether national holidays were entered for year y. Deadlines reaching
// into a year without data count only weekly days off, so the UI should warn the admin.
func (c *Calendar) HasYear(y int) bool { return c.years[y] }

func (c *Calendar) buildWeek() {
	for r := 0; r < 7; r++ {
		c.cum[r+1] = c.cum[r]
		if !c.weeklyOff[weekdayOf(r)] {
			c.cum[r+1]++
		}
	}
	c.perWeek = c.cum[7]
}

// addDayOff records h; a holiday on a weekly day off changes no count, so only its name is
// kept. The first entry for a date wins, so national names are shown before province ones.
func (c *Calendar) addDayOff(h Holiday) {
	if _, dup := c.holidays[h.Date]; !dup {
		c.holidays[h.Date] = h
	}
	if !c.weeklyOff[h.Date.Weekday()] {
		c.offs = append(c.offs, h.Date.days())
	}
}

func (c *Calendar) addSwaps(swaps []Swap) error {
	seen := make(map[Date]bool)
	for i, s := range swaps {
		if err := checkSwap(i, s, c.weeklyOff, seen); err != nil {
			return err
		}
		for _, d := range []Date{s.DayOff, s.WorkDay} {
			if h, ok := c.holidays[d]; ok {
				return fmt.Errorf("calendar: swaps[%d] %q: %s is already the day off %q: %w",
					i, s.Name, d, h.Name, ErrInvalidConfig)
			}
		}
		c.addDayOff(Holiday{Date: s.DayOff, Name: s.Name, Kind: Swapped})
		c.extras = append(c.extras, s.WorkDay.days())
	}
	return nil
}

func (c *Calendar) isWorking(day int) bool {
	if c.weeklyOff[weekdayOf(day)] {
		_, found := slices.BinarySearch(c.extras, day)
		return found
	}
	_, found := slices.BinarySearch(c.offs, day)
	return !found
}

// prefix counts the working days from 1970-01-01 up to and including day (negative before
// 1970). Only differences of prefixes mean anything.
func (c *Calendar) prefix(day int) int {
	n := day + 1
	weeks := (n - mod(n, 7)) / 7
	weekly := weeks*c.perWeek + c.cum[mod(n, 7)]
	return weekly + sort.SearchInts(c.extras, n) - sort.SearchInts(c.offs, n)
}

// firstReaching returns the first day whose prefix reaches target, which is always a working
// day. It gallops from the hint until the answer is bracketed, then bisects: O(log distance)
// prefix evaluations instead of a walk over every day.
func (c *Calendar) firstReaching(target, hint int) int {
	lo, hi := hint, hint // invariant once bracketed: prefix(lo) < target <= prefix(hi)
	for step := 8; c.prefix(hi) < target; step *= 2 {
		lo, hi = hi, hi+step
	}
	for step := 8; c.prefix(lo) >= target; step *= 2 {
		hi, lo = lo, lo-step
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if c.prefix(mid) >= target {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

func sortedUnique(s []int) []int {
	slices.Sort(s)
	return slices.Compact(s)
}

func (c Config) clone() Config {
	c.WeeklyDaysOff = slices.Clone(c.WeeklyDaysOff)
	c.Holidays = slices.Clone(c.Holidays)
	c.ProvinceDaysOff = slices.Clone(c.ProvinceDaysOff)
	c.Swaps = slices.Clone(c.Swaps)
	return c
}

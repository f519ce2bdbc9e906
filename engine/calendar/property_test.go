package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// model is a deliberately naive calendar: sets of days and a day-by-day walk. The fast
// Calendar must agree with it on every question.
type model struct {
	weeklyOff [7]bool
	off       map[Date]bool
	work      map[Date]bool
}

func (m model) isWorking(d Date) bool {
	if m.work[d] {
		return true
	}
	return !m.off[d] && !m.weeklyOff[d.Weekday()]
}

func (m model) shift(d Date, n int) Date {
	if n == 0 {
		for !m.isWorking(d) {
			d = d.AddDays(1)
		}
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if m.isWorking(d) {
			n--
		}
	}
	return d
}

func (m model) count(a, b Date) int {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if m.isWorking(d) {
			n++
		}
	}
	return sign * n
}

// randomConfig builds a calendar around 2020–2030 with random weekly days off, holidays,
// province days and valid swaps, and the naive model of the same data.
func randomConfig(r *rand.Rand) (Config, model) {
	base := NewDate(2020, time.January, 1)
	randDay := func() Date { return base.AddDays(r.IntN(11 * 365)) }
	m := model{off: map[Date]bool{}, work: map[Date]bool{}}
	var cfg Config
	cfg.WeeklyDaysOff = []time.Weekday{}
	for _, wd := range r.Perm(7)[:r.IntN(4)] {
		cfg.WeeklyDaysOff = append(cfg.WeeklyDaysOff, time.Weekday(wd))
		m.weeklyOff[wd] = true
	}
	for range 20 + r.IntN(200) {
		h := Holiday{Date: randDay(), Name: "random", Kind: Statutory}
		if r.IntN(5) == 0 {
			h.Kind = Province
			cfg.ProvinceDaysOff = append(cfg.ProvinceDaysOff, h)
		} else {
			cfg.Holidays = append(cfg.Holidays, h)
		}
		m.off[h.Date] = true
	}
	for range r.IntN(30) {
		s := Swap{DayOff: randDay(), WorkDay: randDay(), Name: "swap"}
		if m.weeklyOff[s.DayOff.Weekday()] || !m.weeklyOff[s.WorkDay.Weekday()] ||
			m.off[s.DayOff] || m.off[s.WorkDay] || m.work[s.DayOff] || m.work[s.WorkDay] {
			continue
		}
		cfg.Swaps = append(cfg.Swaps, s)
		m.off[s.DayOff], m.work[s.WorkDay] = true, true
	}
	return cfg, m
}

func TestCalendarAgreesWithNaiveModel(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(30, 2020))
	for range 40 {
		cfg, m := randomConfig(r)
		cal := mustNew(t, cfg)
		for range 200 {
			start := NewDate(2021, time.January, 1).AddDays(r.IntN(8 * 365))
			n := r.IntN(81) - 40
			got, want := cal.ShiftDate(start, n), m.shift(start, n)
			if got != want {
				t.Fatalf("weekly off %v: ShiftDate(%s, %d) = %s, naive walk gives %s", cfg.WeeklyDaysOff, start, n, got, want)
			}
			if !cal.IsWorkingDay(got) {
				t.Fatalf("ShiftDate(%s, %d) = %s is not a working day", start, n, got)
			}
			if cal.IsWorkingDay(start) != m.isWorking(start) {
				t.Fatalf("IsWorkingDay(%s) = %v, model says %v", start, cal.IsWorkingDay(start), m.isWorking(start))
			}
			if n > 0 || cal.IsWorkingDay(start) {
				if back := cal.CountWorkingDays(start, got); back != n {
					t.Fatalf("CountWorkingDays(%s, ShiftDate(%s, %d) = %s) = %d", start, start, n, got, back)
				}
			}
			other := start.AddDays(r.IntN(121) - 60)
			if got, want := cal.CountWorkingDays(start, other), m.count(start, other); got != want {
				t.Fatalf("CountWorkingDays(%s, %s) = %d, naive count gives %d", start, other, got, want)
			}
		}
	}
}

func TestAddWorkingDaysRoundTripsOnTheDefaultCalendar(t *testing.T) {
	t.Parallel()
	cal := Default()
	r := rand.New(rand.NewPCG(2025, 30))
	first := at(t, "2023-12-01 00:00")
	for range 5000 {
		start := first.Add(time.Duration(r.Int64N(int64(4 * 365 * 24 * time.Hour))))
		n := 1 + r.IntN(60)
		due := cal.AddWorkingDays(start, n)
		if !cal.IsWorkingDay(DateOf(due)) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", start, n, due)
		}
		if back := cal.WorkingDaysBetween(start, due); back != n {
			t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(…, %d) = %s) = %d", start, n, due, back)
		}
		if !due.After(start) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s is not after the start", start, n, due)
		}
	}
}

func TestAddingAHolidayNeverMakesADeadlineEarlier(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(112, 2019))
	for range 40 {
		cfg, m := randomConfig(r)
		before := mustNew(t, cfg)
		extra := NewDate(2022, time.January, 1).AddDays(r.IntN(5 * 365))
		if m.work[extra] {
			continue // a swapped work day cannot also be a holiday; New rejects it
		}
		cfg.Holidays = append(cfg.Holidays, Holiday{Date: extra, Name: "added", Kind: Statutory})
		after := mustNew(t, cfg)
		for range 200 {
			start := extra.AddDays(-r.IntN(60))
			n := r.IntN(40)
			old, now := before.ShiftDate(start, n), after.ShiftDate(start, n)
			if now.Before(old) {
				t.Fatalf("adding holiday %s moved ShiftDate(%s, %d) earlier: %s → %s", extra, start, n, old, now)
			}
		}
	}
}

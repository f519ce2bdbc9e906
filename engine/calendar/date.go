package calendar

import (
	"fmt"
	"time"
)

// Vietnam is Indochina Time, UTC+07:00. Vietnam has no daylight saving, so a fixed zone is
// exact and keeps the package independent of the host's tzdata.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// dateLayout is the only text form of a Date: ISO 8601, as the document standards use.
const dateLayout = "2006-01-02"

// Date is a civil date in Vietnam, without a time of day. It is comparable, so it can be a
// map key; the zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised the way time.Date normalises (31 April becomes
// 1 May), so date arithmetic in data tables cannot produce an impossible date.
func NewDate(y int, m time.Month, d int) Date {
	return dateOfUTC(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// ParseDate reads "2006-01-02" and rejects impossible dates such as 2025-02-29.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: parse date %q: %w", s, err)
	}
	return dateOfUTC(t), nil
}

// DateOf returns the day in Vietnam on which the instant t falls: 2025-01-01T18:00Z is already
// 2 January in Hà Nội.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Vietnam).Date()
	return Date{Year: y, Month: m, Day: d}
}

func dateOfUTC(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText makes Date a plain "2006-01-02" string in JSON and other text encodings. The
// zero Date ("no date", such as a document without a deadline) is the empty string.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.Valid() {
		return nil, fmt.Errorf("calendar: marshal date %d-%d-%d: not a valid date", d.Year, d.Month, d.Day)
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads "2006-01-02", or the empty string as the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day (not the zero Date, not 30 February).
func (d Date) Valid() bool {
	return !d.IsZero() && NewDate(d.Year, d.Month, d.Day) == d
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.days()) }

// AddDays returns the date n calendar days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return dateFromDays(d.days() + n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	a, b := d.days(), o.days()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// At returns the instant in Vietnam at clock time c on day d. EndOfDay gives the last
// nanosecond of the day rather than the next midnight, so DateOf(d.At(EndOfDay)) == d.
func (d Date) At(c Clock) time.Time {
	midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Vietnam)
	if c.orDefault() == EndOfDay {
		return midnight.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return midnight.Add(time.Duration(c) * time.Minute)
}

// days numbers the date as days since 1970-01-01. All counting works on these numbers so a
// date costs one integer comparison.
func (d Date) days() int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

const secondsPerDay = 24 * 60 * 60

func dateFromDays(n int) Date {
	return dateOfUTC(time.Unix(int64(n)*secondsPerDay, 0).UTC())
}

// weekdayOf uses the fact that day 0, 1970-01-01, was a Thursday.
func weekdayOf(n int) time.Weekday {
	return time.Weekday(mod(n+int(time.Thursday), 7))
}

// mod is the mathematical modulus, never negative, so dates before 1970 work too.
func mod(a, b int) int {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

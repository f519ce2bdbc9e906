package calendar

import (
	"fmt"
)

// Clock is a time of day in Vietnam, in minutes after midnight. EndOfDay (24:00) is the end
// of the day; the zero Clock means EndOfDay too, so a Config that leaves DueTime unset gets
// the Civil Code's default (a term ends at 24:00 of its last day).
type Clock int

const (
	// EndOfDay is 24:00: a deadline holds until the last instant of its day.
	EndOfDay Clock = 24 * 60
	// OfficeClose is 17:00, for agencies that want work in before the office closes.
	OfficeClose Clock = 17 * 60
)

// ParseClock reads "HH:MM" from "00:01" to "24:00".
func ParseClock(s string) (Clock, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || n != 2 || len(s) != 5 {
		return 0, fmt.Errorf("calendar: parse clock %q: want HH:MM", s)
	}
	c := Clock(h*60 + m)
	if m < 0 || m > 59 || c <= 0 || c > EndOfDay {
		return 0, fmt.Errorf("calendar: parse clock %q: want 00:01 to 24:00", s)
	}
	return c, nil
}

// String formats the clock as "HH:MM"; the zero Clock prints as "24:00", what it means.
func (c Clock) String() string {
	c = c.orDefault()
	return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60)
}

// MarshalText writes "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

func (c Clock) orDefault() Clock {
	if c == 0 {
		return EndOfDay
	}
	return c
}

func (c Clock) valid() bool { return c >= 0 && c <= EndOfDay }

package calendar

import (
	"testing"
	"time"
)

// day parses "2006-01-02" or fails the test.
func day(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// at parses "2006-01-02 15:04" as a time in Vietnam or fails the test.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, Vietnam)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// endOf is the default deadline instant: the last nanosecond of the day in Vietnam.
func endOf(t testing.TB, s string) time.Time {
	t.Helper()
	return day(t, s).At(EndOfDay)
}

func mustNew(t testing.TB, cfg Config) *Calendar {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	t.Parallel()

	t.Run("ParsesAndFormatsISODates", func(t *testing.T) {
		t.Parallel()
		d, err := ParseDate("2026-02-17")
		if err != nil {
			t.Fatal(err)
		}
		if want := (Date{2026, time.February, 17}); d != want {
			t.Fatalf("ParseDate = %+v, want %+v", d, want)
		}
		if d.String() != "2026-02-17" || d.Weekday() != time.Tuesday {
			t.Fatalf("got %s, %s; want 2026-02-17, Tuesday", d, d.Weekday())
		}
	})

	t.Run("RejectsImpossibleAndMalformedDates", func(t *testing.T) {
		t.Parallel()
		for _, s := range []string{"2025-02-29", "2025-13-01", "17/02/2026", "", "2026-2-17"} {
			if _, err := ParseDate(s); err == nil {
				t.Errorf("ParseDate(%q) succeeded, want an error", s)
			}
		}
		if (Date{2025, time.February, 29}).Valid() || (Date{}).Valid() {
			t.Error("29 February 2025 or the zero Date reported valid")
		}
		if !(Date{2024, time.February, 29}).Valid() {
			t.Error("29 February 2024 (leap year) reported invalid")
		}
	})

	t.Run("RoundTripsThroughJSONAsAString", func(t *testing.T) {
		t.Parallel()
		in := struct {
			Due Date `json:"due"`
		}{Due: NewDate(2025, time.September, 2)}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != `{"due":"2025-09-02"}` {
			t.Fatalf("json = %s", b)
		}
		var out struct {
			Due Date `json:"due"`
		}
		if err := json.Unmarshal(b, &out); err != nil || out != in {
			t.Fatalf("round trip = %+v, %v; want %+v", out, err, in)
		}
		if err := json.Unmarshal([]byte(`{"due":"2025-02-30"}`), &out); err == nil {
			t.Fatal("unmarshalling 2025-02-30 succeeded")
		}
		if _, err := json.Marshal(Date{2025, time.February, 30}); err == nil {
			t.Fatal("marshalling 2025-02-30 succeeded")
		}
	})

	t.Run("ZeroDateIsTheEmptyString", func(t *testing.T) {
		t.Parallel()
		b, err := json.Marshal(Date{})
		if err != nil || string(b) != `""` {
			t.Fatalf("json of zero Date = %s, %v; want \"\"", b, err)
		}
		d := NewDate(2025, time.May, 1)
		if err := json.Unmarshal(b, &d); err != nil || !d.IsZero() {
			t.Fatalf("unmarshal \"\" = %s, %v; want the zero Date", d, err)
		}
	})

	t.Run("TakesTheDayInVietnamNotUTC", func(t *testing.T) {
		t.Parallel()
		late := time.Date(2025, time.December, 31, 17, 30, 0, 0, time.UTC) // 00:30 on 1 January in Hà Nội
		if got := DateOf(late); got != NewDate(2026, time.January, 1) {
			t.Fatalf("DateOf(%s) = %s, want 2026-01-01", late, got)
		}
	})

	t.Run("EndOfDayStaysOnTheSameDate", func(t *testing.T) {
		t.Parallel()
		d := NewDate(2026, time.February, 23)
		end := d.At(EndOfDay)
		if DateOf(end) != d || !DateOf(end.Add(time.Nanosecond)).After(d) {
			t.Fatalf("At(EndOfDay) = %s, want the last instant of %s", end, d)
		}
		if got := d.At(OfficeClose); !got.Equal(time.Date(2026, 2, 23, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("At(17:00) = %s, want 10:00 UTC", got)
		}
	})

	t.Run("ArithmeticCrossesMonthsYearsAndEpoch", func(t *testing.T) {
		t.Parallel()
		if got := NewDate(2024, time.December, 31).AddDays(1); got != NewDate(2025, time.January, 1) {
			t.Errorf("31/12/2024 + 1 = %s", got)
		}
		if got := NewDate(1970, time.January, 1).AddDays(-1); got != NewDate(1969, time.December, 31) || got.Weekday() != time.Wednesday {
			t.Errorf("1/1/1970 - 1 = %s (%s), want 1969-12-31 Wednesday", got, got.Weekday())
		}
		if got := NewDate(2025, time.April, 31); got != NewDate(2025, time.May, 1) {
			t.Errorf("NewDate(2025, 4, 31) = %s, want 2025-05-01", got)
		}
	})
}

func TestClock(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"17:00", "24:00", "07:30"} {
		c, err := ParseClock(s)
		if err != nil || c.String() != s {
			t.Errorf("ParseClock(%q) = %s, %v", s, c, err)
		}
	}
	for _, s := range []string{"25:00", "17:60", "00:00", "5pm", "7:30"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) succeeded, want an error", s)
		}
	}
	if Clock(0).String() != "24:00" {
		t.Errorf("zero Clock prints %s, want 24:00", Clock(0))
	}
}

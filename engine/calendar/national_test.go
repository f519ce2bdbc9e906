package calendar

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func TestDefaultConfigHasElevenStatutoryDaysEachYear(t *testing.T) {
	t.Parallel()
	perYear := map[int]int{}
	for _, h := range DefaultConfig().Holidays {
		if h.Kind == Statutory {
			perYear[h.Date.Year]++
		}
	}
	// Labour Code 2019 Art. 112: 1 + 5 (Tết) + 1 + 1 + 1 + 2 (Quốc khánh) days.
	for y := 2024; y <= 2027; y++ {
		if perYear[y] != 11 {
			t.Errorf("%d has %d statutory days, want 11", y, perYear[y])
		}
		if !Default().HasYear(y) {
			t.Errorf("HasYear(%d) = false", y)
		}
	}
	if Default().HasYear(2028) {
		t.Error("HasYear(2028) = true, but no 2028 data was entered")
	}
}

func TestDefaultCalendarDaysOff(t *testing.T) {
	t.Parallel()
	cal := Default()
	tests := []struct {
		date    string
		working bool
		why     string
	}{
		{"2024-01-01", false, NameNewYear},
		{"2024-02-08", false, NameTet},
		{"2024-02-14", false, NameTet},
		{"2024-02-15", true, "first day back after Tết 2024"},
		{"2024-04-18", false, NameHungKings},
		{"2024-04-29", false, "bridge Monday swapped for Saturday 4 May"},
		{"2024-05-04", true, "swapped working Saturday"},
		{"2024-09-03", false, NameNational},
		{"2025-01-24", true, "last day before Tết 2025"},
		{"2025-01-27", false, NameTet},
		{"2025-01-31", false, NameTet},
		{"2025-02-03", true, "first day back after Tết 2025"},
		{"2025-04-07", false, NameHungKings},
		{"2025-04-26", true, "swapped working Saturday"},
		{"2025-05-02", false, "bridge Friday swapped for Saturday 26 April"},
		{"2025-09-01", false, NameNational},
		{"2025-09-03", true, "day after Quốc khánh 2025"},
		{"2026-01-02", false, "bridge Friday swapped for Saturday 10 January"},
		{"2026-01-10", true, "swapped working Saturday"},
		{"2026-02-13", true, "last day before Tết 2026"},
		{"2026-02-16", false, NameTet},
		{"2026-02-17", false, "mùng 1 Tết Bính Ngọ"},
		{"2026-02-20", false, NameTet},
		{"2026-02-23", true, "first day back after Tết 2026"},
		{"2026-04-27", false, "compensation for Giỗ Tổ on Sunday 26 April"},
		{"2026-04-28", true, "ordinary Tuesday"},
		{"2027-02-10", false, "compensation for mùng 1 on a Saturday"},
		{"2027-02-11", false, "compensation for mùng 2 on a Sunday"},
		{"2027-02-12", true, "first day back after Tết 2027"},
		{"2027-04-16", false, NameHungKings},
		{"2027-05-03", false, "compensation for 1 May on a Saturday"},
		{"2027-09-03", false, NameNational},
		{"2027-09-04", false, "ordinary Saturday"},
	}
	for _, tc := range tests {
		if got := cal.IsWorkingDay(day(t, tc.date)); got != tc.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tc.date, got, tc.working, tc.why)
		}
	}
}

func TestTetIsFiveWorkingDaysOff(t *testing.T) {
	t.Parallel()
	cal := Default()
	lunarNewYear := map[int]string{2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06"}
	for y, lny := range lunarNewYear {
		// Ten days either side of mùng 1 hold the whole break in each of these years.
		from := day(t, lny).AddDays(-10)
		off := 0
		for d := from; d.Before(from.AddDays(21)); d = d.AddDays(1) {
			if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && !cal.IsWorkingDay(d) {
				off++
			}
		}
		if off != 5 {
			t.Errorf("Tết %d takes %d weekdays off, want 5", y, off)
		}
	}
}

func TestCompensate(t *testing.T) {
	t.Parallel()

	t.Run("ProducesTheDefaultCompensationDays", func(t *testing.T) {
		t.Parallel()
		var got []string
		for _, h := range Compensate(nil, NationalHolidays()) {
			got = append(got, h.Date.String()+" "+h.Name)
			if h.Kind != Compensation || !h.Computed {
				t.Errorf("%s: kind %q computed %v, want a computed compensation entry", h.Date, h.Kind, h.Computed)
			}
		}
		want := []string{
			"2026-04-27 Nghỉ bù " + NameHungKings,
			"2027-02-10 Nghỉ bù " + NameTet,
			"2027-02-11 Nghỉ bù " + NameTet,
			"2027-05-03 Nghỉ bù " + NameLabourDay,
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Compensate = %q\nwant %q", got, want)
		}
	})

	t.Run("SkipsDaysAlreadyOff", func(t *testing.T) {
		t.Parallel()
		// Sunday holiday followed by a Monday holiday: compensated on Tuesday.
		hs := []Holiday{
			{Date: NewDate(2030, 9, 2), Name: "Mon", Kind: Statutory},
			{Date: NewDate(2030, 9, 1), Name: "Sun", Kind: Statutory},
		}
		got := Compensate(nil, hs)
		if len(got) != 1 || got[0].Date != NewDate(2030, 9, 3) {
			t.Fatalf("Compensate = %+v, want one entry on 2030-09-03", got)
		}
	})

	t.Run("UsesTheGivenWeek", func(t *testing.T) {
		t.Parallel()
		sat := []Holiday{{Date: NewDate(2025, 3, 8), Name: "Sat", Kind: Statutory}}
		if got := Compensate([]time.Weekday{time.Sunday}, sat); len(got) != 0 {
			t.Fatalf("a Saturday holiday in a six-day week was compensated: %+v", got)
		}
		province := []Holiday{{Date: NewDate(2025, 3, 8), Name: "Sat", Kind: Province}}
		if got := Compensate(nil, province); len(got) != 0 {
			t.Fatalf("a province day was compensated: %+v", got)
		}
	})
}

func TestDefaultConfigRoundTripsThroughJSON(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	cal := mustNew(t, back)
	start := at(t, "2025-12-31 09:00")
	if got, want := cal.AddWorkingDays(start, 6), Default().AddWorkingDays(start, 6); !got.Equal(want) {
		t.Fatalf("calendar from JSON gives %s, the original %s", got, want)
	}
	if !slices.Equal(back.Holidays, cfg.Holidays) || !slices.Equal(back.Swaps, cfg.Swaps) || back.DueTime != EndOfDay {
		t.Fatal("the JSON round trip changed the data")
	}
}

package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	cal := Default()
	tests := []struct {
		name     string
		received string // Vietnam time
		n        int
		due      string // date; due at the end of that day
	}{
		{"FridayPlusOneIsMonday", "2025-03-07 10:00", 1, "2025-03-10"},
		{"SaturdayPlusOneIsMonday", "2025-03-08 09:00", 1, "2025-03-10"},
		{"SundayPlusOneIsMonday", "2025-03-09 21:00", 1, "2025-03-10"},
		{"MondayPlusFiveIsNextMonday", "2025-03-10 08:00", 5, "2025-03-17"},
		{"TenWorkingDaysAreTwoWeeks", "2025-03-05 08:00", 10, "2025-03-19"},
		{"LateEveningStillCountsFromTheNextDay", "2025-03-06 23:30", 1, "2025-03-07"},

		{"Tet2024SkipsTwentyNinthChapToMungFive", "2024-02-07 16:00", 1, "2024-02-15"},
		{"Tet2025FridayBeforeIsDueAfterTheNineDayBreak", "2025-01-24 09:00", 1, "2025-02-03"},
		{"Tet2025TwoDaysFromThursday", "2025-01-23 09:00", 2, "2025-02-03"},
		{"Tet2025ReceivedOnMungMot", "2025-01-29 09:00", 1, "2025-02-03"},
		{"Tet2026FridayBeforeIsDueAfterTheNineDayBreak", "2026-02-13 09:00", 1, "2026-02-23"},
		{"Tet2026ThreeDaysFromThursday", "2026-02-12 09:00", 3, "2026-02-24"},
		{"Tet2027ComputedWithCompensation", "2027-02-04 09:00", 1, "2027-02-12"},

		{"April2024BridgeMondayIsOff", "2024-04-26 09:00", 1, "2024-05-02"},
		{"April2024SwappedSaturdayIsWorked", "2024-04-26 09:00", 3, "2024-05-04"},
		{"April2025SwappedSaturdayIsWorked", "2025-04-24 09:00", 2, "2025-04-26"},
		{"April2025BridgeFridayIsOff", "2025-04-29 09:00", 1, "2025-05-05"},
		{"April2026HungKingsCompensatedOnMonday", "2026-04-24 09:00", 1, "2026-04-28"},
		{"April2026ThursdayFridayHolidays", "2026-04-29 09:00", 1, "2026-05-04"},
		{"May2027SaturdayHolidayCompensatedOnMonday", "2027-04-29 09:00", 1, "2027-05-04"},

		{"NationalDay2024MondayTuesday", "2024-08-30 09:00", 1, "2024-09-04"},
		{"NationalDay2025MondayTuesday", "2025-08-29 09:00", 1, "2025-09-03"},
		{"NationalDay2026WednesdayThursday", "2026-09-01 09:00", 1, "2026-09-04"},

		{"YearEnd2024", "2024-12-31 09:00", 1, "2025-01-02"},
		{"YearEnd2025SkipsNewYearAndBridgeFriday", "2025-12-31 09:00", 1, "2026-01-05"},
		{"YearEnd2025SixthDayIsTheSwappedSaturday", "2025-12-31 09:00", 6, "2026-01-10"},
		{"YearEnd2025SeventhDay", "2025-12-31 09:00", 7, "2026-01-12"},
		{"LongDeadlineAcrossTheYear", "2025-12-01 09:00", 60, "2026-03-03"},

		{"ZeroIsTheSameWorkingDay", "2025-03-10 16:00", 0, "2025-03-10"},
		{"ZeroOnSaturdayIsMonday", "2025-03-08 16:00", 0, "2025-03-10"},
		{"ZeroDuringTetIsTheDayAfterTet", "2026-02-18 09:00", 0, "2026-02-23"},
		{"MinusOneFromMondayIsFriday", "2025-03-10 09:00", -1, "2025-03-07"},
		{"MinusOneFromSaturdayIsFriday", "2025-03-08 09:00", -1, "2025-03-07"},
		{"MinusTwoAcrossTet2025", "2025-02-03 09:00", -2, "2025-01-23"},
		{"MinusOneLandsOnSwappedSaturday", "2024-05-06 09:00", -1, "2024-05-04"},
		{"MinusOneAcrossNewYear2026", "2026-01-05 09:00", -1, "2025-12-31"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := cal.AddWorkingDays(at(t, tc.received), tc.n)
			if want := endOf(t, tc.due); !got.Equal(want) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want end of %s", tc.received, tc.n, got.In(Vietnam), tc.due)
			}
			if !cal.IsWorkingDay(DateOf(got)) {
				t.Fatalf("deadline %s is not a working day", DateOf(got))
			}
		})
	}
}

func TestAddWorkingDaysUsesVietnamDateOfTheInstant(t *testing.T) {
	t.Parallel()
	// 17:30 UTC on Thursday is 00:30 on Friday in Hà Nội: one working day from Friday is Monday.
	received := time.Date(2025, time.March, 6, 17, 30, 0, 0, time.UTC)
	if got, want := Default().AddWorkingDays(received, 1), endOf(t, "2025-03-10"); !got.Equal(want) {
		t.Fatalf("AddWorkingDays = %s, want %s", got, want)
	}
}

func TestDueTimeIsConfigurable(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.DueTime = OfficeClose
	cal := mustNew(t, cfg)
	got := cal.AddWorkingDays(at(t, "2025-03-07 10:00"), 1)
	if want := at(t, "2025-03-10 17:00"); !got.Equal(want) {
		t.Fatalf("due = %s, want %s", got.In(Vietnam), want)
	}
	if s := cal.Status(at(t, "2025-03-10 17:01"), got, 2); s != Overdue {
		t.Fatalf("a minute after 17:00 on the due day the status is %s, want overdue", s)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()
	cal := Default()
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"SameDayIsZero", "2025-03-10 08:00", "2025-03-10 17:00", 0},
		{"FridayToMondayIsOne", "2025-03-07 08:00", "2025-03-10 08:00", 1},
		{"WeekendCountsNothing", "2025-03-08 08:00", "2025-03-09 08:00", 0},
		{"Tet2026WeekCountsOneDay", "2026-02-13 08:00", "2026-02-23 08:00", 1},
		{"BackwardsIsNegative", "2026-02-23 08:00", "2026-02-13 08:00", -1},
		{"SwappedSaturdayCounts", "2024-05-03 08:00", "2024-05-04 08:00", 1},
		// 261 weekdays, 11 holidays on weekdays, one bridge Friday off for one Saturday worked.
		{"WholeYear2025", "2024-12-31 08:00", "2025-12-31 08:00", 250},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := cal.WorkingDaysBetween(at(t, tc.a), at(t, tc.b)); got != tc.want {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestNextAndPrevWorkingDay(t *testing.T) {
	t.Parallel()
	cal := Default()
	if got := cal.NextWorkingDay(day(t, "2025-04-29")); got != day(t, "2025-05-05") {
		t.Errorf("NextWorkingDay(29/4/2025) = %s, want 2025-05-05", got)
	}
	if got := cal.NextWorkingDay(day(t, "2025-04-25")); got != day(t, "2025-04-26") {
		t.Errorf("NextWorkingDay(Fri 25/4/2025) = %s, want the swapped Saturday 2025-04-26", got)
	}
	if got := cal.PrevWorkingDay(day(t, "2026-02-23")); got != day(t, "2026-02-13") {
		t.Errorf("PrevWorkingDay(23/2/2026) = %s, want 2026-02-13", got)
	}
}

func TestRegisterBy(t *testing.T) {
	t.Parallel()
	cal := Default()
	tests := []struct {
		name, received, by string
	}{
		{"ReceivedOnATuesdayByWednesday", "2025-03-11 15:00", "2025-03-12"},
		{"ReceivedOnFridayByMonday", "2025-03-07 16:30", "2025-03-10"},
		{"ReceivedOnSaturdayByMonday", "2025-03-08 10:00", "2025-03-10"},
		{"ReceivedBeforeTheApril2024BreakByTheDayAfter", "2024-04-26 15:00", "2024-05-02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got, want := cal.RegisterBy(at(t, tc.received)), endOf(t, tc.by); !got.Equal(want) {
				t.Fatalf("RegisterBy(%s) = %s, want end of %s", tc.received, got.In(Vietnam), tc.by)
			}
		})
	}
}

func TestProvinceDaysOff(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.ProvinceDaysOff = []Holiday{
		{Date: NewDate(2025, time.March, 10), Name: "Ngày truyền thống của tỉnh", Kind: Province},
		{Date: NewDate(2025, time.March, 15), Name: "Lễ hội (thứ Bảy)", Kind: Province},
	}
	province := mustNew(t, cfg)
	national := Default()
	received := at(t, "2025-03-07 10:00")

	if got, want := province.AddWorkingDays(received, 1), endOf(t, "2025-03-11"); !got.Equal(want) {
		t.Errorf("in the province, Friday + 1 = %s, want Tuesday 2025-03-11", got.In(Vietnam))
	}
	if got, want := national.AddWorkingDays(received, 1), endOf(t, "2025-03-10"); !got.Equal(want) {
		t.Errorf("nationally, Friday + 1 = %s, want Monday 2025-03-10", got.In(Vietnam))
	}
	if h, ok := province.HolidayOn(NewDate(2025, time.March, 10)); !ok || h.Kind != Province {
		t.Errorf("HolidayOn(10/3/2025) = %+v, %v; want the province day", h, ok)
	}
	if got := province.WorkingDaysBetween(at(t, "2025-03-14 09:00"), at(t, "2025-03-17 09:00")); got != 1 {
		t.Errorf("a province day off on a Saturday changed the count: %d, want 1", got)
	}
}

func TestWeeklyDaysOffAreConfigurable(t *testing.T) {
	t.Parallel()
	// A six-day week (only Sunday off), as some service units work.
	cal := mustNew(t, Config{WeeklyDaysOff: []time.Weekday{time.Sunday}})
	if got := cal.ShiftDate(day(t, "2025-03-07"), 1); got != day(t, "2025-03-08") {
		t.Fatalf("Friday + 1 with only Sunday off = %s, want Saturday 2025-03-08", got)
	}
	if cal.HasYear(2025) {
		t.Fatal("HasYear(2025) is true for a calendar without holidays")
	}
}

func TestNewRejectsContradictoryData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*Config)
	}{
		{"EveryDayOff", func(c *Config) {
			c.WeeklyDaysOff = []time.Weekday{0, 1, 2, 3, 4, 5, 6}
		}},
		{"WeekdayOutOfRange", func(c *Config) { c.WeeklyDaysOff = []time.Weekday{7} }},
		{"ImpossibleHolidayDate", func(c *Config) {
			c.Holidays = append(c.Holidays, Holiday{Date: Date{2025, time.February, 30}, Name: "x"})
		}},
		{"ImpossibleProvinceDate", func(c *Config) {
			c.ProvinceDaysOff = []Holiday{{Name: "no date"}}
		}},
		{"SwapWorkDayIsAWeekday", func(c *Config) {
			c.Swaps = append(c.Swaps, Swap{DayOff: NewDate(2025, 3, 10), WorkDay: NewDate(2025, 3, 11)})
		}},
		{"SwapDayOffIsAWeekend", func(c *Config) {
			c.Swaps = append(c.Swaps, Swap{DayOff: NewDate(2025, 3, 9), WorkDay: NewDate(2025, 3, 8)})
		}},
		{"SwapWorkDayIsAHoliday", func(c *Config) {
			// 1 May 2027 is a Saturday holiday; it cannot also be worked.
			c.Swaps = append(c.Swaps, Swap{DayOff: NewDate(2027, 4, 29), WorkDay: NewDate(2027, 5, 1)})
		}},
		{"SwapDayOffIsAlreadyAHoliday", func(c *Config) {
			c.Swaps = append(c.Swaps, Swap{DayOff: NewDate(2025, 9, 2), WorkDay: NewDate(2025, 9, 6)})
		}},
		{"DaySwappedTwice", func(c *Config) {
			c.Swaps = append(c.Swaps, Swap{DayOff: NewDate(2025, 5, 5), WorkDay: NewDate(2025, 4, 26)})
		}},
		{"DueTimeOutOfRange", func(c *Config) { c.DueTime = 25 * 60 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			tc.modify(&cfg)
			if _, err := New(cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("New = %v, want an ErrInvalidConfig", err)
			}
		})
	}
}

func TestCalendarKeepsItsOwnCopyOfTheData(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cal := mustNew(t, cfg)
	cfg.Holidays[0].Date = NewDate(2024, time.March, 5)
	got := cal.Config()
	got.Swaps[0].Name = "edited"
	if cal.Config().Holidays[0].Date != NewDate(2024, time.January, 1) || cal.Config().Swaps[0].Name == "edited" {
		t.Fatal("editing a Config after New, or the copy Config returns, changed the calendar")
	}
}

func TestHugeShiftsAreClampedNotLooping(t *testing.T) {
	t.Parallel()
	cal := Default()
	start := day(t, "2025-03-10")
	if got, want := cal.ShiftDate(start, 1<<62), cal.ShiftDate(start, MaxShift); got != want {
		t.Fatalf("ShiftDate(…, 2^62) = %s, want the clamp %s", got, want)
	}
	if got, want := cal.ShiftDate(start, -1<<62), cal.ShiftDate(start, -MaxShift); got != want {
		t.Fatalf("ShiftDate(…, -2^62) = %s, want the clamp %s", got, want)
	}
}

package calendar

import (
	"slices"
	"time"
)

// Names of the public holidays of Labour Code 2019 Art. 112, as they appear in announcements.
const (
	NameNewYear    = "Tết Dương lịch"
	NameTet        = "Tết Nguyên đán"
	NameHungKings  = "Giỗ Tổ Hùng Vương"
	NameReunion    = "Ngày Giải phóng miền Nam, thống nhất đất nước"
	NameLabourDay  = "Ngày Quốc tế Lao động"
	NameNational   = "Quốc khánh"
	compensationOf = "Nghỉ bù "
)

// national holds the statutory holidays, 11 days a year, before compensation. Each year is
// one block an admin would edit as a unit. "official" entries follow the days off announced
// for officials (cán bộ, công chức, viên chức); "computed" ones follow the lunar calendar
// (new moons computed for UTC+07:00) and the usual pattern, and carry Computed so the admin
// screen asks for confirmation once the year's announcement is out.
var national = []Holiday{
	// 2024, official. Tết: Thursday 8 to Wednesday 14 February (29 Chạp to mùng 5); the five
	// Tết days are listed as announced, already moved off the weekend.
	official(2024, time.January, 1, NameNewYear),
	official(2024, time.February, 8, NameTet),
	official(2024, time.February, 9, NameTet),
	official(2024, time.February, 12, NameTet),
	official(2024, time.February, 13, NameTet),
	official(2024, time.February, 14, NameTet),
	official(2024, time.April, 18, NameHungKings),
	official(2024, time.April, 30, NameReunion),
	official(2024, time.May, 1, NameLabourDay),
	official(2024, time.September, 2, NameNational),
	official(2024, time.September, 3, NameNational),

	// 2025, official. Tết: Saturday 25 January to Sunday 2 February, the five working days
	// Monday 27 to Friday 31 January (lunar new year: Wednesday 29 January).
	official(2025, time.January, 1, NameNewYear),
	official(2025, time.January, 27, NameTet),
	official(2025, time.January, 28, NameTet),
	official(2025, time.January, 29, NameTet),
	official(2025, time.January, 30, NameTet),
	official(2025, time.January, 31, NameTet),
	official(2025, time.April, 7, NameHungKings),
	official(2025, time.April, 30, NameReunion),
	official(2025, time.May, 1, NameLabourDay),
	official(2025, time.September, 1, NameNational),
	official(2025, time.September, 2, NameNational),

	// 2026. Official: 1 January (with the swap below) and Tết, Saturday 14 to Sunday
	// 22 February, the working days Monday 16 to Friday 20 (lunar new year: Tuesday
	// 17 February). Computed: Giỗ Tổ, 10/3 lunar = Sunday 26 April, compensated by rule;
	// Quốc khánh falls on a Wednesday and the adjacent day chosen here (Thursday 3) is a guess.
	official(2026, time.January, 1, NameNewYear),
	official(2026, time.February, 16, NameTet),
	official(2026, time.February, 17, NameTet),
	official(2026, time.February, 18, NameTet),
	official(2026, time.February, 19, NameTet),
	official(2026, time.February, 20, NameTet),
	computed(2026, time.April, 26, NameHungKings),
	official(2026, time.April, 30, NameReunion),
	official(2026, time.May, 1, NameLabourDay),
	official(2026, time.September, 2, NameNational),
	computed(2026, time.September, 3, NameNational),

	// 2027, all computed. Lunar new year: Saturday 6 February; Tết is taken as the last day
	// of the old year (29 Chạp, Friday 5) and mùng 1–4, the weekend days being compensated.
	// Giỗ Tổ: 10/3 lunar = Friday 16 April. 1 May is a Saturday, compensated.
	computed(2027, time.January, 1, NameNewYear),
	computed(2027, time.February, 5, NameTet),
	computed(2027, time.February, 6, NameTet),
	computed(2027, time.February, 7, NameTet),
	computed(2027, time.February, 8, NameTet),
	computed(2027, time.February, 9, NameTet),
	computed(2027, time.April, 16, NameHungKings),
	computed(2027, time.April, 30, NameReunion),
	computed(2027, time.May, 1, NameLabourDay),
	computed(2027, time.September, 2, NameNational),
	computed(2027, time.September, 3, NameNational),
}

// nationalSwaps are the announced exchanges of a bridge day for a Saturday (all official).
var nationalSwaps = []Swap{
	{DayOff: NewDate(2024, time.April, 29), WorkDay: NewDate(2024, time.May, 4),
		Name: "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 04/5/2024)"},
	{DayOff: NewDate(2025, time.May, 2), WorkDay: NewDate(2025, time.April, 26),
		Name: "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/4/2025)"},
	{DayOff: NewDate(2026, time.January, 2), WorkDay: NewDate(2026, time.January, 10),
		Name: "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)"},
}

// NationalHolidays returns the statutory public holidays entered for 2024–2027, before
// compensation. The caller owns the returned slice.
func NationalHolidays() []Holiday { return slices.Clone(national) }

// NationalSwaps returns the announced swapped working days for 2024–2027.
func NationalSwaps() []Swap { return slices.Clone(nationalSwaps) }

// Compensate applies the compensation rule of Labour Code 2019 Art. 112(3): a statutory
// holiday (Kind Statutory) that falls on a weekly day off is compensated on the next day that is neither a
// weekly day off nor already a day off in holidays (nor another compensation day). It
// returns only the new entries, marked Computed, so an admin can review them before saving;
// it does not look at swaps, whose days are announced explicitly. weeklyDaysOff nil means
// Saturday and Sunday.
func Compensate(weeklyDaysOff []time.Weekday, holidays []Holiday) []Holiday {
	if weeklyDaysOff == nil {
		weeklyDaysOff = defaultWeeklyDaysOff
	}
	var weeklyOff [7]bool
	for _, wd := range weeklyDaysOff {
		weeklyOff[mod(int(wd), 7)] = true
	}
	if !slices.Contains(weeklyOff[:], false) {
		return nil // no working day to move anything to
	}
	sorted := slices.Clone(holidays)
	slices.SortStableFunc(sorted, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	taken := make(map[Date]bool, len(sorted))
	for _, h := range sorted {
		taken[h.Date] = true
	}
	var out []Holiday
	for _, h := range sorted {
		if h.Kind != Statutory || !weeklyOff[h.Date.Weekday()] {
			continue
		}
		d := h.Date.AddDays(1)
		for weeklyOff[d.Weekday()] || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		out = append(out, Holiday{Date: d, Name: compensationOf + h.Name, Kind: Compensation, Computed: true})
	}
	return out
}

// DefaultConfig returns the national calendar for state agencies: Saturday and Sunday off,
// the holidays of 2024–2027 with their compensation days, the announced swaps, and
// deadlines at the end of the day.
func DefaultConfig() Config {
	holidays := NationalHolidays()
	holidays = append(holidays, Compensate(defaultWeeklyDaysOff, holidays)...)
	slices.SortStableFunc(holidays, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return Config{
		WeeklyDaysOff: slices.Clone(defaultWeeklyDaysOff),
		Holidays:      holidays,
		Swaps:         NationalSwaps(),
		DueTime:       EndOfDay,
	}
}

func official(y int, m time.Month, d int, name string) Holiday {
	return Holiday{Date: NewDate(y, m, d), Name: name, Kind: Statutory}
}

func computed(y int, m time.Month, d int, name string) Holiday {
	return Holiday{Date: NewDate(y, m, d), Name: name, Kind: Statutory, Computed: true}
}

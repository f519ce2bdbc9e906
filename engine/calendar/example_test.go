package calendar_test

import (
	"fmt"
	"time"

	"github.com/vanthu/vanthu/engine/calendar"
)

func ExampleCalendar_AddWorkingDays() {
	cal := calendar.Default()
	// Received on the Friday before Tết Bính Ngọ, to be handled within 3 working days.
	received := time.Date(2026, time.February, 13, 9, 30, 0, 0, calendar.Vietnam)
	due := cal.AddWorkingDays(received, 3)
	fmt.Println(due.Format("Mon 2006-01-02 15:04"))
	fmt.Println(cal.Status(received, due, 2))
	// Output:
	// Wed 2026-02-25 23:59
	// on_track
}

func ExampleCalendar_RegisterBy() {
	cal := calendar.Default()
	// Arrived on Friday afternoon before the 30/4–1/5 break of 2024 (Monday 29 April swapped).
	received := time.Date(2024, time.April, 26, 16, 45, 0, 0, calendar.Vietnam)
	fmt.Println(cal.RegisterBy(received).Format("Mon 2006-01-02"))
	// Output: Thu 2024-05-02
}

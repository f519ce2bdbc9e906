package calendar

import (
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	cal := Default()
	due := endOf(t, "2026-02-24") // Tuesday after Tết 2026
	tests := []struct {
		name       string
		now        string
		soonWithin int
		want       Status
	}{
		{"FourWorkingDaysLeftIsOnTrack", "2026-02-11 09:00", 2, OnTrack},
		{"TwoWorkingDaysLeftAcrossTetIsDueSoon", "2026-02-13 09:00", 2, DueSoon},
		{"DuringTetOnlyTwoWorkingDaysRemain", "2026-02-18 09:00", 2, DueSoon},
		{"DuringTetWithSmallWindowIsOnTrack", "2026-02-18 09:00", 1, OnTrack},
		{"TheDueDayIsDueSoonEvenWithZeroWindow", "2026-02-24 16:00", 0, DueSoon},
		{"NegativeWindowNeverWarns", "2026-02-24 16:00", -1, OnTrack},
		{"AfterTheDueDayIsOverdue", "2026-02-25 00:00", 2, Overdue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := cal.Status(at(t, tc.now), due, tc.soonWithin); got != tc.want {
				t.Fatalf("Status(%s, due 2026-02-24, %d) = %s, want %s", tc.now, tc.soonWithin, got, tc.want)
			}
		})
	}

	t.Run("NoDueTimeMeansNoDeadline", func(t *testing.T) {
		t.Parallel()
		if got := cal.Status(at(t, "2026-02-24 16:00"), time.Time{}, 2); got != NoDeadline {
			t.Fatalf("Status with zero due = %s", got)
		}
	})
}

func TestCompletedStatus(t *testing.T) {
	t.Parallel()
	cal := Default()
	due := endOf(t, "2025-05-05")
	if got := cal.CompletedStatus(at(t, "2025-05-05 23:00"), due); got != Done {
		t.Errorf("completed on the due day: %s, want done", got)
	}
	if got := cal.CompletedStatus(at(t, "2025-05-06 08:00"), due); got != DoneLate {
		t.Errorf("completed the day after: %s, want done_late", got)
	}
	if got := cal.CompletedStatus(at(t, "2030-01-01 08:00"), time.Time{}); got != Done {
		t.Errorf("completed without a deadline: %s, want done", got)
	}
}

package engine

import (
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine/calendar"
)

// TestDueSoonBeforeAgreesWithAssignmentStatus: the instant the badge count uses splits
// deadlines exactly where AssignmentStatus turns from due soon to on track, on working
// days, weekends and across Tết, every hour over three weeks of deadlines.
func TestDueSoonBeforeAgreesWithAssignmentStatus(t *testing.T) {
	t.Parallel()
	cal := calendar.Default()
	for _, at := range []string{"2026-02-13 09:00", "2026-02-14 22:30", "2026-02-18 09:00", "2026-03-06 16:59", "2026-04-29 08:00"} {
		now, err := time.ParseInLocation("2006-01-02 15:04", at, calendar.Vietnam)
		if err != nil {
			t.Fatal(err)
		}
		cutoff := dueSoonBefore(cal, now)
		for due := now.Add(-24 * time.Hour); due.Before(now.Add(21 * 24 * time.Hour)); due = due.Add(time.Hour) {
			a := Assignment{Deadline: &due}
			var counted calendar.Status
			switch {
			case due.Before(now):
				counted = calendar.Overdue
			case due.Before(cutoff):
				counted = calendar.DueSoon
			default:
				counted = calendar.OnTrack
			}
			if want := AssignmentStatus(cal, a, now); counted != want {
				t.Fatalf("now %s, due %s: counted as %s, AssignmentStatus says %s (cutoff %s)", at, due.Format(time.DateTime), counted, want, cutoff)
			}
		}
	}
}

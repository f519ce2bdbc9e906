package calendar

import "time"

// Status is where a task stands against its deadline, as inbox listings colour it.
type Status string

const (
	// NoDeadline: the task has no due time (hạn xử lý not set).
	NoDeadline Status = "no_deadline"
	// OnTrack: open, more than the warning window of working days left.
	OnTrack Status = "on_track"
	// DueSoon: open, due within the warning window (including due today).
	DueSoon Status = "due_soon"
	// Overdue: open and past its due time.
	Overdue Status = "overdue"
	// Done: completed by its due time.
	Done Status = "done"
	// DoneLate: completed after its due time.
	DoneLate Status = "done_late"
)

// Status classifies an open task at instant now against due. It is DueSoon when at most
// soonWithin working days remain after today (0 means only on the due day itself; negative
// never warns), Overdue once now is after due. A zero due gives NoDeadline.
func (c *Calendar) Status(now, due time.Time, soonWithin int) Status {
	switch {
	case due.IsZero():
		return NoDeadline
	case now.After(due):
		return Overdue
	case c.WorkingDaysBetween(now, due) <= soonWithin:
		return DueSoon
	}
	return OnTrack
}

// CompletedStatus classifies a task completed at instant done: Done when done is not after
// due (or there was no due time), DoneLate otherwise.
func (c *Calendar) CompletedStatus(done, due time.Time) Status {
	if !due.IsZero() && done.After(due) {
		return DoneLate
	}
	return Done
}

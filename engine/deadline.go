package engine

import (
	"context"
	"time"

	"github.com/vanthu/vanthu/engine/calendar"
)

// DueSoonWithin is how many working days before its deadline an assignment counts as
// due soon.
const DueSoonWithin = 2

// AssignmentStatus tells whether an assignment is on track, due soon, overdue, or done
// (on time or late), on a working-day calendar.
func AssignmentStatus(cal *calendar.Calendar, a Assignment, now time.Time) calendar.Status {
	if a.Deadline == nil {
		return calendar.NoDeadline
	}
	if a.DoneAt != nil {
		return cal.CompletedStatus(*a.DoneAt, *a.Deadline)
	}
	return cal.Status(now, *a.Deadline, DueSoonWithin)
}

// OnTime counts an agency's assignments with a deadline by their status.
type OnTime struct {
	Done, DoneLate, OnTrack, DueSoon, Overdue int
}

// Rate is the share of finished assignments that finished on time, 0 to 1.
func (o OnTime) Rate() float64 {
	if o.Done+o.DoneLate == 0 {
		return 0
	}
	return float64(o.Done) / float64(o.Done+o.DoneLate)
}

// Deadlines returns the statistics of an agency's incoming work, overall and per unit,
// with the overdue assignments themselves.
func (e *Engine) Deadlines(ctx context.Context, agencyID string) (OnTime, map[string]OnTime, []Assignment, error) {
	as, err := e.store.AssignmentListByAgency(ctx, agencyID)
	if err != nil {
		return OnTime{}, nil, nil, err
	}
	cal, err := e.CalendarFor(ctx, agencyID)
	if err != nil {
		return OnTime{}, nil, nil, err
	}
	now := e.now()
	var total OnTime
	perUnit := map[string]OnTime{}
	var overdue []Assignment
	for _, a := range as {
		if a.Role == ForInformation {
			continue
		}
		u := perUnit[a.UnitID]
		switch AssignmentStatus(cal, a, now) {
		case calendar.Done:
			total.Done++
			u.Done++
		case calendar.DoneLate:
			total.DoneLate++
			u.DoneLate++
		case calendar.OnTrack:
			total.OnTrack++
			u.OnTrack++
		case calendar.DueSoon:
			total.DueSoon++
			u.DueSoon++
		case calendar.Overdue:
			total.Overdue++
			u.Overdue++
			overdue = append(overdue, a)
		}
		perUnit[a.UnitID] = u
	}
	return total, perUnit, overdue, nil
}

package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/vanthu/vanthu/engine/calendar"
)

// Notification tells a person that something waits for them.
type Notification struct {
	ID           string
	UserID       string
	Kind         string // due_soon, overdue, escalated
	DocumentID   string
	AssignmentID string
	Body         string
	CreatedAt    time.Time
	ReadAt       *time.Time
}

// Notification kinds.
const (
	NoticeDueSoon   = "due_soon"
	NoticeOverdue   = "overdue"
	NoticeEscalated = "escalated"
)

// Reminders warns assignees before their deadline and, once it has passed, tells them
// again and escalates to the head of their unit and to whoever gave the assignment.
// Something calls RunOnce now and then (serve: a periodic job); running it twice at once
// is harmless, as each notice is stored once per person, kind and assignment.
type Reminders struct {
	Engine *Engine
	Batch  int // assignments per run, default 5000
}

// RunOnce checks every open assignment with a deadline and returns how many new
// notifications it stored.
func (r *Reminders) RunOnce(ctx context.Context) (int, error) {
	e := r.Engine
	batch := r.Batch
	if batch <= 0 {
		batch = 5000
	}
	open, err := e.store.AssignmentListOpenWithDeadline(ctx, batch)
	if err != nil {
		return 0, fmt.Errorf("reminders: %w", err)
	}
	now := e.now()
	sent := 0
	for _, a := range open {
		d, err := e.store.DocumentGetByID(ctx, a.DocumentID)
		if err != nil {
			return sent, err
		}
		cal, err := e.CalendarFor(ctx, d.AgencyID)
		if err != nil {
			return sent, err
		}
		status := AssignmentStatus(cal, a, now)
		if status != calendar.DueSoon && status != calendar.Overdue {
			continue
		}
		assignees, err := r.assignees(ctx, d.AgencyID, a)
		if err != nil {
			return sent, err
		}
		due := a.Deadline.In(vietnam).Format("02/01/2006")
		kind, text := NoticeDueSoon, fmt.Sprintf("Sắp đến hạn %s: %s", due, d.Subject)
		if status == calendar.Overdue {
			kind, text = NoticeOverdue, fmt.Sprintf("Quá hạn xử lý (hạn %s): %s", due, d.Subject)
		}
		// Each notice is a write of its own, in a transaction, so that what it causes
		// (an e-mail job) commits with it.
		notify := func(userID, kind, body string) error {
			var stored bool
			err := e.store.InTx(ctx, func(q Queries) (err error) {
				stored, err = q.NotificationInsert(ctx, &Notification{ID: NewID(), UserID: userID, Kind: kind, DocumentID: d.ID,
					AssignmentID: a.ID, Body: body, CreatedAt: e.timestamp()})
				return err
			})
			if err == nil && stored {
				sent++
			}
			return err
		}
		for _, u := range assignees {
			if err := notify(u, kind, text); err != nil {
				return sent, err
			}
		}
		if status != calendar.Overdue {
			continue
		}
		heads, err := r.unitHeads(ctx, d.AgencyID, a.UnitID)
		if err != nil {
			return sent, err
		}
		for _, u := range append(heads, a.CreatedBy) {
			if err := notify(u, NoticeEscalated, "Văn bản quá hạn cần đôn đốc: "+d.Subject); err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}

// assignees are the person assigned, or everyone of the assigned unit.
func (r *Reminders) assignees(ctx context.Context, agencyID string, a Assignment) ([]string, error) {
	if a.UserID != "" {
		return []string{a.UserID}, nil
	}
	ms, err := r.Engine.store.MembershipListByAgency(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		if m.UnitID == a.UnitID && a.UnitID != "" && (m.Role == RoleUnitHead || m.Role == RoleSpecialist) {
			out = append(out, m.UserID)
		}
	}
	return out, nil
}

func (r *Reminders) unitHeads(ctx context.Context, agencyID, unitID string) ([]string, error) {
	ms, err := r.Engine.store.MembershipListByAgency(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		if m.UnitID == unitID && unitID != "" && m.Role == RoleUnitHead {
			out = append(out, m.UserID)
		}
	}
	return out, nil
}

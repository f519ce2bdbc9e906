package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine/calendar"
)

// AssignmentHolderPage selects assignments on an agency's incoming documents still being
// handled that one holder holds: those naming the user, or, with UnitID, those of that
// unit naming nobody or someone else.
type AssignmentHolderPage struct {
	AgencyID, UserID, UnitID string
	// After is the last assignment of the previous page; nil for the first page.
	After *Assignment
	Limit int
}

// TaskPage lists a page of the actor's open work, earliest deadline first, those without
// a deadline last: the assignments naming them, and those of the units where they hold
// their role. after is the last assignment of the previous page (nil for the first). Each
// holder's part is read along an index from the cursor, at most a page of it, whatever
// the number of tasks; the parts are merged here, as the inbox's are.
func (e *Engine) TaskPage(ctx context.Context, actor Actor, after *Assignment, limit int) ([]Assignment, error) {
	parts, err := e.taskHolders(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	for _, f := range parts {
		f.After, f.Limit = after, limit
		part, err := e.store.AssignmentPageOpenByHolder(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("task page: %w", err)
		}
		out = append(out, part...)
	}
	slices.SortFunc(out, compareTasks)
	return out[:min(limit, len(out))], nil
}

// TasksDone lists the latest limit assignments the actor's holders finished, the last
// finished first.
func (e *Engine) TasksDone(ctx context.Context, actor Actor, limit int) ([]Assignment, error) {
	parts, err := e.taskHolders(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	for _, f := range parts {
		f.Limit = limit
		part, err := e.store.AssignmentListDoneByHolder(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("tasks done: %w", err)
		}
		out = append(out, part...)
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		return cmp.Or(-timeOrZero(a.DoneAt).Compare(timeOrZero(b.DoneAt)), -strings.Compare(a.ID, b.ID))
	})
	return out[:min(limit, len(out))], nil
}

// taskHolders are who holds the actor's work: they, named, and each unit where they hold
// the actor's role in its agency.
func (e *Engine) taskHolders(ctx context.Context, actor Actor) ([]AssignmentHolderPage, error) {
	if err := e.member(ctx, actor, "list"); err != nil {
		return nil, err
	}
	ms, err := e.store.MembershipListByUser(ctx, actor.UserID)
	if err != nil {
		return nil, fmt.Errorf("tasks: memberships: %w", err)
	}
	parts := []AssignmentHolderPage{{AgencyID: actor.AgencyID, UserID: actor.UserID}}
	for _, m := range ms {
		unit := AssignmentHolderPage{AgencyID: actor.AgencyID, UserID: actor.UserID, UnitID: m.UnitID}
		if m.AgencyID == actor.AgencyID && m.Role == actor.Role && m.UnitID != "" && !slices.Contains(parts, unit) {
			parts = append(parts, unit)
		}
	}
	return parts, nil
}

// compareTasks is the task list's order: earliest deadline first, those without one last,
// then by id.
func compareTasks(a, b Assignment) int {
	switch {
	case a.Deadline == nil && b.Deadline != nil:
		return 1
	case a.Deadline != nil && b.Deadline == nil:
		return -1
	case a.Deadline != nil:
		if c := a.Deadline.Compare(*b.Deadline); c != 0 {
			return c
		}
	}
	return strings.Compare(a.ID, b.ID)
}

func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// TasksDue counts the user's open tasks in the agencies that are due soon (DueSoonWithin
// working days on each agency's calendar, as AssignmentStatus says) or overdue: the
// badges of the page header. Each agency's calendar turns "due soon" into an instant, so
// the store counts both along its indexes without reading a task.
func (e *Engine) TasksDue(ctx context.Context, userID string, agencyIDs []string, now time.Time) (dueSoon, overdue int, err error) {
	agencyIDs = slices.Compact(slices.Sorted(slices.Values(agencyIDs)))
	for _, agencyID := range agencyIDs {
		cal, err := e.CalendarFor(ctx, agencyID)
		if err != nil {
			return 0, 0, fmt.Errorf("tasks due: calendar: %w", err)
		}
		soon, late, err := e.store.AssignmentCountDue(ctx, userID, agencyID, now, dueSoonBefore(cal, now))
		if err != nil {
			return 0, 0, fmt.Errorf("tasks due: %w", err)
		}
		dueSoon, overdue = dueSoon+soon, overdue+late
	}
	return dueSoon, overdue, nil
}

// dueSoonBefore is the first instant at which an open task is no longer due soon at now:
// the start of the (DueSoonWithin+1)-th working day after now's day, the first day from
// which more than DueSoonWithin working days remain.
func dueSoonBefore(cal *calendar.Calendar, now time.Time) time.Time {
	d := cal.ShiftDate(calendar.DateOf(now), DueSoonWithin+1)
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, calendar.Vietnam)
}

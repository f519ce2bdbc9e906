package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vanthu/vanthu/engine/calendar"
)

// Reports (báo cáo) an agency's văn thư, leaders and archivists are asked for. Every report
// hands its rows to a callback as the database reads them, so that a report of a large
// agency is written out (to a page, a PDF, a spreadsheet) without being held in memory.

// DocumentGroup is what a documents report counts by.
type DocumentGroup string

const (
	GroupByType      DocumentGroup = "type"      // incoming and outgoing, by document type
	GroupBySender    DocumentGroup = "sender"    // incoming, by issuing agency (tác giả)
	GroupByRecipient DocumentGroup = "recipient" // outgoing, by recipient agency
)

// ReportFilter selects what a report reads from the store: an agency's documents received
// or issued, or assignments made, in [From, To).
type ReportFilter struct {
	AgencyID string
	From, To time.Time
	Group    DocumentGroup
	// Before: for the overdue list, open assignments with a deadline before it.
	Before time.Time
}

// DocumentCount is one line of a documents report.
type DocumentCount struct {
	Flow  Flow
	Key   string // a type code, a sender's name or a recipient agency's name
	Count int
}

// ReportAssignment is an assignment with what a report prints about it.
type ReportAssignment struct {
	Assignment
	UnitName, UserName string
	Notation           string // the sender's number and notation
	IncomingNumber     int
	Subject            string
	Classification     Classification
}

// RecordLine is one line of a year's records list (danh mục hồ sơ).
type RecordLine struct {
	Code, Title string
	Year        int
	Retention   Retention
	OwnerName   string
	State       RecordState
	Documents   int
}

// Holder names who holds an assignment: its unit, or its person.
func (a ReportAssignment) Holder() string { return cmp.Or(a.UnitName, a.UserName) }

// ReportQueries are the store's reads behind reports; each calls yield once per row, in
// order, and stops at the first error yield returns. yield must not use the store.
type ReportQueries interface {
	ReportDocumentCount(ctx context.Context, f ReportFilter, yield func(DocumentCount) error) error
	// ReportAssignmentEach reads the assignments, not for information, on the agency's
	// incoming documents still counted: made in [From, To), or when Before is set, open
	// with a deadline before it, earliest deadline first.
	ReportAssignmentEach(ctx context.Context, f ReportFilter, yield func(ReportAssignment) error) error
	// ReportRecordEach reads the agency's records of a year, by code, with how many
	// documents each holds.
	ReportRecordEach(ctx context.Context, agencyID string, year int, yield func(RecordLine) error) error
}

// reportReaders may read an agency's reports: those who see its whole registers.
var reportReaders = []Role{RoleLeader, RoleDeputyLeader, RoleClerk, RoleArchivist, RoleAdmin}

// MaxReportSpan bounds a report's period: a period is at most a few years.
const MaxReportSpan = 5 * 366 * 24 * time.Hour

// Period is a report's [From, To) in Vietnam's civil time, from two calendar days
// inclusive; zero days mean this month.
func (e *Engine) Period(from, to time.Time) (time.Time, time.Time, error) {
	now := e.now().In(vietnam)
	if from.IsZero() {
		from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, vietnam)
	}
	if to.IsZero() {
		to = time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, vietnam)
	}
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, vietnam)
	to = time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, vietnam)
	switch {
	case !from.Before(to):
		return from, to, invalid("to", "must not be before from")
	case to.Sub(from) > MaxReportSpan:
		return from, to, invalid("to", "a report covers at most five years")
	}
	return from, to, nil
}

func (e *Engine) reportReader(ctx context.Context, actor Actor) error {
	if !slices.Contains(reportReaders, actor.Role) {
		return fmt.Errorf("report: %w", ErrForbidden)
	}
	return e.member(ctx, actor, "report")
}

// ReportDocuments counts the actor's agency's documents received and issued in [from, to)
// (see Period) by group.
func (e *Engine) ReportDocuments(ctx context.Context, actor Actor, from, to time.Time, g DocumentGroup,
	yield func(DocumentCount) error) error {
	if g != GroupByType && g != GroupBySender && g != GroupByRecipient {
		return invalid("group", "must be type, sender or recipient")
	}
	if err := e.reportReader(ctx, actor); err != nil {
		return err
	}
	f := ReportFilter{AgencyID: actor.AgencyID, From: from, To: to, Group: g}
	if err := e.store.ReportDocumentCount(ctx, f, yield); err != nil {
		return fmt.Errorf("report documents: %w", err)
	}
	return nil
}

// OnTimeLine is one unit's or person's assignments made in a period, by their status now.
type OnTimeLine struct {
	ID, Name string
	OnTime
}

// InTime is how many open assignments are not overdue (on track or due soon).
func (o OnTime) InTime() int { return o.OnTrack + o.DueSoon }

// ReportOnTime counts the assignments with a deadline made in [from, to) on the actor's
// agency's incoming documents, per unit (byPerson false) or per person, by status on the
// agency's working-day calendar. The lines are one per unit or person, so they are
// gathered before being handed on, by name.
func (e *Engine) ReportOnTime(ctx context.Context, actor Actor, from, to time.Time, byPerson bool,
	yield func(OnTimeLine) error) error {
	if err := e.reportReader(ctx, actor); err != nil {
		return err
	}
	cal, err := e.CalendarFor(ctx, actor.AgencyID)
	if err != nil {
		return fmt.Errorf("report on time: %w", err)
	}
	now := e.now()
	lines := map[string]*OnTimeLine{}
	err = e.store.ReportAssignmentEach(ctx, ReportFilter{AgencyID: actor.AgencyID, From: from, To: to},
		func(a ReportAssignment) error {
			id, name := a.UnitID, a.UnitName
			if byPerson {
				id, name = a.UserID, a.UserName
			}
			if id == "" {
				return nil // a person's own assignment has no unit; a unit's, no person yet
			}
			l := lines[id]
			if l == nil {
				l = &OnTimeLine{ID: id, Name: name}
				lines[id] = l
			}
			countStatus(&l.OnTime, AssignmentStatus(cal, a.Assignment, now))
			return nil
		})
	if err != nil {
		return fmt.Errorf("report on time: %w", err)
	}
	out := make([]*OnTimeLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *OnTimeLine) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	for _, l := range out {
		if err := yield(*l); err != nil {
			return err
		}
	}
	return nil
}

func countStatus(o *OnTime, s calendar.Status) {
	switch s {
	case calendar.Done:
		o.Done++
	case calendar.DoneLate:
		o.DoneLate++
	case calendar.OnTrack:
		o.OnTrack++
	case calendar.DueSoon:
		o.DueSoon++
	case calendar.Overdue:
		o.Overdue++
	}
}

// OverdueLine is one overdue assignment of the overdue list.
type OverdueLine struct {
	ReportAssignment
	DaysLate int // working days past the deadline
}

// ReportOverdue lists the open assignments of the actor's agency past their deadline on
// its working-day calendar, earliest deadline first. A classified document's subject is
// left out for roles that do not see classified documents.
func (e *Engine) ReportOverdue(ctx context.Context, actor Actor, yield func(OverdueLine) error) error {
	if err := e.reportReader(ctx, actor); err != nil {
		return err
	}
	cal, err := e.CalendarFor(ctx, actor.AgencyID)
	if err != nil {
		return fmt.Errorf("report overdue: %w", err)
	}
	now := e.now()
	err = e.store.ReportAssignmentEach(ctx, ReportFilter{AgencyID: actor.AgencyID, Before: now},
		func(a ReportAssignment) error {
			if AssignmentStatus(cal, a.Assignment, now) != calendar.Overdue {
				return nil // past the instant, not yet past the working day
			}
			if a.Classification != Unclassified && !seesClassified(actor.Role) {
				a.Subject = ""
			}
			return yield(OverdueLine{ReportAssignment: a, DaysLate: max(cal.WorkingDaysBetween(*a.Deadline, now), 1)})
		})
	if err != nil {
		return fmt.Errorf("report overdue: %w", err)
	}
	return nil
}

// ReportRecords lists the actor's agency's records of a year (danh mục hồ sơ).
func (e *Engine) ReportRecords(ctx context.Context, actor Actor, year int, yield func(RecordLine) error) error {
	if year < 1900 || year > 9999 {
		return invalid("year", "must be a year")
	}
	if err := e.reportReader(ctx, actor); err != nil {
		return err
	}
	if err := e.store.ReportRecordEach(ctx, actor.AgencyID, year, yield); err != nil {
		return fmt.Errorf("report records: %w", err)
	}
	return nil
}

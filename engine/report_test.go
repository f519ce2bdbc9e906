package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// reportAssignments gives the province's culture unit, this month, 3 assignments done on
// time, 1 done late, 1 open past its deadline and 1 open in time; the overdue one is on a
// classified document.
func reportAssignments(t *testing.T, b *bundle) {
	t.Helper()
	ctx := context.Background()
	p := b.province
	now := time.Now().UTC()
	soon, past := now.AddDate(0, 0, 14), now.AddDate(0, 0, -14)
	for i, c := range []struct {
		deadline time.Time
		done     bool
	}{{soon, true}, {soon, true}, {soon, true}, {past, true}, {past, false}, {soon, false}} {
		d := engine.Document{ID: engine.NewID(), AgencyID: p.agency.ID, Flow: engine.Incoming, State: engine.StateInProgress,
			Version: 1, TypeCode: "", Subject: "Việc " + string(rune('A'+i)), Year: now.Year(), ReceivedAt: &now,
			Classification: engine.Unclassified, CreatedAt: now, UpdatedAt: now}
		if !c.done && c.deadline.Equal(past) {
			d.Classification, d.Subject = engine.Confidential, "Việc mật quá hạn"
		}
		a := engine.Assignment{ID: engine.NewID(), DocumentID: d.ID, UnitID: p.culture.ID, UserID: p.specialist.UserID,
			Role: engine.Lead, Deadline: &c.deadline, Status: "open", CreatedBy: p.leader.UserID, CreatedAt: now}
		if c.done {
			a.Status, a.DoneAt = "done", &now
		}
		must(t, b.store.InTx(ctx, func(q engine.Queries) error {
			if err := q.DocumentInsert(ctx, &d); err != nil {
				return err
			}
			return q.AssignmentInsert(ctx, &a)
		}))
	}
}

func TestReportOnTimeCountsByUnitAndPerson(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	reportAssignments(t, b)
	p := b.province
	from, to, err := b.eng.Period(time.Time{}, time.Time{})
	must(t, err)
	for _, byPerson := range []bool{false, true} {
		var lines []engine.OnTimeLine
		must(t, b.eng.ReportOnTime(ctx, p.clerk, from, to, byPerson, func(l engine.OnTimeLine) error {
			lines = append(lines, l)
			return nil
		}))
		want := p.culture.ID
		if byPerson {
			want = p.specialist.UserID
		}
		if len(lines) != 1 || lines[0].ID != want {
			t.Fatalf("by person %v: %+v", byPerson, lines)
		}
		l := lines[0]
		if l.Done != 3 || l.DoneLate != 1 || l.Overdue != 1 || l.InTime() != 1 || l.Rate() != 0.75 {
			t.Errorf("by person %v: %+v, rate %v; want 3 on time, 1 late, 1 overdue, 1 in time, 75%%", byPerson, l.OnTime, l.Rate())
		}
	}
	// A period before this month holds none of them.
	var n int
	must(t, b.eng.ReportOnTime(ctx, p.leader, from.AddDate(-1, 0, 0), from.AddDate(0, -6, 0), false,
		func(engine.OnTimeLine) error { n++; return nil }))
	if n != 0 {
		t.Errorf("%d lines for a period without assignments", n)
	}
}

func TestReportOverdueListsOnlyWhatIsPastItsWorkingDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	reportAssignments(t, b)
	var lines []engine.OverdueLine
	must(t, b.eng.ReportOverdue(ctx, b.province.leader, func(l engine.OverdueLine) error {
		lines = append(lines, l)
		return nil
	}))
	if len(lines) != 1 || lines[0].Subject != "Việc mật quá hạn" || lines[0].DaysLate < 5 || lines[0].Holder() != b.province.culture.Name {
		t.Fatalf("overdue: %+v", lines)
	}
}

func TestReportsNeedARegisterReader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	from, to, err := b.eng.Period(time.Time{}, time.Time{})
	must(t, err)
	err = b.eng.ReportDocuments(ctx, b.province.specialist, from, to, engine.GroupByType, func(engine.DocumentCount) error { return nil })
	if !errors.Is(err, engine.ErrForbidden) {
		t.Errorf("a specialist reads the documents report: %v", err)
	}
	err = b.eng.ReportDocuments(ctx, b.province.clerk, from, to, "color", func(engine.DocumentCount) error { return nil })
	if !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("an unknown grouping: %v", err)
	}
	if _, _, err := b.eng.Period(to, from); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("a period ending before it starts: %v", err)
	}
	if err := b.eng.ReportRecords(ctx, b.province.archivist, 0, func(engine.RecordLine) error { return nil }); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("year 0: %v", err)
	}
}

package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

// testHolderTasks: the task list's pages of a holder's open assignments and their latest
// finished ones.
func testHolderTasks(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	province := agency("H27", "Ủy ban nhân dân tỉnh Ninh Bình", "UBND", engine.TierProvince, "")
	if err := s.AgencyInsert(ctx, province); err != nil {
		t.Fatal(err)
	}
	unit := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Phòng Tư pháp", ShortName: "TP", CreatedAt: now()}
	otherUnit := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Phòng Y tế", ShortName: "YT", CreatedAt: now()}
	for _, u := range []*engine.Unit{unit, otherUnit} {
		if err := s.UnitInsert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	me := &engine.User{ID: uuid.NewString(), Username: "chuyenvien.ninhbinh", FullName: "Đinh Văn Tư", CreatedAt: now()}
	colleague := &engine.User{ID: uuid.NewString(), Username: "truongphong.ninhbinh", FullName: "Phạm Thị Pháp", CreatedAt: now()}
	for _, u := range []*engine.User{me, colleague} {
		if err := s.UserInsert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MembershipInsert(ctx, &engine.Membership{UserID: me.ID, AgencyID: province.ID, UnitID: unit.ID,
		Role: engine.RoleSpecialist}); err != nil {
		t.Fatal(err)
	}
	doc := func(state engine.State) engine.Document {
		d := engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Incoming, State: state, Version: 1,
			Subject: "Công văn", Year: 2026, CreatedAt: now(), UpdatedAt: now()}
		if err := s.DocumentInsert(ctx, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	handled, cancelled := doc(engine.StateInProgress), doc(engine.StateCancelled)
	base := now().Truncate(time.Minute).Add(24 * time.Hour)
	assign := func(d engine.Document, unitID, userID string, hours int, status string) engine.Assignment {
		t.Helper()
		a := engine.Assignment{ID: uuid.NewString(), DocumentID: d.ID, UnitID: unitID, UserID: userID, Role: engine.Cooperate,
			Status: status, CreatedBy: colleague.ID, CreatedAt: now()}
		if hours != 0 {
			deadline := base.Add(time.Duration(hours) * time.Hour)
			a.Deadline = &deadline
		}
		if status == "done" {
			doneAt := base.Add(time.Duration(hours) * time.Minute)
			a.DoneAt = &doneAt
		}
		if err := s.AssignmentInsert(ctx, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	// Mine: named, or of my unit naming nobody or someone else; ties on a deadline, and
	// some without one.
	var waiting []engine.Assignment
	for i, h := range []int{30, 5, 5, 5, 0, 12, 0, 48, 5, 0} {
		switch i % 3 {
		case 0:
			waiting = append(waiting, assign(handled, "", me.ID, h, "open"))
		case 1:
			waiting = append(waiting, assign(handled, unit.ID, "", h, "open"))
		default:
			waiting = append(waiting, assign(handled, unit.ID, colleague.ID, h, "open"))
		}
	}
	waiting = append(waiting, assign(handled, unit.ID, me.ID, 7, "open")) // named and of my unit: once
	// Not mine, or not open work of an incoming document still handled.
	assign(handled, otherUnit.ID, "", 1, "open")
	assign(handled, "", colleague.ID, 1, "open")
	assign(cancelled, "", me.ID, 1, "open")
	var done []engine.Assignment
	for _, h := range []int{3, 9, 1} {
		done = append(done, assign(handled, "", me.ID, h, "done"), assign(handled, unit.ID, "", h+1, "done"))
	}
	assign(cancelled, "", me.ID, 20, "done")

	// Earliest deadline first, those without one last, then by id.
	slices.SortFunc(waiting, func(a, b engine.Assignment) int {
		switch {
		case a.Deadline == nil && b.Deadline != nil:
			return 1
		case a.Deadline != nil && b.Deadline == nil:
			return -1
		case a.Deadline != nil && !a.Deadline.Equal(*b.Deadline):
			return a.Deadline.Compare(*b.Deadline)
		}
		return strings.Compare(a.ID, b.ID)
	})
	named := engine.AssignmentHolderPage{AgencyID: province.ID, UserID: me.ID}
	ofUnit := engine.AssignmentHolderPage{AgencyID: province.ID, UserID: me.ID, UnitID: unit.ID}
	isNamed := func(a engine.Assignment) bool { return a.UserID == me.ID }
	t.Run("OpenOnesPageByDeadlineThoseWithoutOneLast", func(t *testing.T) {
		for name, holder := range map[string]engine.AssignmentHolderPage{"Named": named, "OfTheUnit": ofUnit} {
			var got []string
			f := holder
			f.Limit = 3
			for range len(waiting) {
				page, err := s.AssignmentPageOpenByHolder(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, assignmentIDs(page)...)
				if len(page) < f.Limit {
					break
				}
				f.After = &page[len(page)-1]
			}
			want := assignmentIDs(slices.DeleteFunc(slices.Clone(waiting), func(a engine.Assignment) bool {
				return isNamed(a) != (holder.UnitID == "")
			}))
			if !slices.Equal(got, want) {
				t.Fatalf("%s: pages of 3 gave\n%v\nwant\n%v", name, got, want)
			}
		}
	})
	t.Run("FinishedOnesLatestFirst", func(t *testing.T) {
		slices.SortFunc(done, func(a, b engine.Assignment) int { return b.DoneAt.Compare(*a.DoneAt) })
		for name, holder := range map[string]engine.AssignmentHolderPage{"Named": named, "OfTheUnit": ofUnit} {
			holder.Limit = 2
			got, err := s.AssignmentListDoneByHolder(ctx, holder)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.DeleteFunc(slices.Clone(done), func(a engine.Assignment) bool { return isNamed(a) != (holder.UnitID == "") })
			if !slices.Equal(assignmentIDs(got), assignmentIDs(want[:2])) {
				t.Fatalf("%s: latest finished %v, want %v", name, assignmentIDs(got), assignmentIDs(want[:2]))
			}
		}
	})
}

func assignmentIDs(as []engine.Assignment) []string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	return ids
}

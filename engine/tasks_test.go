package engine_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// TestTaskPageMergesTheHoldersInDeadlineOrder: a specialist's task list pages through the
// work naming them and the work of their unit naming nobody, merged in deadline order,
// those without a deadline last; another unit's work and finished work are not in it, and
// their finished work is listed apart, the last finished first.
func TestTaskPageMergesTheHoldersInDeadlineOrder(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		b := setup(t, open)
		ctx := context.Background()
		p := b.province
		doc := engine.Document{ID: engine.NewID(), AgencyID: p.agency.ID, Flow: engine.Incoming, State: engine.StateInProgress,
			Version: 1, TypeCode: "CV", Subject: "Công văn", Year: 2026, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		base := time.Now().UTC().Truncate(time.Minute).Add(24 * time.Hour)
		var want, finished []string
		err := b.store.InTx(ctx, func(q engine.Queries) error {
			if err := q.DocumentInsert(ctx, &doc); err != nil {
				return err
			}
			add := func(unitID, userID string, hours int, status string) string {
				a := engine.Assignment{ID: engine.NewID(), DocumentID: doc.ID, UnitID: unitID, UserID: userID, Role: engine.Cooperate,
					Status: status, CreatedBy: p.leader.UserID, CreatedAt: time.Now()}
				if hours > 0 {
					deadline := base.Add(time.Duration(hours) * time.Hour)
					a.Deadline = &deadline
				}
				if status == "done" {
					doneAt := base.Add(-time.Duration(hours) * time.Minute)
					a.DoneAt = &doneAt
				}
				if err := q.AssignmentInsert(ctx, &a); err != nil {
					t.Fatal(err)
				}
				return a.ID
			}
			// In deadline order, alternating between the person and their unit.
			for i := range 7 {
				if i%2 == 0 {
					want = append(want, add("", p.specialist.UserID, 10+i, "open"))
				} else {
					want = append(want, add(p.culture.ID, "", 10+i, "open"))
				}
			}
			want = append(want, add("", p.specialist.UserID, 0, "open")) // no deadline: last
			add(p.office.ID, "", 1, "open")                              // another unit's
			add("", p.head.UserID, 1, "open")                            // someone else's
			finished = append(finished, add("", p.specialist.UserID, 1, "done"), add(p.culture.ID, "", 2, "done"))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		var after *engine.Assignment
		for range 10 {
			page, err := b.eng.TaskPage(ctx, p.specialist, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range page {
				got = append(got, a.ID)
			}
			if len(page) < 3 {
				break
			}
			after = &page[len(page)-1]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages of 3:\n%v\nwant\n%v", got, want)
		}
		done, err := b.eng.TasksDone(ctx, p.specialist, 10)
		if err != nil || len(done) != 2 || done[0].ID != finished[0] || done[1].ID != finished[1] {
			t.Fatalf("finished: %v (%v), want %v", done, err, finished)
		}
		// As a leader of another agency they hold nothing here.
		if _, err := b.eng.TaskPage(ctx, engine.Actor{UserID: p.specialist.UserID, AgencyID: b.districts[0].agency.ID,
			Role: engine.RoleSpecialist}, nil, 3); err == nil {
			t.Fatal("a non-member's task list was read")
		}
	})
}

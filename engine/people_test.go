package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

// TestDirectingToANamedPerson: the leader may direct to a person of the agency, who then
// holds the lead part; a person of another agency is refused.
func TestDirectingToANamedPerson(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p, dist := b.province, b.districts[0]
		d := b.signedDraft(t, "Kế hoạch kiểm tra công tác văn thư")
		_, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
		must(t, err)
		_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{dist.agency.ID}, "")
		must(t, err)
		ds, _ := b.eng.Deliveries(ctx, p.clerk, d.ID)
		in := ds[0].IncomingID
		_, err = b.eng.Register(ctx, dist.clerk, in, "")
		must(t, err)
		_, err = b.eng.Present(ctx, dist.clerk, in, "")
		must(t, err)

		stranger := engine.DirectInput{Tasks: []engine.UnitTask{{UserID: b.districts[1].specialist.UserID, Role: engine.Lead, WorkingDays: 5}}}
		if _, err := b.eng.Direct(ctx, dist.leader, in, stranger, ""); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("directing to a person of another agency: %v", err)
		}
		named := engine.DirectInput{Text: "Giao đồng chí chuyên viên chủ trì", Tasks: []engine.UnitTask{
			{UserID: dist.specialist.UserID, Role: engine.Lead, WorkingDays: 5},
			{UnitID: dist.culture.ID, Role: engine.Cooperate, WorkingDays: 5}}}
		doc, err := b.eng.Direct(ctx, dist.leader, in, named, "")
		must(t, err)
		as, _ := b.store.AssignmentListByDocument(ctx, in)
		var lead engine.Assignment
		for _, a := range as {
			if a.Role == engine.Lead {
				lead = a
			}
		}
		if len(as) != 2 || lead.UserID != dist.specialist.UserID || lead.UnitID != "" || doc.Deadline == nil || !doc.Deadline.Equal(*lead.Deadline) {
			t.Fatalf("assignments: %+v, document deadline %v", as, doc.Deadline)
		}
		held, err := b.store.AssignmentListByHolder(ctx, dist.agency.ID, dist.specialist.UserID, engine.RoleSpecialist)
		must(t, err)
		if len(held) == 0 || held[0].DocumentID != in {
			t.Fatalf("the specialist's tasks: %+v", held)
		}
	})
}

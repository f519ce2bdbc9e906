package engine_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestSuccessorTakesOverRecordsRegistersAndOpenWork(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p, dist, other := b.province, b.districts[0], b.districts[1]
		// The district finished one directive, has another at work, and a record.
		_, done := directedIncoming(t, b, engine.Unclassified)
		_, err := b.eng.Start(ctx, dist.specialist, done.ID, "")
		must(t, err)
		_, err = b.eng.Complete(ctx, dist.head, done.ID, "Đã xong", "")
		must(t, err)
		_, in := directedIncoming(t, b, engine.Unclassified)
		rec, err := b.eng.OpenRecord(ctx, dist.specialist, 2025, engine.RecordSpec{Code: "01.VX", Title: "Hồ sơ Đề án 06",
			Category: "chuyen-mon"})
		must(t, err)
		must(t, b.eng.FileDocument(ctx, dist.specialist, rec.ID, in.ID))

		t.Run("RefusesAnyoneButAnAdminOverBoth", func(t *testing.T) {
			for _, actor := range []engine.Actor{p.leader, dist.leader, dist.clerk} {
				if _, err := b.eng.Succeed(ctx, actor, dist.agency.ID, p.agency.ID, time.Now()); !errors.Is(err, engine.ErrForbidden) {
					t.Fatalf("%s of %s merged agencies: %v", actor.Role, actor.AgencyID, err)
				}
			}
			if _, err := b.eng.Succeed(ctx, engine.System, dist.agency.ID, dist.agency.ID, time.Now()); !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("an agency succeeded itself: %v", err)
			}
			if _, err := b.eng.Succeed(ctx, engine.System, dist.agency.ID, p.agency.ID, time.Now().AddDate(0, 1, 0)); !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("a succession ahead of its date: %v", err)
			}
		})

		at := time.Now().Add(-time.Minute)
		mapping := engine.SuccessionMap{Units: map[string]string{dist.culture.ID: p.culture.ID},
			Users: map[string]string{dist.specialist.UserID: p.specialist.UserID}}
		rep, err := b.eng.SucceedWith(ctx, engine.System, dist.agency.ID, p.agency.ID, at, mapping)
		must(t, err)
		if rep.Records != 1 || rep.Documents != 1 || rep.Assignments != 1 {
			t.Fatalf("report: %+v", rep)
		}
		ended, err := b.store.AgencyGetByID(ctx, dist.agency.ID)
		must(t, err)
		if ended.ValidTo == nil || ended.SuccessorID != p.agency.ID {
			t.Fatalf("the district after the merger: %+v", ended)
		}
		if _, err := b.eng.Succeed(ctx, engine.System, dist.agency.ID, p.agency.ID, time.Now()); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("merged twice: %v", err)
		}

		// Records: custody moved, fonds kept.
		r, err := b.store.RecordGetByID(ctx, rec.ID)
		must(t, err)
		if r.Custodian() != p.agency.ID || r.FondsCode != dist.agency.Code || r.AgencyID != dist.agency.ID {
			t.Fatalf("record after the merger: custodian %s, fonds %s", r.Custodian(), r.FondsCode)
		}
		if _, err := b.eng.SetLegalHold(ctx, dist.archivist, rec.ID, true); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("the dissolved district still acts on the record: %v", err)
		}
		_, err = b.eng.SetLegalHold(ctx, p.archivist, rec.ID, true)
		must(t, err)
		if _, err := b.eng.OpenRecord(ctx, dist.specialist, 2026, engine.RecordSpec{Code: "02.VX", Title: "Mới",
			Retention: engine.Retention{Years: 5}}); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("a dissolved agency opened a record: %v", err)
		}

		// Open work: the document and its lead assignment are the province's now.
		d, err := b.store.DocumentGetByID(ctx, in.ID)
		must(t, err)
		if d.AgencyID != p.agency.ID || d.IncomingNumber != in.IncomingNumber {
			t.Fatalf("document after the merger: agency %s, số đến %d", d.AgencyID, d.IncomingNumber)
		}
		as, err := b.store.AssignmentListByDocument(ctx, in.ID)
		must(t, err)
		if len(as) != 1 || as[0].UnitID != p.culture.ID {
			t.Fatalf("assignment after the merger: %+v", as)
		}
		_, err = b.eng.Start(ctx, p.specialist, in.ID, "")
		must(t, err)

		// The district's registers stay readable by its successor only.
		hist, err := b.eng.RegisterHistory(ctx, p.clerk, dist.agency.ID, 0)
		must(t, err)
		if !slices.ContainsFunc(hist, func(d engine.Document) bool { return d.ID == done.ID }) {
			t.Fatalf("the district's register as the province reads it: %d documents", len(hist))
		}
		if _, err := b.eng.RegisterHistory(ctx, other.clerk, dist.agency.ID, 0); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("a neighbour read the register: %v", err)
		}

		// Mail to the dissolved district goes to the province.
		ids, err := b.eng.ResolveRecipients(ctx, other.agency.ID, engine.Recipients{AgencyIDs: []string{dist.agency.ID}})
		must(t, err)
		if !slices.Equal(ids, []string{p.agency.ID}) {
			t.Fatalf("recipients: %v, want the province", ids)
		}

		// Both chains hold and record the hand-over.
		for _, a := range []engine.Agency{p.agency, dist.agency} {
			problems, n, err := b.eng.VerifyAudit(ctx, a.ID)
			must(t, err)
			events, err := b.store.AuditListByAgency(ctx, a.ID, 0, int(n))
			must(t, err)
			if len(problems) > 0 || !slices.ContainsFunc(events, func(e engine.Event) bool { return e.Action == "succeed" }) {
				t.Fatalf("audit of %s: %v", a.Name, problems)
			}
		}
	})
}

func TestSuccessionReroutesUnmappedWorkToTheClerk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p, dist := b.province, b.districts[0]
	_, in := directedIncoming(t, b, engine.Unclassified)
	rep, err := b.eng.Succeed(ctx, engine.System, dist.agency.ID, p.agency.ID, time.Now())
	must(t, err)
	if !slices.Contains(rep.Rerouted, in.ID) {
		t.Fatalf("not rerouted: %+v", rep)
	}
	as, err := b.store.AssignmentListByDocument(ctx, in.ID)
	must(t, err)
	if len(as) != 1 || as[0].UnitID != p.office.ID || as[0].UserID != p.clerk.UserID {
		t.Fatalf("assignment: %+v, want the province clerk", as)
	}
}

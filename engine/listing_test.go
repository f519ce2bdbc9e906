package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

func TestListDocuments(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		b := setup(t, open)
		ctx := context.Background()
		p := b.province
		var made []string
		for i := range 7 {
			d, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "TB", Subject: fmt.Sprintf("Công văn %d", i), DraftingUnitID: p.culture.ID}, "")
			must(t, err)
			made = append(made, d.ID)
		}
		_, err := b.eng.CreateDraft(ctx, b.districts[0].specialist, engine.DraftInput{TypeCode: "TB", Subject: "Của huyện", DraftingUnitID: b.districts[0].culture.ID}, "")
		must(t, err)

		t.Run("PagesNewestFirstWithoutGapsOrRepeats", func(t *testing.T) {
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				page, err := b.eng.ListDocuments(ctx, p.clerk, engine.ListQuery{Flow: engine.Outgoing, After: after, Limit: 3})
				must(t, err)
				for _, d := range page.Documents {
					got = append(got, d.ID)
				}
				if page.Next == "" {
					if pages != 2 || len(page.Documents) != 1 {
						t.Fatalf("last page %d has %d documents", pages, len(page.Documents))
					}
					break
				}
				after = page.Next
			}
			if len(got) != len(made) {
				t.Fatalf("listed %d documents, made %d", len(got), len(made))
			}
			for i := range got {
				if got[i] != made[len(made)-1-i] {
					t.Fatalf("position %d: %s, want %s (newest first)", i, got[i], made[len(made)-1-i])
				}
			}
		})

		t.Run("FiltersByStateAndFlow", func(t *testing.T) {
			_, err := b.eng.Submit(ctx, p.specialist, made[0], nil, "")
			must(t, err)
			page, err := b.eng.ListDocuments(ctx, p.clerk, engine.ListQuery{State: engine.StateReviewed})
			must(t, err)
			if len(page.Documents) != 1 || page.Documents[0].ID != made[0] {
				t.Fatalf("reviewed: %+v", page.Documents)
			}
			page, err = b.eng.ListDocuments(ctx, p.clerk, engine.ListQuery{Flow: engine.Incoming})
			must(t, err)
			if len(page.Documents) != 0 {
				t.Fatalf("incoming: %d documents, want none", len(page.Documents))
			}
		})

		t.Run("ShowsOnlyTheActorsAgency", func(t *testing.T) {
			page, err := b.eng.ListDocuments(ctx, b.districts[0].clerk, engine.ListQuery{})
			must(t, err)
			if len(page.Documents) != 1 || page.Documents[0].Subject != "Của huyện" {
				t.Fatalf("district sees %+v", page.Documents)
			}
		})

		t.Run("RefusesABadCursorAndAStranger", func(t *testing.T) {
			if _, err := b.eng.ListDocuments(ctx, p.clerk, engine.ListQuery{After: "' OR 1=1 --"}); !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("bad cursor: %v", err)
			}
			stranger := engine.Actor{UserID: b.districts[0].clerk.UserID, AgencyID: p.agency.ID, Role: engine.RoleClerk}
			if _, err := b.eng.ListDocuments(ctx, stranger, engine.ListQuery{}); err == nil {
				t.Fatal("a clerk of another agency listed the province's documents")
			}
		})

		t.Run("ClassifiedDocumentsOnlyForTheirHandlersAndEveryListingAudited", func(t *testing.T) {
			secret, err := b.eng.ReceiveExternal(ctx, p.clerk, engine.ExternalInput{Subject: "Kế hoạch bảo vệ bí mật nhà nước",
				Classification: engine.Confidential, SenderName: "Công an tỉnh", Files: []engine.FileInput{signedPDF}}, "")
			must(t, err)
			listed := func(actor engine.Actor) bool {
				page, err := b.eng.ListDocuments(ctx, actor, engine.ListQuery{Flow: engine.Incoming})
				must(t, err)
				for _, d := range page.Documents {
					if d.ID == secret.ID {
						return true
					}
				}
				return false
			}
			readsOf := func() int {
				head, err := b.store.AuditHeadGet(ctx, p.agency.ID)
				must(t, err)
				events, err := b.store.AuditListByAgency(ctx, p.agency.ID, 0, int(head.Seq))
				must(t, err)
				n := 0
				for _, e := range events {
					if e.Action == "read" && e.ObjectID == secret.ID {
						n++
					}
				}
				return n
			}
			if listed(p.specialist) {
				t.Fatal("a specialist's list shows a classified document")
			}
			before := readsOf()
			if !listed(p.clerk) {
				t.Fatal("the clerk's list misses the classified document they received")
			}
			if readsOf() != before+1 {
				t.Fatalf("listing the classified document was not audited as a read (%d reads before, %d after)", before, readsOf())
			}
		})

		t.Run("AuditReportIsForAuditorsOnly", func(t *testing.T) {
			if _, _, err := b.eng.AuditReport(ctx, p.specialist); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("specialist: %v", err)
			}
			problems, n, err := b.eng.AuditReport(ctx, p.archivist)
			if err != nil || len(problems) != 0 || n == 0 {
				t.Fatalf("archivist: %v %v %d", err, problems, n)
			}
		})
	})
}

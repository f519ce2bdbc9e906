package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestRecordWorkspace(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		year := time.Now().Year()
		_, err := b.eng.PlanRecords(ctx, p.archivist, year, []engine.RecordSpec{
			{Code: "01.VP", Title: "Hồ sơ Đề án chuyển đổi số", Retention: engine.Retention{Years: 10}},
			{Code: "02.VP", Title: "Hồ sơ hội nghị tổng kết", Retention: engine.Retention{Years: 10}},
			{Code: "03.VP", Title: "Hồ sơ thi đua khen thưởng", Retention: engine.Retention{Permanent: true}},
		})
		must(t, err)
		mine, err := b.eng.OpenRecord(ctx, p.specialist, year, engine.RecordSpec{Code: "04.VX", Title: "Hồ sơ Đề án 06",
			Retention: engine.Retention{Years: 5}})
		must(t, err)

		t.Run("PagesTheListInTheDatabase", func(t *testing.T) {
			first, err := b.eng.RecordPage(ctx, p.archivist, engine.RecordFilter{Year: year, Limit: 2})
			must(t, err)
			second, err := b.eng.RecordPage(ctx, p.archivist, engine.RecordFilter{Year: year, Offset: 2, Limit: 2})
			must(t, err)
			if codes(first) != "01.VP 02.VP" || codes(second) != "03.VP 04.VX" {
				t.Fatalf("pages: %q then %q", codes(first), codes(second))
			}
		})
		t.Run("FindsByCodeOrTitleAndState", func(t *testing.T) {
			found, err := b.eng.RecordPage(ctx, p.clerk, engine.RecordFilter{Year: year, Text: "Đề án"})
			must(t, err)
			if codes(found) != "01.VP 04.VX" {
				t.Fatalf("title search: %q", codes(found))
			}
			open, err := b.eng.RecordPage(ctx, p.clerk, engine.RecordFilter{Year: year, State: engine.RecordOpen, Text: "04"})
			must(t, err)
			if codes(open) != "04.VX" {
				t.Fatalf("open records matching 04: %q", codes(open))
			}
		})
		t.Run("ShowsASpecialistOnlyTheirOwn", func(t *testing.T) {
			own, err := b.eng.RecordPage(ctx, p.specialist, engine.RecordFilter{Year: year})
			must(t, err)
			if codes(own) != "04.VX" {
				t.Fatalf("the specialist saw %q", codes(own))
			}
			other, err := b.eng.RecordPage(ctx, b.districts[0].archivist, engine.RecordFilter{Year: year})
			must(t, err)
			if len(other) != 0 {
				t.Fatalf("another agency saw %q", codes(other))
			}
		})
		t.Run("RemovesADocumentOnlyWhileOpen", func(t *testing.T) {
			d := b.signedDraft(t, "Kế hoạch triển khai Đề án 06")
			_, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
			must(t, err)
			must(t, b.eng.FileDocument(ctx, p.specialist, mine.ID, d.ID))
			in, err := b.eng.RecordsOfDocument(ctx, p.clerk, d.ID)
			must(t, err)
			if len(in) != 1 || in[0].ID != mine.ID {
				t.Fatalf("records of the document: %+v", in)
			}
			if err := b.eng.RemoveDocument(ctx, p.head, mine.ID, d.ID); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("someone else's unit head removed it: %v", err)
			}
			must(t, b.eng.RemoveDocument(ctx, p.specialist, mine.ID, d.ID))
			if err := b.eng.RemoveDocument(ctx, p.specialist, mine.ID, d.ID); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("removing it twice: %v", err)
			}
			if in, _ := b.eng.RecordsOfDocument(ctx, p.clerk, d.ID); len(in) != 0 {
				t.Fatalf("still in %+v", in)
			}
			trail, err := b.eng.RecordTrail(ctx, p.archivist, mine.ID, 0, 2)
			must(t, err)
			if len(trail) != 2 || trail[0].Action != "remove_document" || trail[1].Action != "file_document" || trail[0].ObjectID != mine.ID {
				t.Fatalf("trail, newest first: %+v", trail)
			}
			must(t, b.eng.FileDocument(ctx, p.specialist, mine.ID, d.ID))
			_, err = b.eng.CloseRecord(ctx, p.specialist, mine.ID, time.Now())
			must(t, err)
			if err := b.eng.RemoveDocument(ctx, p.specialist, mine.ID, d.ID); !errors.Is(err, engine.ErrConflict) {
				t.Fatalf("removed from a closed record: %v", err)
			}
			if err := b.eng.RecordExported(ctx, p.specialist, mine.ID); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("a specialist exported: %v", err)
			}
			must(t, b.eng.RecordExported(ctx, p.archivist, mine.ID))
			if trail, _ := b.eng.RecordTrail(ctx, p.archivist, mine.ID, 0, 1); len(trail) != 1 || trail[0].Action != "export_record" ||
				trail[0].ActorID != p.archivist.UserID {
				t.Fatalf("the export is not in the trail: %+v", trail)
			}
			if held, ids, err := b.eng.HeldRecord(ctx, p.clerk, mine.ID); err != nil || held.ID != mine.ID || len(ids) != 1 || ids[0] != d.ID {
				t.Fatalf("held record: %+v %v %v", held, ids, err)
			}
			if _, _, err := b.eng.HeldRecord(ctx, b.districts[0].clerk, mine.ID); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("another agency read the record: %v", err)
			}
			if _, err := b.eng.RecordTrail(ctx, b.districts[0].archivist, mine.ID, 0, 10); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("another agency read the trail: %v", err)
			}
		})
		t.Run("ListsAppraisalsForTheKeepersOnly", func(t *testing.T) {
			if _, err := b.eng.Appraisals(ctx, p.specialist, 0, 10); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("a specialist listed appraisals: %v", err)
			}
			as, err := b.eng.Appraisals(ctx, p.leader, 0, 10)
			must(t, err)
			if len(as) != 0 {
				t.Fatalf("appraisals before any: %+v", as)
			}
		})
	})
}

func codes(rs []engine.Record) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += " "
		}
		out += r.Code
	}
	return out
}

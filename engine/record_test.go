package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestRecordsFromPlanToArchive(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		year := time.Now().Year()
		plan, err := b.eng.PlanRecords(ctx, p.clerk, year, []engine.RecordSpec{
			{Code: "01.TCCB", Title: "Hồ sơ tuyển dụng công chức năm nay", Retention: engine.Retention{Years: 70}},
			{Code: "02.VX", Title: "Hồ sơ triển khai Đề án 06", Retention: engine.Retention{Permanent: true}},
		})
		must(t, err)
		if _, err := b.eng.PlanRecords(ctx, p.specialist, year, nil); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("a specialist set up the list: %v", err)
		}
		if _, err := b.eng.PlanRecords(ctx, p.clerk, year, []engine.RecordSpec{{Code: "x", Title: "t", Retention: engine.Retention{Years: 5}}}); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("a bad code: %v", err)
		}
		rec, err := b.eng.OpenRecord(ctx, p.specialist, year, engine.RecordSpec{Code: "02.VX"})
		must(t, err)
		if rec.ID != plan[1].ID || rec.State != engine.RecordOpen || rec.OwnerID != p.specialist.UserID || !rec.InPlan {
			t.Fatalf("opening the planned record: %+v", rec)
		}
		outside, err := b.eng.OpenRecord(ctx, p.specialist, year, engine.RecordSpec{Code: "03.VX", Title: "Hồ sơ phát sinh",
			Retention: engine.Retention{Years: 10}})
		must(t, err)
		if outside.InPlan || outside.State != engine.RecordOpen {
			t.Fatalf("a record outside the list: %+v", outside)
		}

		d := b.signedDraft(t, "Chỉ thị triển khai Đề án 06")
		if _, err := b.eng.CloseRecord(ctx, p.specialist, rec.ID, time.Now()); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("closing an empty record: %v", err)
		}
		must(t, b.eng.FileDocument(ctx, p.specialist, rec.ID, d.ID))
		if _, err := b.eng.CloseRecord(ctx, p.specialist, rec.ID, time.Now()); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("closing with an unnumbered draft: %v", err)
		}
		_, err = b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		if err := b.eng.FileDocument(ctx, b.districts[0].clerk, rec.ID, d.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("another agency filing into the record: %v", err)
		}
		ended := time.Now().AddDate(-1, 0, 5) // the work ended almost a year ago
		closed, err := b.eng.CloseRecord(ctx, p.specialist, rec.ID, ended)
		must(t, err)
		if closed.State != engine.RecordClosed || closed.HandOverDue == nil || closed.DisposalDue() != nil {
			t.Fatalf("closed: %+v", closed)
		}
		notices, err := b.eng.HandOverNotices(ctx, p.agency.ID)
		must(t, err)
		if len(notices) != 1 || notices[0].ID != rec.ID {
			t.Fatalf("hand-over notices 30 days ahead: %+v", notices)
		}
		if _, err := b.eng.HandOver(ctx, p.clerk, rec.ID); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("the clerk took it into the archive: %v", err)
		}
		done, err := b.eng.HandOver(ctx, p.archivist, rec.ID)
		must(t, err)
		if done.State != engine.RecordHandedOver {
			t.Fatalf("after hand-over: %s", done.State)
		}
		if err := b.eng.FileDocument(ctx, p.specialist, rec.ID, d.ID); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("filing into an archived record: %v", err)
		}
		held, err := b.eng.SetLegalHold(ctx, p.archivist, outside.ID, true)
		must(t, err)
		if !held.LegalHold {
			t.Fatal("legal hold not set")
		}
	})
}

func TestRetentionCountsFromTheYearAfterTheWorkEnded(t *testing.T) {
	t.Parallel()
	ended := time.Date(2025, 12, 30, 10, 0, 0, 0, time.UTC)
	r := engine.Record{Retention: engine.Retention{Years: 10}, WorkEndedAt: &ended}
	if got := r.DisposalDue().Format("2006-01-02"); got != "2036-01-01" {
		t.Fatalf("10 years after work ending in 2025: %s, want 2036-01-01", got)
	}
	r.Retention = engine.Retention{Permanent: true}
	if r.DisposalDue() != nil {
		t.Fatal("a permanent record has a disposal date")
	}
}

// A record is kept by the agency's own staff: naming someone of another agency as its
// owner (người lập hồ sơ) is refused, when opening it and when planning it.
func TestRecordOwnerMustBelongToTheAgency(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		year := time.Now().Year()
		district := b.districts[0]
		stranger := b.province.specialist.UserID
		var ve *engine.ValidationError
		_, err := b.eng.OpenRecord(ctx, district.clerk, year, engine.RecordSpec{Code: "01.VP", Title: "Hồ sơ công văn đến",
			Retention: engine.Retention{Years: 10}, OwnerID: stranger})
		if !errors.As(err, &ve) || ve.Field != "owner_id" {
			t.Fatalf("owner from another agency: %v, want a validation error on owner_id", err)
		}
		plan, err := b.eng.PlanRecords(ctx, district.clerk, year, []engine.RecordSpec{
			{Code: "02.VP", Title: "Hồ sơ kế hoạch", Retention: engine.Retention{Years: 10}},
		})
		must(t, err)
		if _, err := b.eng.OpenRecord(ctx, district.clerk, year, engine.RecordSpec{Code: "02.VP", OwnerID: stranger}); !errors.As(err, &ve) {
			t.Fatalf("opening a planned record for another agency's owner: %v", err)
		}
		own, err := b.eng.OpenRecord(ctx, district.clerk, year, engine.RecordSpec{Code: "02.VP", OwnerID: district.specialist.UserID})
		must(t, err)
		if own.ID != plan[0].ID || own.OwnerID != district.specialist.UserID {
			t.Fatalf("opened %+v, want the planned record owned by the agency's specialist", own)
		}
	})
}

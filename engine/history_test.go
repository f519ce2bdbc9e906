package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// TestHistoryTellsADocumentsStepsNewestFirst walks a received document through
// registering, presenting, directing, progress and completion and reads its history back:
// every step with who did it, the state it moved to and the text given, newest first,
// nothing for a foreign agency. The document's own date, signer and page count are kept.
func TestHistoryTellsADocumentsStepsNewestFirst(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		dated := time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))
		d, err := b.eng.ReceiveExternal(ctx, p.clerk, engine.ExternalInput{Subject: "Báo cáo cán bộ", SenderName: "Bộ Nội vụ",
			SenderNotation: "1250/BNV-CCVC", DocumentDate: &dated, SignerName: "Trần Văn Bình", PageCount: 3,
			Files: []engine.FileInput{signedPDF}}, "")
		must(t, err)
		got, err := b.eng.Document(ctx, p.clerk, d.ID)
		must(t, err)
		if got.DocumentDate == nil || !got.DocumentDate.Equal(dated) || got.SignerName != "Trần Văn Bình" || got.PageCount != 3 {
			t.Fatalf("document's own details = %v, %q, %d; want %v, Trần Văn Bình, 3", got.DocumentDate, got.SignerName, got.PageCount, dated)
		}
		_, err = b.eng.Register(ctx, p.clerk, d.ID, "")
		must(t, err)
		_, err = b.eng.Present(ctx, p.clerk, d.ID, "")
		must(t, err)
		_, err = b.eng.Direct(ctx, p.leader, d.ID, engine.DirectInput{Text: "Giao Khối VX chủ trì",
			Tasks: []engine.UnitTask{{UnitID: p.culture.ID, Role: engine.Lead, WorkingDays: 5}}}, "")
		must(t, err)
		as, err := b.store.AssignmentListByDocument(ctx, d.ID)
		must(t, err)
		must(t, b.eng.ReportProgress(ctx, p.specialist, as[0].ID, "Đã tổng hợp số liệu"))
		_, err = b.eng.Complete(ctx, p.head, d.ID, "Đã gửi báo cáo", "")
		must(t, err)

		h, err := b.eng.History(ctx, p.clerk, d.ID)
		must(t, err)
		type step struct {
			action string
			actor  string
			state  engine.State
			note   string
		}
		want := []step{
			{"complete", p.head.UserID, engine.StateCompleted, "Đã gửi báo cáo"},
			{"progress", p.specialist.UserID, "", "Đã tổng hợp số liệu"},
			{"direct", p.leader.UserID, engine.StateDirected, "Giao Khối VX chủ trì"},
			{"present", p.clerk.UserID, engine.StatePresented, ""},
			{"register", p.clerk.UserID, engine.StateRegistered, ""},
			{"receive", p.clerk.UserID, engine.StateReceived, ""},
		}
		if len(h) != len(want) {
			t.Fatalf("history has %d entries, want %d: %+v", len(h), len(want), h)
		}
		for i, w := range want {
			e := h[i]
			if e.Action != w.action || e.ActorID != w.actor || e.State != w.state || e.Note != w.note || e.AgencyID != p.agency.ID {
				t.Errorf("entry %d = %+v, want %+v", i, e, w)
			}
		}
		if h[1].UnitID != p.culture.ID {
			t.Errorf("progress entry's unit = %q, want the lead unit", h[1].UnitID)
		}
		if _, err := b.eng.History(ctx, b.districts[0].clerk, d.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("another agency's clerk reads the history: %v", err)
		}
	})
}

func TestReceiveRefusesImpossibleDetails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	future := time.Now().AddDate(0, 0, 3)
	for name, in := range map[string]engine.ExternalInput{
		"NegativePages": {PageCount: -1},
		"DatedInFuture": {DocumentDate: &future},
		"TooManyPages":  {PageCount: 100001},
	} {
		in.Subject, in.SenderName, in.Files = "Công văn", "Bộ Tài chính", []engine.FileInput{signedPDF}
		_, err := b.eng.ReceiveExternal(ctx, b.province.clerk, in, "")
		var ve *engine.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: err = %v, want a validation error", name, err)
		}
	}
}

package engine_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestSearchIgnoresDiacriticsAndRespectsVisibility(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		d := b.signedDraft(t, "Quyết định phê duyệt kế hoạch phát triển tỉnh Hoà Bình")
		d, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		secret, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "BC", Subject: "Báo cáo quyết định nhân sự",
			Classification: engine.Confidential, DraftingUnitID: p.culture.ID}, "")
		must(t, err)
		_, err = b.eng.ReceiveExternal(ctx, b.districts[0].clerk, engine.ExternalInput{Subject: "Quyết định của huyện",
			SenderName: "Sở Tài chính", Files: []engine.FileInput{signedPDF}}, "")
		must(t, err)
		n, err := b.eng.IndexStale(ctx, 100, func(context.Context, engine.Document) string { return "Đề án 06 định danh điện tử" })
		must(t, err)
		if n < 3 {
			t.Fatalf("indexed %d documents", n)
		}
		ids := func(actor engine.Actor, q string) map[string]bool {
			t.Helper()
			docs, err := b.eng.Search(ctx, actor, q, 0)
			must(t, err)
			out := map[string]bool{}
			for _, d := range docs {
				out[d.ID] = true
			}
			return out
		}
		for _, q := range []string{"quyet dinh", "QUYẾT ĐỊNH phê duyệt", "hòa bình", "hoa binh", `"ke hoach phat trien"`,
			"type:CT", "so:" + d.Notation, "de an 06"} {
			if !ids(p.clerk, q)[d.ID] {
				t.Errorf("%q does not find %q", q, d.Subject)
			}
		}
		if ids(p.clerk, "quyet dinh -phe")[d.ID] {
			t.Error("an excluded word did not exclude")
		}
		if ids(p.clerk, "type:QĐ quyet dinh")[d.ID] {
			t.Error("type:QĐ found a directive (its type is CT)")
		}
		if !ids(p.clerk, "quyet dinh nhan su")[secret.ID] {
			t.Error("the clerk does not find a classified document")
		}
		if ids(p.specialist, "nhan su")[secret.ID] {
			t.Error("a specialist found a classified document")
		}
		if got := ids(b.districts[0].clerk, "quyet dinh"); got[d.ID] || len(got) != 1 {
			t.Errorf("the district finds %v, want only its own document", got)
		}
		if _, err := b.eng.Search(ctx, p.clerk, "a b c d e f g", 0); err == nil {
			t.Error("seven words accepted")
		}
	})
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p, dist := b.province, b.districts[0]
		d := b.signedDraft(t, "Chỉ thị về tăng cường công tác phòng, chống thiên tai")
		d, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
		must(t, err)
		_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{dist.agency.ID}, "")
		must(t, err)
		external, err := b.eng.ReceiveExternal(ctx, dist.clerk, engine.ExternalInput{Subject: "Hướng dẫn quyết toán ngân sách",
			SenderName: "Sở Tài chính tỉnh Hòa Bình", SenderNotation: "120/STC-NS", Files: []engine.FileInput{signedPDF}}, "")
		must(t, err)
		_, err = b.eng.IndexStale(ctx, 100, nil)
		must(t, err)
		deliveries, err := b.eng.Deliveries(ctx, p.clerk, d.ID)
		must(t, err)
		copyID := deliveryFor(t, deliveries, dist.agency.ID).IncomingID

		rec, err := b.eng.OpenRecord(ctx, dist.clerk, time.Now().Year(), engine.RecordSpec{Code: "01.VP", Title: "Hồ sơ phòng, chống thiên tai",
			Retention: engine.Retention{Years: 10}})
		must(t, err)
		must(t, b.eng.FileDocument(ctx, dist.clerk, rec.ID, copyID))

		found := func(actor engine.Actor, q string) []string {
			t.Helper()
			docs, err := b.eng.Search(ctx, actor, q, 0)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			var ids []string
			for _, d := range docs {
				ids = append(ids, d.ID)
			}
			return ids
		}
		today := time.Now().Format(time.DateOnly)
		for _, tc := range []struct {
			actor engine.Actor
			query string
			want  []string
		}{
			{dist.clerk, "agency:H23", []string{copyID}},
			{dist.clerk, "agency:H23.11", nil},
			{dist.clerk, `agency:"So Tai chinh"`, []string{external.ID}},
			{dist.clerk, "so:01/CT-UBND", []string{copyID}},
			{dist.clerk, "so:120/STC-NS", []string{external.ID}},
			{dist.clerk, "record:01.vp", []string{copyID}},
			{dist.clerk, "record:02.VP thien tai", nil},
			{p.clerk, `signer:"nguoi deputy"`, []string{d.ID}},
			{p.clerk, `signer:"nguoi leader"`, nil},
			{p.clerk, "thien tai from:" + today + " to:" + today, []string{d.ID}},
			{p.clerk, "thien tai to:2001", nil},
			{p.clerk, "type:CT phong chong", []string{d.ID}},
		} {
			if got := found(tc.actor, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("%q found %v, want %v", tc.query, got, tc.want)
			}
		}
		if _, err := b.eng.Search(ctx, p.clerk, "from:2026 to:2025", 0); !errors.As(err, new(*engine.ValidationError)) {
			t.Errorf("a range ending before it starts: %v, want a validation error", err)
		}

		events, err := b.store.AuditListByAgency(ctx, dist.agency.ID, 0, 1000)
		must(t, err)
		searches := 0
		for _, e := range events {
			if e.Action == "search" && e.ActorID == dist.clerk.UserID {
				searches++
			}
		}
		if searches != 7 {
			t.Errorf("%d searches audited in the district, want 7", searches)
		}
	})
}

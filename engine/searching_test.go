package engine_test

import (
	"context"
	"testing"

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

package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/docpdf"
)

func TestAxisEndpoints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	must(t, b.store.InTx(ctx, func(q engine.Queries) error {
		for _, a := range []engine.AxisAgency{{Code: "000.00.00.G09", Name: "Bộ Nội vụ"}, {Code: "000.00.00.G12", Name: "Bộ Tài chính"},
			{Code: "000.00.00.G22", Name: "Văn phòng Chính phủ"}} {
			a.SyncedAt = time.Now().UTC()
			if err := q.AxisAgencyUpsert(ctx, &a); err != nil {
				return err
			}
		}
		return nil
	}))
	clerk := b.as(t, "vanthu.tinh")

	t.Run("DirectorySearchesWithoutDiacriticsAndPages", func(t *testing.T) {
		r := clerk.do(t, "GET", "/api/v1/axis/agencies?q="+url.QueryEscape("bo tai chinh"), nil, nil)
		mustStatus(t, r, http.StatusOK)
		items := r.json["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["code"] != "000.00.00.G12" {
			t.Fatalf("search: %s", r.body)
		}
		first := clerk.do(t, "GET", "/api/v1/axis/agencies?limit=2", nil, nil)
		mustStatus(t, first, http.StatusOK)
		next, _ := first.json["next"].(string)
		if len(first.json["items"].([]any)) != 2 || next == "" {
			t.Fatalf("first page: %s", first.body)
		}
		second := clerk.do(t, "GET", "/api/v1/axis/agencies?limit=2&cursor="+next, nil, nil)
		mustStatus(t, second, http.StatusOK)
		items = second.json["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["code"] != "000.00.00.G22" || second.json["next"] != nil {
			t.Fatalf("second page: %s", second.body)
		}
	})

	t.Run("DispatchToTheAxisWithoutOneIsRefused", func(t *testing.T) {
		draft, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "UBND-VP",
			Place: "Hòa Bình", Type: "Công văn", Summary: "Về việc gửi Bộ Tài chính", Body: docpdf.Text("Nội dung."),
			Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Bùi Văn Khánh"}, Recipients: []string{"Lưu: VT"}})
		must(t, err)
		up := b.as(t, "chuyenvien.tinh").upload(t, "/api/v1/outgoing", map[string]any{"subject": "Về việc gửi Bộ Tài chính"},
			"du-thao.pdf", draft, map[string]string{"Idempotency-Key": "axis-off-1"})
		mustStatus(t, up, http.StatusCreated)
		id := up.json["document"].(map[string]any)["id"].(string)
		r := clerk.step(t, id, "dispatch", map[string]any{"external_codes": []string{"000.00.00.G12"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "chưa cấu hình trục liên thông") {
			t.Fatalf("dispatch to the axis without one: %d %s", r.status, r.body)
		}
	})
}

package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
)

// TestADayThroughTheAPI drafts, signs, seals and dispatches a directive with the real
// keyring and demo keys, and the district's clerk finds it in their inbox.
func TestADayThroughTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const pin = "123456"
	demoKeyring(t, b, pin, false, keyring.Config{})
	district, err := b.store.AgencyGetByCode(ctx, "H23.11")
	must(t, err)

	specialist, leader, clerk := b.as(t, "chuyenvien.tinh"), b.as(t, "lanhdao.tinh"), b.as(t, "vanthu.tinh")
	draft, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "CT-UBND",
		Place: "Hòa Bình", Type: "Chỉ thị", Summary: "Về tăng cường phòng chống lụt bão",
		Body:   docpdf.Text("Các huyện chủ động phương án phòng chống lụt bão."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Bùi Văn Khánh"}, Recipients: []string{"Lưu: VT"}})
	must(t, err)
	r := specialist.upload(t, "/api/v1/outgoing", map[string]any{"type_code": "CT", "subject": "Về tăng cường phòng chống lụt bão"},
		"du-thao.pdf", draft, map[string]string{"Idempotency-Key": "du-thao-1"})
	mustStatus(t, r, http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)
	mustStatus(t, specialist.step(t, id, "submit", map[string]any{}), http.StatusOK)
	mustStatus(t, leader.step(t, id, "approve", nil), http.StatusOK)

	wrong := leader.step(t, id, "sign", map[string]any{"pin": "000000"})
	if wrong.status != http.StatusUnprocessableEntity || wrong.problemKind() != "invalid" {
		t.Fatalf("wrong PIN: %d %s", wrong.status, wrong.body)
	}
	signed := leader.step(t, id, "sign", map[string]any{"pin": pin})
	mustStatus(t, signed, http.StatusOK)
	if signed.json["state"] != "signed" {
		t.Fatalf("after signing: %s", signed.body)
	}
	issued := clerk.step(t, id, "issue", map[string]any{"pin": pin})
	mustStatus(t, issued, http.StatusOK)
	if issued.json["state"] != "agency_signed" || issued.json["notation"] == "" {
		t.Fatalf("after issuing: %s", issued.body)
	}
	sent := clerk.step(t, id, "dispatch", map[string]any{"agency_ids": []string{district.ID}})
	mustStatus(t, sent, http.StatusOK)
	deliveries := clerk.do(t, "GET", "/api/v1/documents/"+id+"/deliveries", nil, nil)
	mustStatus(t, deliveries, http.StatusOK)
	if !strings.Contains(string(deliveries.body), district.ID) || !strings.Contains(string(deliveries.body), `"status":"delivered"`) {
		t.Fatalf("deliveries: %s", deliveries.body)
	}

	inbox := b.as(t, "vanthu.maichau").do(t, "GET", "/api/v1/documents?view=inbox", nil, nil)
	mustStatus(t, inbox, http.StatusOK)
	items := inbox.json["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["subject"] != "Về tăng cường phòng chống lụt bão" {
		t.Fatalf("district inbox: %s", inbox.body)
	}
}

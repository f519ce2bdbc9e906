package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/signertest"
)

// TestIssueAsksWhereToWriteTheNumber uploads a draft whose first page has no "Số:" or
// "ngày … tháng … năm" blank: issuing is refused, saying so and naming the fields, and
// takes no number; with number_at and date_at the clerk issues it.
func TestIssueAsksWhereToWriteTheNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const pin = "ma-PIN-thu"
	b.srv.deps.Signer, _ = demoKeyring(t, b, pin, true, keyring.Config{Location: "Hòa Bình"})

	specialist, leader, clerk := b.as(t, "chuyenvien.tinh"), b.as(t, "lanhdao.tinh"), b.as(t, "vanthu.tinh")
	draft := signertest.TextPDF(t,
		signertest.Line(95, 790, 13, "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"),
		signertest.Line(100, 745, 13, "Kính gửi: Sở Nội vụ"),
		signertest.Line(85, 640, 14, "Đề nghị Sở Nội vụ báo cáo tình hình thực hiện Đề án 06."),
		signertest.Line(390, 180, 14, "Bùi Văn Khánh"))
	r := specialist.upload(t, "/api/v1/outgoing", map[string]any{"type_code": "CT", "subject": "Về việc báo cáo Đề án 06"},
		"cong-van-word.pdf", draft, nil)
	mustStatus(t, r, http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)
	mustStatus(t, specialist.step(t, id, "submit", map[string]any{}), http.StatusOK)
	mustStatus(t, leader.step(t, id, "approve", nil), http.StatusOK)
	mustStatus(t, leader.step(t, id, "sign", map[string]any{"pin": pin}), http.StatusOK)

	t.Run("RefusedWithoutBlanksNamingTheFields", func(t *testing.T) {
		r := clerk.step(t, id, "issue", map[string]any{"pin": pin})
		if r.status != http.StatusUnprocessableEntity || r.problemKind() != "invalid" ||
			!strings.Contains(r.json["detail"].(string), "không tìm thấy “Số:”") ||
			!strings.Contains(string(r.body), `"field":"number_at"`) || !strings.Contains(string(r.body), `"field":"date_at"`) {
			t.Fatalf("issue without blanks: %d %s", r.status, r.body)
		}
		doc := clerk.do(t, "GET", "/api/v1/documents/"+id, nil, nil)
		if doc.json["state"] != "signed" || doc.json["notation"] != "" && doc.json["notation"] != nil {
			t.Fatalf("a refused issue changed the document: %s", doc.body)
		}
	})
	t.Run("RefusesAPlaceOffThePage", func(t *testing.T) {
		r := clerk.step(t, id, "issue", map[string]any{"pin": pin, "number_at": map[string]any{"x": 100, "y": 5000},
			"date_at": map[string]any{"x": 320, "y": 725}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"field":"number_at"`) {
			t.Fatalf("number_at off the page: %d %s", r.status, r.body)
		}
	})
	t.Run("IssuesWhereTheClerkPlacesThem", func(t *testing.T) {
		r := clerk.step(t, id, "issue", map[string]any{"pin": pin, "number_at": map[string]any{"x": 100, "y": 725},
			"date_at": map[string]any{"x": 320, "y": 725}, "size": 13})
		mustStatus(t, r, http.StatusOK)
		if r.json["state"] != "agency_signed" || !strings.HasPrefix(r.json["notation"].(string), "01/") {
			t.Fatalf("after issuing: %s", r.body)
		}
	})
}

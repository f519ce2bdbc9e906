package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine/seed"
)

// receivedLetter has the province's clerk receive and register a scan, and returns its id.
func receivedLetter(t *testing.T, b *testBundle) string {
	t.Helper()
	w := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"sender": "Bộ Nội vụ", "sender_notation": "120/BNV-CCVC",
		"type": "", "subject": "Về việc báo cáo số lượng cán bộ", "register": "1"}, samplePDF(t))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", w.Code, w.Body)
	}
	return strings.TrimPrefix(w.Header().Get("Location"), "/documents/")
}

// TestAFailedFormSaysWhyOnItselfAndKeepsTheInput: a direction with both a deadline date
// and working days is refused on the direction form itself, in Vietnamese, with the text
// and the ticked units kept; the rest of the page is the document's.
func TestAFailedFormSaysWhyOnItselfAndKeepsTheInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := receivedLetter(t, b)
	if w := b.post(t, "vanthu.tinh", "/documents/"+id+"/present", url.Values{"request_id": {"p"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("present: %d", w.Code)
	}
	province, _ := b.store.AgencyGetByCode(context.Background(), seed.ProvinceCode)
	units, _ := b.store.UnitListByAgency(context.Background(), province.ID)
	form := url.Values{"request_id": {"d"}, "text": {"Khối Nội chính chủ trì, báo cáo trước ngày 15."}, "lead": {units[3].ID},
		"cooperate": {units[1].ID}, "deadline": {"2099-03-02"}, "days": {"10"}}
	w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", form)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("both deadlines: %d\n%s", w.Code, body)
	}
	errOnForm := regexp.MustCompile(`(?s)<form[^>]*id="direct-form".*?class="error form-error"[^>]*>Chỉ nhập một trong hai`)
	if !errOnForm.MatchString(body) {
		t.Errorf("the error is not on the direction form:\n%s", body)
	}
	for _, kept := range []string{"Khối Nội chính chủ trì, báo cáo trước ngày 15.</textarea>", `value="2099-03-02"`,
		`name="cooperate" value="` + units[1].ID + `" aria-label="Phối hợp ` + units[1].Name + `" checked`} {
		if !strings.Contains(body, kept) {
			t.Errorf("the form lost %q", kept)
		}
	}
	if strings.Contains(body, "Không thực hiện được") || !strings.Contains(body, `id="history"`) {
		t.Error("a whole-page error instead of the document page")
	}
	// The date alone goes through.
	form.Del("days")
	if w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", form); w.Code != http.StatusSeeOther {
		t.Fatalf("direct with a date: %d\n%s", w.Code, w.Body)
	}
}

// TestTheDocumentPageTellsItsHistoryAndWhoHoldsIt: the timeline lists the steps newest
// first with the people's full names, roles and agency; the page says who holds the
// document; the heading is the subject and the id is not shown prominently.
func TestTheDocumentPageTellsItsHistoryAndWhoHoldsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := receivedLetter(t, b)
	page := b.get(t, "vanthu.tinh", "/documents/"+id).Body.String()
	clerk, _ := b.store.UserGetByUsername(context.Background(), "vanthu.tinh")
	history := page[strings.Index(page, `id="history"`):]
	register, receive := strings.Index(history, "Vào sổ, cấp số đến"), strings.Index(history, "Tiếp nhận văn bản")
	if register < 0 || receive < 0 || register > receive {
		t.Errorf("history lacks the steps newest first:\n%s", history)
	}
	if !strings.Contains(history, clerk.FullName+"</span> — Văn thư, Ủy ban nhân dân tỉnh Hòa Bình") {
		t.Errorf("history does not name the clerk, the role and the agency:\n%s", history)
	}
	if !regexp.MustCompile(`(?s)id="holders".*` + regexp.QuoteMeta(clerk.FullName)).MatchString(page) {
		t.Errorf("the page does not say the clerk holds it")
	}
	if !strings.Contains(page, `<h1 class="subject">Về việc báo cáo số lượng cán bộ</h1>`) {
		t.Error("the heading is not the subject")
	}
	// A specialist of the agency has nothing to do on it: no empty actions panel.
	if spec := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String(); strings.Contains(spec, `id="actions"`) {
		t.Error("an actions panel for someone with nothing to do")
	}
}

// TestErrorPagesShowTheRealInboxCount: a 404 page's badge counts what waits, not 0.
func TestErrorPagesShowTheRealInboxCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := receivedLetter(t, b)
	_ = id
	missing := b.get(t, "vanthu.tinh", "/documents/khong-co")
	if missing.Code != http.StatusNotFound {
		t.Fatalf("missing document: %d", missing.Code)
	}
	if !strings.Contains(missing.Body.String(), `id="inbox-count">1</span>`) {
		t.Errorf("the 404 page's badge does not count the one registered letter:\n%s", missing.Body)
	}
}

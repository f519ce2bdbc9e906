package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
)

// testBundle is a UI over a seeded demo province on SQLite; requests carry the principal
// of a named demo user, the way the auth middleware would put it there.
type testBundle struct {
	ui    *UI
	mux   *http.ServeMux
	store engine.Store
	eng   *engine.Engine
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	store := dbtest.DemoSQLite(t, "demo-password-1")
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(store)
	ui := New(Deps{Engine: eng, Store: store, Blobs: blobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxUpload: 1 << 20})
	mux := http.NewServeMux()
	ui.Routes(mux)
	return &testBundle{ui: ui, mux: mux, store: store, eng: eng}
}

// do sends a request as the demo user (empty: anonymous) and returns the response.
func (b *testBundle) do(t testing.TB, username string, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	if username != "" {
		u, err := b.store.UserGetByUsername(r.Context(), username)
		if err != nil {
			t.Fatalf("demo user %s: %v", username, err)
		}
		r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{UserID: u.ID, Username: u.Username, SessionID: "test"}))
	}
	w := httptest.NewRecorder()
	b.mux.ServeHTTP(w, r)
	return w
}

func (b *testBundle) get(t *testing.T, username, path string) *httptest.ResponseRecorder {
	t.Helper()
	return b.do(t, username, httptest.NewRequest(http.MethodGet, path, nil))
}

func (b *testBundle) post(t *testing.T, username, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(t, username, r)
}

func (b *testBundle) upload(t *testing.T, username, path string, fields map[string]string, file []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "cong-van.pdf")
	_, _ = fw.Write(file)
	_ = mw.Close()
	r := httptest.NewRequest(http.MethodPost, path, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(t, username, r)
}

func samplePDF(t *testing.T) []byte {
	t.Helper()
	pdf, _, err := docpdf.Render(docpdf.Document{Agency: "BỘ NỘI VỤ", Notation: "BNV-CCVC", Place: "Hà Nội",
		Summary: "V/v báo cáo số lượng cán bộ, công chức năm 2026", Body: docpdf.Text("Đề nghị Ủy ban nhân dân tỉnh báo cáo."),
		Signer: docpdf.Signer{Authority: []string{"KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"}, Name: "Nguyễn Văn A"}})
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// untranslated matches a message key shown as text: a key missing from the catalogue.
var untranslated = regexp.MustCompile(`>\s*(app|layout|nav|login|inbox|incoming|outgoing|receive|draft|doc|tasks|records|search|admin|dash|list|col|filter|register|form|act|dispatch|err|field|done|role|state|urgency|class|file|assign|assignstatus|delivery|due|record|tier)\.[a-z_.]+\s*<`)

func TestUnauthenticatedPagesGoToLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.get(t, "", "/incoming?year=2026")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next="+url.QueryEscape("/incoming?year=2026") {
		t.Fatalf("anonymous /incoming: %d %q", w.Code, w.Header().Get("Location"))
	}
	login := b.get(t, "", "/login")
	if login.Code != http.StatusOK || !strings.Contains(login.Body.String(), "Đăng nhập") {
		t.Fatalf("login page: %d\n%s", login.Code, login.Body)
	}
	missing := b.get(t, "", "/khong-co-trang-nay")
	if missing.Code != http.StatusNotFound || !strings.Contains(missing.Body.String(), "Không tìm thấy trang") {
		t.Fatalf("unknown page: %d\n%s", missing.Code, missing.Body)
	}
	en := b.get(t, "", "/login?lang=en")
	if !strings.Contains(en.Body.String(), "Sign in") || !strings.Contains(en.Header().Get("Set-Cookie"), "vanthu_lang=en") {
		t.Fatalf("English login page: %s", en.Body)
	}
}

func TestEveryDemoRoleSeesItsPagesInBothLanguages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, user := range []string{"vanthu.tinh", "lanhdao.tinh", "pholanhdao.tinh", "chuyenvien.tinh", "truongphong.tinh",
		"luutru.tinh", "quantri.tinh", "vanthu.maichau", "chuyenvien.dongbang"} {
		home := b.get(t, user, "/")
		if home.Code != http.StatusOK || !strings.Contains(home.Body.String(), "Việc cần xử lý") {
			t.Fatalf("%s home: %d\n%s", user, home.Code, home.Body)
		}
		links := regexp.MustCompile(`<nav class="menu">([\s\S]*?)</nav>`).FindStringSubmatch(home.Body.String())
		if links == nil {
			t.Fatalf("%s: no menu", user)
		}
		for _, m := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(links[1], -1) {
			for _, lang := range []string{"vi", "en"} {
				w := b.get(t, user, m[1]+"?lang="+lang)
				if w.Code != http.StatusOK {
					t.Errorf("%s %s (%s): %d\n%s", user, m[1], lang, w.Code, w.Body)
					continue
				}
				if lang == "en" && !strings.Contains(w.Body.String(), `<html lang="en">`) {
					t.Errorf("%s %s: not in English", user, m[1])
				}
				if strings.Contains(w.Body.String(), "%!") || untranslated.MatchString(w.Body.String()) {
					t.Errorf("%s %s (%s): an untranslated key or format error shows", user, m[1], lang)
				}
			}
		}
	}
}

func TestClerkReceivesAndRegistersAnUploadedScan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"sender": "Bộ Nội vụ", "sender_notation": "120/BNV-CCVC",
		"type": "", "subject": "Về việc báo cáo số lượng cán bộ", "urgency": "khan", "register": "1", "request_id": "r1",
		"document_date": "2026-12-01", "signer_name": "Trần Văn Bình", "page_count": "3"}, samplePDF(t))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	if strings.Contains(loc, "done") {
		t.Errorf("the success banner is in the URL Back returns to: %s", loc)
	}
	// The banner comes with a one-shot cookie: the page shows it once and deletes it.
	r := httptest.NewRequest(http.MethodGet, loc, nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	page := b.do(t, "vanthu.tinh", r)
	body := page.Body.String()
	for _, want := range []string{"Đã vào sổ văn bản đến.", `<dd id="incoming-number">1</dd>`, "120/BNV-CCVC", "Trình lãnh đạo", "Khẩn",
		`<dd id="document-date">01/12/2026</dd>`, `<dd id="signer-name">Trần Văn Bình</dd>`, `<dd id="page-count">3</dd>`} {
		if !strings.Contains(body, want) {
			t.Errorf("document page lacks %q", want)
		}
	}
	if cleared := page.Result().Cookies(); len(cleared) != 1 || cleared[0].MaxAge >= 0 {
		t.Errorf("the banner's cookie is not deleted by the page that shows it: %v", cleared)
	}
	if again := b.get(t, "vanthu.tinh", loc).Body.String(); strings.Contains(again, "Đã vào sổ văn bản đến.") {
		t.Error("the success banner shows again on the next visit")
	}
	// The register lists it, the text filter finds it without diacritics, and prints.
	reg := b.get(t, "vanthu.tinh", "/incoming?q=bao+cao+so+luong")
	if !strings.Contains(reg.Body.String(), "Về việc báo cáo số lượng cán bộ") {
		t.Errorf("filtered register lacks the document:\n%s", reg.Body)
	}
	none := b.get(t, "vanthu.tinh", "/incoming?q=khong+co+gi")
	if strings.Contains(none.Body.String(), "Về việc báo cáo số lượng cán bộ") {
		t.Error("the text filter does not filter")
	}
	pdf := b.get(t, "vanthu.tinh", "/registers/incoming.pdf")
	if pdf.Code != http.StatusOK || !bytes.HasPrefix(pdf.Body.Bytes(), []byte("%PDF-")) {
		t.Errorf("register PDF: %d %q", pdf.Code, pdf.Body.String()[:min(40, pdf.Body.Len())])
	}
	// The printed register has the document's own date and its signer (poppler reads it).
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		cmd := exec.Command(pdftotext, "-layout", "-", "-")
		cmd.Stdin = bytes.NewReader(pdf.Body.Bytes())
		text, err := cmd.Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		received := time.Now().In(vietnam).Format("02/01/2006")
		for _, want := range []string{"tháng", "Người ký", "01/12/2026", received, "Trần Văn", "120/BNV-CCVC"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("the printed incoming register lacks %q:\n%s", want, text)
			}
		}
	}
	// The file streams back byte for byte to the agency, and is not found for another.
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/documents/")
	file := b.get(t, "lanhdao.tinh", "/documents/"+id+"/files/1")
	if file.Code != http.StatusOK || !bytes.Equal(file.Body.Bytes(), samplePDF(t)) {
		t.Errorf("file download: %d", file.Code)
	}
	foreign := b.get(t, "vanthu.maichau", "/documents/"+id)
	if foreign.Code != http.StatusNotFound || !strings.Contains(foreign.Body.String(), "Không tìm thấy") {
		t.Errorf("another agency's clerk: %d\n%s", foreign.Code, foreign.Body)
	}
}

func TestUploadsThatAreNotPDFsAreRefusedInVietnamese(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fields := map[string]string{"sender": "Bộ Nội vụ", "subject": "Thử", "type": ""}
	w := b.upload(t, "vanthu.tinh", "/incoming", fields, []byte("<html>not a pdf</html>"))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "không phải là PDF") {
		t.Fatalf("non-PDF: %d\n%s", w.Code, w.Body)
	}
	big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 2<<20)...)
	w = b.upload(t, "vanthu.tinh", "/incoming", fields, big)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "quá lớn") {
		t.Fatalf("oversized: %d\n%s", w.Code, w.Body)
	}
	missing := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"subject": "Thiếu nơi gửi", "type": ""}, samplePDF(t))
	if missing.Code != http.StatusUnprocessableEntity || !strings.Contains(missing.Body.String(), "Cơ quan gửi") {
		t.Fatalf("missing sender: %d\n%s", missing.Code, missing.Body)
	}
	if strings.Contains(missing.Body.String(), "goroutine") || strings.Contains(missing.Body.String(), ".go:") {
		t.Fatal("an error page shows internals")
	}
}

func TestIncomingWorkflowThroughThePages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"sender": "Bộ Nội vụ", "subject": "Kế hoạch cải cách hành chính",
		"type": "KH", "register": "1", "request_id": "r2"}, samplePDF(t))
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	if w := b.post(t, "vanthu.tinh", "/documents/"+id+"/present", url.Values{"request_id": {"p"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("present: %d\n%s", w.Code, w.Body)
	}
	// The clerk cannot direct; the leader can, with a lead unit and a deadline.
	ctx := context.Background()
	province, _ := b.store.AgencyGetByCode(ctx, seed.ProvinceCode)
	units, _ := b.store.UnitListByAgency(ctx, province.ID)
	direct := url.Values{"request_id": {"d"}, "text": {"Khối Nội chính chủ trì."}, "lead": {units[3].ID}, "cooperate": {units[1].ID},
		"deadline": {"2099-03-02"}}
	if w := b.post(t, "vanthu.tinh", "/documents/"+id+"/direct", direct); w.Code != http.StatusForbidden {
		t.Fatalf("clerk directs: %d", w.Code)
	}
	leaderPage := b.get(t, "lanhdao.tinh", "/documents/"+id).Body.String()
	if !strings.Contains(leaderPage, `id="do-direct"`) || !strings.Contains(leaderPage, "pdf-viewer") {
		t.Fatalf("the leader's page offers no direction or preview:\n%s", leaderPage)
	}
	if w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", direct); w.Code != http.StatusSeeOther {
		t.Fatalf("direct: %d\n%s", w.Code, w.Body)
	}
	d, err := b.store.DocumentGetByID(ctx, id)
	if err != nil || d.State != engine.StateDirected || d.Deadline == nil || d.Deadline.In(vietnam).Format("2006-01-02") != "2099-03-02" {
		t.Fatalf("after direction: %+v %v", d, err)
	}
	// Directing twice is refused as a conflict, in Vietnamese.
	again := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", url.Values{"request_id": {"d2"}, "lead": {units[3].ID}})
	if again.Code != http.StatusConflict || !strings.Contains(again.Body.String(), "không còn ở bước") {
		t.Fatalf("second direction: %d\n%s", again.Code, again.Body)
	}
}

func TestSigningWithoutKeyringSaysSo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.post(t, "lanhdao.tinh", "/documents/nothing/sign", url.Values{"pin": {"1234"}})
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "chưa được cấu hình khóa ký") {
		t.Fatalf("sign without keyring: %d\n%s", w.Code, w.Body)
	}
}

func TestActingAsOnlyAmongOwnMemberships(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	province, _ := b.store.AgencyGetByCode(ctx, seed.ProvinceCode)
	w := b.post(t, "vanthu.maichau", "/acting-as", url.Values{"as": {province.ID + "|leader"}})
	if w.Code != http.StatusForbidden {
		t.Fatalf("acting as a stranger's role: %d", w.Code)
	}
}

func TestDashboardDrawsTheAgencyFigures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i, subject := range []string{"Công văn thứ nhất", "Công văn thứ hai"} {
		w := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"sender": "Bộ Tài chính", "subject": subject, "type": "",
			"register": "1", "request_id": fmt.Sprint("dash", i)}, samplePDF(t))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d", w.Code)
		}
	}
	// An outgoing document issued and signed here this month, and a draft that counts nowhere.
	ctx := context.Background()
	province, err := b.store.AgencyGetByCode(ctx, "H23")
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := b.store.UserGetByUsername(ctx, "vanthu.tinh")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, number := range []int{7, 0} {
		d := engine.Document{ID: engine.NewID(), AgencyID: province.ID, Flow: engine.Outgoing, State: engine.StateDispatched,
			Version: 1, TypeCode: "CV", Subject: fmt.Sprint("Công văn đi ", number), Year: now.In(vietnam).Year(), Number: number,
			CreatedAt: now, UpdatedAt: now}
		if number == 0 {
			d.State = engine.StateDraft
		} else {
			d.IssuedAt = &now
		}
		f := engine.File{DocumentID: d.ID, Kind: "signed", Name: "signed.pdf", BlobKey: "k", SHA256: "00", CreatedBy: clerk.ID, CreatedAt: now}
		err := b.store.InTx(ctx, func(q engine.Queries) error {
			if err := q.DocumentInsert(ctx, &d); err != nil {
				return err
			}
			return q.FileInsert(ctx, &f)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	w := b.get(t, "lanhdao.tinh", "/dashboard")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "<svg class=\"chart\"") {
		t.Fatalf("dashboard: %d\n%s", w.Code, body)
	}
	// Two incoming documents this month, both scans, and one outgoing without: a third
	// handled fully online. Both signatures were made here, the draft's too.
	month := time.Now().In(vietnam).Format("01/06")
	for _, want := range []string{"<title>Đến " + month + ": 2</title>", "<title>Đi " + month + ": 1</title>",
		"<title>Chữ ký số theo tháng " + month + ": 2</title>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the charts lack %s", want)
		}
	}
	stats := regexp.MustCompile(`<strong>([^<]*)</strong>`).FindAllStringSubmatch(body, 3)
	if len(stats) != 3 || stats[0][1] != "2" || stats[1][1] != "1" || stats[2][1] != "33%" {
		t.Errorf("the figures are wrong: %q", stats)
	}
	if w := b.get(t, "chuyenvien.tinh", "/dashboard"); w.Code != http.StatusForbidden {
		t.Errorf("a specialist sees the dashboard: %d", w.Code)
	}
}

func TestAdminEditsTheHolidayCalendar(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.post(t, "quantri.tinh", "/admin/calendar", url.Values{"year": {"2027"},
		"holidays": {"2027-01-01 Tết Dương lịch\n2027-04-30 Ngày Chiến thắng\n2027-05-03 Nghỉ bù của tỉnh"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save calendar: %d\n%s", w.Code, w.Body)
	}
	page := b.get(t, "quantri.tinh", "/admin?year=2027").Body.String()
	// Communes are listed under their district, not after every district.
	maiChau, dongBang, luongSon := strings.Index(page, "huyện Mai Châu"), strings.Index(page, "xã Đồng Bảng"), strings.Index(page, "huyện Lương Sơn")
	if maiChau < 0 || !(maiChau < dongBang && dongBang < luongSon) {
		t.Errorf("the agency tree is not in tree order: %d %d %d", maiChau, dongBang, luongSon)
	}
	if !strings.Contains(page, "2027-05-03 Nghỉ bù của tỉnh") {
		t.Errorf("the admin page does not show the saved holiday")
	}
	bad := b.post(t, "quantri.tinh", "/admin/calendar", url.Values{"year": {"2027"}, "holidays": {"03/05/2027 sai định dạng"}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body.String(), "Ngày không hợp lệ") {
		t.Errorf("a malformed date: %d", bad.Code)
	}
	district := b.post(t, "quantri.maichau", "/admin/calendar", url.Values{"year": {"2027"}, "holidays": {"2027-01-01 Tết"}})
	if district.Code != http.StatusForbidden {
		t.Errorf("a district admin edits the province's calendar: %d", district.Code)
	}
}

func TestSearchIgnoresDiacritics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"sender": "Sở Y tế", "subject": "Quyết định phê duyệt chuyển đổi số",
		"type": "QĐ", "register": "1", "request_id": "s1"}, samplePDF(t))
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	d, err := b.store.DocumentGetByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.eng.IndexDocument(context.Background(), d, ""); err != nil {
		t.Fatal(err)
	}
	found := b.get(t, "vanthu.tinh", "/search?q=chuyen+doi+so").Body.String()
	if !strings.Contains(found, "Quyết định phê duyệt chuyển đổi số") {
		t.Errorf("search without diacritics misses the document")
	}
	other := b.get(t, "vanthu.maichau", "/search?q=chuyen+doi+so").Body.String()
	if strings.Contains(other, "Quyết định phê duyệt chuyển đổi số") {
		t.Errorf("another agency finds the document")
	}
}

func TestSpecialistSeesTasksWithOverdueMarks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	w := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"sender": "Bộ Nội vụ", "subject": "Việc đã quá hạn", "type": "",
		"register": "1", "request_id": "t1"}, samplePDF(t))
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	b.post(t, "vanthu.tinh", "/documents/"+id+"/present", url.Values{"request_id": {"tp"}})
	province, _ := b.store.AgencyGetByCode(ctx, seed.ProvinceCode)
	ms, _ := b.store.MembershipListByAgency(ctx, province.ID)
	var unit string
	for _, m := range ms {
		if m.Role == engine.RoleSpecialist {
			unit = m.UnitID
		}
	}
	// A deadline in the past (directed late in the day it was due) is overdue at once.
	past := time.Now().In(vietnam).AddDate(0, 0, -3).Format("2006-01-02")
	if w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", url.Values{"request_id": {"td"}, "lead": {unit}, "deadline": {past}}); w.Code != http.StatusSeeOther {
		t.Fatalf("direct: %d\n%s", w.Code, w.Body)
	}
	page := b.get(t, "chuyenvien.tinh", "/tasks").Body.String()
	if !strings.Contains(page, "Việc đã quá hạn") || !strings.Contains(page, "mark-overdue") {
		t.Fatalf("the task is not marked overdue:\n%s", page)
	}
	if w := b.post(t, "chuyenvien.tinh", "/documents/"+id+"/complete", url.Values{"request_id": {"tc"}, "result": {"Đã xong"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("complete: %d\n%s", w.Code, w.Body)
	}
	page = b.get(t, "chuyenvien.tinh", "/tasks").Body.String()
	if !strings.Contains(page, "mark-done_late") {
		t.Errorf("the finished task is not marked late:\n%s", page)
	}
}

func TestDraftVersionsAndSubmission(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.upload(t, "chuyenvien.tinh", "/outgoing", map[string]string{"type": "KH", "subject": "Kế hoạch chuyển đổi số năm 2027",
		"request_id": "v1"}, samplePDF(t))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create draft: %d\n%s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	second := append(samplePDF(t), []byte("\n% phiên bản 2\n")...)
	if w := b.upload(t, "chuyenvien.tinh", "/documents/"+id+"/version", nil, second); w.Code != http.StatusSeeOther {
		t.Fatalf("new version: %d\n%s", w.Code, w.Body)
	}
	files, err := b.store.FileListByDocument(context.Background(), id)
	if err != nil || len(files) != 2 || files[0].Kind != "draft" || files[1].Kind != "draft" || files[0].SHA256 == files[1].SHA256 {
		t.Fatalf("draft versions: %+v %v", files, err)
	}
	// The preview shows the newest version.
	if page := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String(); !strings.Contains(page, fmt.Sprintf(`/files/%d"`, files[1].Seq)) {
		t.Errorf("the preview is not the newest version")
	}
	if w := b.post(t, "chuyenvien.tinh", "/documents/"+id+"/submit", url.Values{"request_id": {"v-s"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", w.Code, w.Body)
	}
	d, _ := b.store.DocumentGetByID(context.Background(), id)
	if d.State != engine.StateReviewed {
		t.Fatalf("after submission: %s", d.State)
	}
	// Another agency's specialist cannot add a version to it.
	if w := b.upload(t, "chuyenvien.maichau", "/documents/"+id+"/version", nil, second); w.Code != http.StatusNotFound {
		t.Errorf("a stranger's version upload: %d", w.Code)
	}
}

// FuzzUpload throws arbitrary bodies at the receiving form: whatever arrives, the answer is
// a redirect or a refusal, never a server error.
func FuzzUpload(f *testing.F) {
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"sender\"\r\n\r\nBộ Nội vụ\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7\n%%EOF\r\n--B--\r\n"))
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--B--"))
	f.Add([]byte("garbage"))
	b := setup(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/incoming", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		w := b.do(t, "vanthu.tinh", r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q:\n%s", w.Code, body, w.Body)
		}
	})
}

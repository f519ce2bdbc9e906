package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/bagit"
)

// completedIncoming is an incoming document of the province whose handling is done:
// registered, presented, directed and completed, waiting to be filed.
func (b *testBundle) completedIncoming(t *testing.T, subject string) string {
	t.Helper()
	ctx := context.Background()
	w := b.upload(t, "vanthu.tinh", "/incoming", map[string]string{"sender": "Bộ Nội vụ", "subject": subject,
		"type": "KH", "register": "1", "request_id": engine.NewID()}, samplePDF(t))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("receive: %d\n%s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	clerk, leader, spec := b.demoActor(t, "vanthu.tinh"), b.demoActor(t, "lanhdao.tinh"), b.demoActor(t, "chuyenvien.tinh")
	steps := []func() error{
		func() error { _, err := b.eng.Present(ctx, clerk, id, ""); return err },
		func() error {
			_, err := b.eng.Direct(ctx, leader, id, engine.DirectInput{Text: "Lưu hồ sơ.",
				Tasks: []engine.UnitTask{{UserID: spec.UserID, Role: engine.Lead}}}, "")
			return err
		},
		func() error { _, err := b.eng.Complete(ctx, spec, id, "Đã xong.", ""); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("incoming step %d: %v", i, err)
		}
	}
	return id
}

// createRecord opens (or plans) a record through the list's form and returns its id.
func (b *testBundle) createRecord(t *testing.T, username, mode, code, title string) string {
	t.Helper()
	year := time.Now().In(vietnam).Year()
	w := b.post(t, username, "/records", url.Values{"mode": {mode}, "year": {itoa(year)}, "code": {code}, "title": {title}, "retention": {"10"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("%s record %s: %d\n%s", mode, code, w.Code, w.Body)
	}
	recs, err := b.eng.RecordPage(context.Background(), b.demoActor(t, username), engine.RecordFilter{Year: year, Text: code})
	if err != nil || len(recs) != 1 {
		t.Fatalf("record %s after %s: %v %+v", code, mode, err, recs)
	}
	return recs[0].ID
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRecordsListPlansAndNamesEveryBadField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	page := b.get(t, "luutru.tinh", "/records")
	body := page.Body.String()
	if page.Code != http.StatusOK || !strings.Contains(body, "Danh mục hồ sơ") || !strings.Contains(body, `id="do-plan"`) {
		t.Fatalf("records page: %d\n%s", page.Code, body)
	}
	if strings.Contains(body, "vanthu archive") || strings.Contains(body, "<pre>") {
		t.Fatalf("the records page still tells archivists to run shell commands:\n%s", body)
	}
	bad := b.post(t, "luutru.tinh", "/records", url.Values{"mode": {"plan"}, "year": {"2026"}, "code": {"x"}, "title": {" "}, "retention": {""}})
	got := bad.Body.String()
	for _, want := range []string{"Số, ký hiệu hồ sơ:", "Tiêu đề:", "Thời hạn bảo quản:", `id="err-code"`, `id="err-title"`, `value="x"`} {
		if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(got, want) {
			t.Fatalf("a bad record: %d, want %q in\n%s", bad.Code, want, got)
		}
	}
	id := b.createRecord(t, "luutru.tinh", "plan", "01.VP", "Hồ sơ Đề án chuyển đổi số")
	list := b.get(t, "luutru.tinh", "/records?q="+url.QueryEscape("chuyển")).Body.String()
	if !strings.Contains(list, `href="/records/`+id+`"`) || !strings.Contains(list, "Trong danh mục") {
		t.Fatalf("the planned record is not listed:\n%s", list)
	}
	if en := b.get(t, "luutru.tinh", "/records?lang=en").Body.String(); !strings.Contains(en, "List of records") || !strings.Contains(en, "Planned") {
		t.Fatalf("the list in English:\n%s", en)
	}
	// A specialist sees only the records they keep, and cannot add to the year's list.
	if w := b.post(t, "chuyenvien.tinh", "/records", url.Values{"mode": {"plan"}, "year": {"2026"}, "code": {"02.VX"}, "title": {"Hồ sơ"},
		"retention": {"5"}}); w.Code != http.StatusForbidden {
		t.Fatalf("a specialist planned a record: %d", w.Code)
	}
	own := b.createRecord(t, "chuyenvien.tinh", "open", "03.VX", "Hồ sơ công việc của chuyên viên")
	mine := b.get(t, "chuyenvien.tinh", "/records").Body.String()
	if !strings.Contains(mine, own) || strings.Contains(mine, id) {
		t.Fatalf("the specialist's list:\n%s", mine)
	}
	if w := b.get(t, "chuyenvien.tinh", "/records/"+id); w.Code != http.StatusNotFound {
		t.Fatalf("a specialist opened someone else's record: %d", w.Code)
	}
	if w := b.get(t, "luutru.maichau", "/records/"+id); w.Code != http.StatusNotFound {
		t.Fatalf("another agency's archivist opened the record: %d", w.Code)
	}
}

func TestDocumentIsFiledIntoAChosenRecord(t *testing.T) {
	t.Parallel()
	b := setup(t)
	docID := b.completedIncoming(t, "Kế hoạch cải cách hành chính")
	recID := b.createRecord(t, "vanthu.tinh", "open", "04.VP", "Hồ sơ cải cách hành chính")
	b.createRecord(t, "vanthu.tinh", "open", "05.VP", "Hồ sơ hội nghị")

	page := b.get(t, "vanthu.tinh", "/documents/"+docID+"?record_q="+url.QueryEscape("cải cách")).Body.String()
	if !strings.Contains(page, `id="record-picker"`) || !strings.Contains(page, `value="`+recID+`"`) || strings.Contains(page, "05.VP") {
		t.Fatalf("the filing form does not offer the matching open record:\n%s", page)
	}
	var picked struct {
		Items []recordPickItem `json:"items"`
	}
	pick := b.get(t, "vanthu.tinh", "/records/pick?q="+url.QueryEscape("HỘI"))
	if err := json.Unmarshal(pick.Body.Bytes(), &picked); err != nil || len(picked.Items) != 1 || picked.Items[0].Code != "05.VP" {
		t.Fatalf("picker search: %s (%v)", pick.Body, err)
	}
	if w := b.post(t, "vanthu.tinh", "/documents/"+docID+"/file", url.Values{"request_id": {"f1"}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Hãy chọn hồ sơ") {
		t.Fatalf("filing without a record: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "vanthu.tinh", "/documents/"+docID+"/file", url.Values{"request_id": {"f2"}, "record": {recID}}); w.Code != http.StatusSeeOther {
		t.Fatalf("filing: %d\n%s", w.Code, w.Body)
	}
	after := b.get(t, "vanthu.tinh", "/documents/"+docID).Body.String()
	if !strings.Contains(after, `id="doc-records"`) || !strings.Contains(after, `href="/records/`+recID+`"`) || strings.Contains(after, `id="file-form"`) {
		t.Fatalf("after filing the page does not name the record, or still offers filing:\n%s", after)
	}
	d, _ := b.store.DocumentGetByID(context.Background(), docID)
	if d.State != engine.StateFiled {
		t.Fatalf("the document is %s after filing", d.State)
	}
	rec := b.get(t, "vanthu.tinh", "/records/"+recID).Body.String()
	if !strings.Contains(rec, "Kế hoạch cải cách hành chính") || !strings.Contains(rec, "Đưa văn bản vào hồ sơ") {
		t.Fatalf("the record page lacks its document or its trail:\n%s", rec)
	}
	// Removed while open, the document leaves the record, and the trail says so.
	if w := b.post(t, "vanthu.tinh", "/records/"+recID+"/remove", url.Values{"document": {docID}}); w.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", w.Code, w.Body)
	}
	if rec := b.get(t, "vanthu.tinh", "/records/"+recID).Body.String(); strings.Contains(rec, `href="/documents/`+docID+`"`) ||
		!strings.Contains(rec, "Rút văn bản khỏi hồ sơ") {
		t.Fatalf("after removal:\n%s", rec)
	}
	// Filing from a new record opened on the document's form.
	w := b.post(t, "vanthu.tinh", "/documents/"+docID+"/file", url.Values{"request_id": {"f3"}, "new_code": {"06.VP"},
		"new_title": {"Hồ sơ mới từ văn bản"}, "new_retention": {"20"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("filing into a new record: %d\n%s", w.Code, w.Body)
	}
	if in, _ := b.eng.RecordsOfDocument(context.Background(), b.demoActor(t, "vanthu.tinh"), docID); len(in) != 1 || in[0].Code != "06.VP" {
		t.Fatalf("records of the document: %+v", in)
	}
}

func TestRecordIsDescribedClosedHandedOverAndExported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	docID := b.completedIncoming(t, "Báo cáo tổng kết năm")
	recID := b.createRecord(t, "chuyenvien.tinh", "open", "07.VX", "Hồ sơ tổng kết năm")
	if w := b.post(t, "chuyenvien.tinh", "/records/"+recID+"/file", url.Values{"document": {docID}}); w.Code != http.StatusSeeOther {
		t.Fatalf("file: %d\n%s", w.Code, w.Body)
	}
	bad := b.post(t, "chuyenvien.tinh", "/records/"+recID+"/metadata", url.Values{"title": {"Hồ sơ tổng kết năm"}, "access_mode": {"open"},
		"language": {"tiếng Việt"}, "page_total": {"mười"}})
	got := bad.Body.String()
	for _, want := range []string{"Ngôn ngữ:", "Số lượng trang:", `id="err-pages"`, `value="mười"`} {
		if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(got, want) {
			t.Fatalf("bad metadata: %d, want %q in\n%s", bad.Code, want, got)
		}
	}
	if w := b.post(t, "chuyenvien.tinh", "/records/"+recID+"/metadata", url.Values{"title": {"Hồ sơ tổng kết năm"}, "access_mode": {"open"},
		"language": {"vi"}, "keywords": {"tổng kết; báo cáo"}, "page_total": {"12"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("metadata: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "chuyenvien.tinh", "/records/"+recID+"/close", url.Values{"end_date": {"2099-01-01"}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Ngày kết thúc:") {
		t.Fatalf("closing in the future: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "chuyenvien.tinh", "/records/"+recID+"/close", url.Values{"end_date": {time.Now().In(vietnam).Format(time.DateOnly)}}); w.Code != http.StatusSeeOther {
		t.Fatalf("close: %d\n%s", w.Code, w.Body)
	}
	// The specialist who keeps the record cannot hand it over; the archivist does.
	if w := b.post(t, "chuyenvien.tinh", "/records/"+recID+"/handover", nil); w.Code != http.StatusForbidden {
		t.Fatalf("a specialist handed over: %d\n%s", w.Code, w.Body)
	}
	if w := b.get(t, "vanthu.tinh", "/records/"+recID+"/bag"); w.Code != http.StatusForbidden {
		t.Fatalf("the clerk downloaded a bag: %d", w.Code)
	}
	if w := b.post(t, "luutru.tinh", "/records/"+recID+"/handover", nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/records/"+recID {
		t.Fatalf("handover: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
	rec := b.get(t, "luutru.tinh", "/records/"+recID).Body.String()
	for _, want := range []string{"Đã nộp lưu", "Khóa đến", "Số phiên bản", "Nộp lưu", `id="do-export"`} {
		if !strings.Contains(rec, want) {
			t.Fatalf("the handed-over record's page lacks %q:\n%s", want, rec)
		}
	}
	w := b.get(t, "luutru.tinh", "/records/"+recID+"/bag?token=abc-1")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/zip" || !strings.Contains(w.Header().Get("Set-Cookie"), "vanthu_download=abc-1") {
		t.Fatalf("bag: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
	dir := unzipTo(t, w.Body.Bytes())
	bag, err := bagit.Open(filepath.Join(dir, "H23.2026.07.VX"))
	if err != nil {
		entries, _ := os.ReadDir(dir)
		t.Fatalf("open bag: %v (%v)", err, entries)
	}
	report, err := bag.Validate(ctx, bagit.ValidateOptions{})
	if err != nil || !report.Valid() {
		t.Fatalf("the downloaded bag is not valid BagIt: %v\n%s", err, report)
	}
	if rec := b.get(t, "luutru.tinh", "/records/"+recID).Body.String(); !strings.Contains(rec, "Xuất gói hồ sơ (BagIt)") {
		t.Fatalf("the export is not in the record's trail:\n%s", rec)
	}
	fonds := b.get(t, "luutru.tinh", "/records/export?year="+itoa(time.Now().In(vietnam).Year()))
	if fonds.Code != http.StatusOK || !strings.Contains(fonds.Header().Get("Content-Disposition"), "H23.") {
		t.Fatalf("fonds export: %d %v", fonds.Code, fonds.Header())
	}
	if w := b.post(t, "luutru.tinh", "/records/"+recID+"/hold", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("hold: %d\n%s", w.Code, w.Body)
	}
	if rec := b.get(t, "luutru.tinh", "/records/"+recID+"?lang=en").Body.String(); !strings.Contains(rec, "Legal hold") || !strings.Contains(rec, "Release the hold") {
		t.Fatalf("the held record in English:\n%s", rec)
	}
}

func unzipTo(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range zr.File {
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(path, dir+string(filepath.Separator)) {
			t.Fatalf("zip entry outside: %s", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDisposalStepsEachByItsRole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	docID := b.completedIncoming(t, "Báo cáo năm 2012")
	recID := b.createRecord(t, "luutru.tinh", "open", "08.VP", "Hồ sơ báo cáo năm 2012")
	steps := []struct {
		path string
		form url.Values
	}{
		{"/records/" + recID + "/file", url.Values{"document": {docID}}},
		{"/records/" + recID + "/close", url.Values{"end_date": {"2012-12-31"}}},
		{"/records/" + recID + "/handover", nil},
	}
	for _, st := range steps {
		if w := b.post(t, "luutru.tinh", st.path, st.form); w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", st.path, w.Code, w.Body)
		}
	}
	if w := b.get(t, "chuyenvien.tinh", "/disposal"); w.Code != http.StatusForbidden {
		t.Fatalf("a specialist on the disposal page: %d", w.Code)
	}
	due := b.get(t, "luutru.tinh", "/disposal").Body.String()
	if !strings.Contains(due, `name="record" value="`+recID+`"`) || !strings.Contains(due, "Hết thời hạn bảo quản") {
		t.Fatalf("the record is not due on the disposal page:\n%s", due)
	}
	if w := b.post(t, "luutru.tinh", "/disposal", url.Values{"title": {"Đề nghị hủy"}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Hãy chọn ít nhất một hồ sơ") {
		t.Fatalf("a proposal without records: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "lanhdao.tinh", "/disposal", url.Values{"title": {"Đề nghị hủy"}, "record": {recID}}); w.Code != http.StatusForbidden {
		t.Fatalf("the leader proposed: %d", w.Code)
	}
	w := b.post(t, "luutru.tinh", "/disposal", url.Values{"title": {"Đề nghị hủy tài liệu hết giá trị năm 2026"}, "record": {recID}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("propose: %d\n%s", w.Code, w.Body)
	}
	appraisal := w.Header().Get("Location")
	if w := b.post(t, "luutru.tinh", appraisal+"/decide", url.Values{"verdict": {"approve"}, "notation": {"15/QĐ-UBND"}}); w.Code != http.StatusForbidden {
		t.Fatalf("the archivist decided: %d", w.Code)
	}
	if w := b.post(t, "lanhdao.tinh", appraisal+"/decide", url.Values{"verdict": {"approve"}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Số, ký hiệu quyết định:") || !strings.Contains(w.Body.String(), `id="err-decision"`) {
		t.Fatalf("approval without the decision's number: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "lanhdao.tinh", appraisal+"/decide", url.Values{"verdict": {"approve"}, "notation": {"15/QĐ-UBND"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("decide: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "lanhdao.tinh", appraisal+"/destroy", nil); w.Code != http.StatusForbidden {
		t.Fatalf("the leader destroyed: %d", w.Code)
	}
	if w := b.post(t, "luutru.tinh", appraisal+"/destroy", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("destroy: %d\n%s", w.Code, w.Body)
	}
	report := b.get(t, "luutru.tinh", appraisal).Body.String()
	if !strings.Contains(report, "Biên bản hủy tài liệu") || !strings.Contains(report, "15/QĐ-UBND") || !strings.Contains(report, "Đã hủy") {
		t.Fatalf("the destruction record:\n%s", report)
	}
	if list := b.get(t, "lanhdao.tinh", "/disposal?lang=en").Body.String(); !strings.Contains(list, "Destroyed") {
		t.Fatalf("the appraisals in English:\n%s", list)
	}
	if rec := b.get(t, "luutru.tinh", "/records/"+recID).Body.String(); !strings.Contains(rec, "Đã tiêu hủy") {
		t.Fatalf("the destroyed record's page:\n%s", rec)
	}
}

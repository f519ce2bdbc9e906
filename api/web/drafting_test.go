package web

import (
	"context"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

// pdfText is pdftotext's text of pdf with whitespace collapsed; without poppler the test
// is skipped, except on CI.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required on CI: %v", err)
		}
		t.Skip("pdftotext not installed")
	}
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = strings.NewReader(string(pdf))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// decisionForm is a filled-in Quyết định as the drafter posts it.
func decisionForm(do string) url.Values {
	return url.Values{"request_id": {"tpl-1"}, "mode": {"template"}, "do": {do}, "type": {"QĐ"},
		"subject": {"Về việc ban hành Quy chế ký số văn bản điện tử"}, "parent_agency": {""},
		"agency": {"Ủy ban nhân dân\ntỉnh Hòa Bình"}, "place": {"Hòa Bình"},
		"body": {"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;\r\nTheo đề nghị của Chánh Văn phòng.\r\n" +
			"Điều 1. Ban hành Quy chế ký số văn bản điện tử.\r\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký."},
		"recipients": {"Như Điều 2\r\nLưu: VT, NC"}, "signer_form": {"KT."}, "signer_for": {"Chủ tịch"},
		"signer_position": {"Phó Chủ tịch"}, "signer_name": {"Nguyễn Văn Chiến"}}
}

var dataPDF = regexp.MustCompile(`data-pdf="([A-Za-z0-9+/=]+)"`)

func TestSpecialistDraftsFromATemplate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()

	t.Run("FormIsPrefilledWithTheAgencyHeadingPlaceAndHead", func(t *testing.T) {
		w := b.get(t, "chuyenvien.tinh", "/outgoing/new?mode=template")
		page := html.UnescapeString(w.Body.String())
		if w.Code != http.StatusOK || !strings.Contains(page, "Soạn theo mẫu") || !strings.Contains(page, "Ủy ban nhân dân\ntỉnh Hòa Bình</textarea>") ||
			!strings.Contains(page, `name="place" id="place" maxlength="100" required value="Hòa Bình"`) || !strings.Contains(page, `<option value="GM"`) {
			t.Fatalf("template form: %d\n%.3000s", w.Code, page)
		}
		if strings.Contains(page, `<option value="CT"`) {
			t.Error("the template form offers a type it has no model for (Chỉ thị)")
		}
		dept := html.UnescapeString(b.get(t, "chuyenvien.snv", "/outgoing/new?mode=template").Body.String())
		if !strings.Contains(dept, `value="UBND tỉnh Hòa Bình"`) || !strings.Contains(dept, `required value="Hòa Bình"`) {
			t.Errorf("a department's form lacks its governing agency or the province's place:\n%.3000s", dept)
		}
	})

	t.Run("PreviewShowsTheLaidOutDraftUnderTheForm", func(t *testing.T) {
		before := countDocuments(t, b)
		w := b.post(t, "chuyenvien.tinh", "/outgoing/template", decisionForm("preview"))
		page := html.UnescapeString(w.Body.String())
		m := dataPDF.FindStringSubmatch(page)
		if w.Code != http.StatusOK || m == nil {
			t.Fatalf("preview: %d\n%.3000s", w.Code, page)
		}
		if !strings.Contains(page, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.</textarea>") {
			t.Error("the preview lost what was typed")
		}
		pdf, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, pdf)
		for _, want := range []string{"Số: /QĐ-UBND", "Hòa Bình, ngày tháng năm", "QUYẾT ĐỊNH Về việc ban hành Quy chế ký số văn bản điện tử",
			"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH", "QUYẾT ĐỊNH: Điều 1.", "có hiệu lực kể từ ngày ký./.", "- Như Điều 2;", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Chiến"} {
			if !strings.Contains(text, want) {
				t.Errorf("preview lacks %q:\n%s", want, text)
			}
		}
		if after := countDocuments(t, b); after != before {
			t.Errorf("a preview created %d documents", after-before)
		}
	})

	t.Run("MissingPartIsSaidOnTheFormWithWhatWasTyped", func(t *testing.T) {
		f := decisionForm("create")
		f.Set("signer_name", " ")
		w := b.post(t, "chuyenvien.tinh", "/outgoing/template", f)
		page := html.UnescapeString(w.Body.String())
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(page, "Họ tên người ký: cần nhập") ||
			!strings.Contains(page, "Ban hành Quy chế ký số văn bản điện tử.") || !strings.Contains(page, `id="template-form"`) {
			t.Fatalf("missing signer: %d\n%.3000s", w.Code, page)
		}
		f = decisionForm("create")
		f.Set("body", "Căn cứ Nghị định số 30/2020/NĐ-CP.")
		f.Set("lang", "en")
		w = b.post(t, "chuyenvien.tinh", "/outgoing/template?lang=en", f)
		if page := html.UnescapeString(w.Body.String()); w.Code != http.StatusUnprocessableEntity || !strings.Contains(page, "a decision needs articles numbered from") {
			t.Fatalf("decision without articles: %d\n%.3000s", w.Code, page)
		}
	})

	t.Run("CreatesTheDraftWithTheRenderedPDF", func(t *testing.T) {
		w := b.post(t, "chuyenvien.tinh", "/outgoing/template", decisionForm("create"))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", w.Code, w.Body)
		}
		id := strings.TrimPrefix(w.Header().Get("Location"), "/documents/")
		d, err := b.store.DocumentGetByID(ctx, id)
		if err != nil || d.TypeCode != "QĐ" || d.State != engine.StateDraft || d.Subject != "Về việc ban hành Quy chế ký số văn bản điện tử" {
			t.Fatalf("draft %+v %v", d, err)
		}
		files, err := b.store.FileListByDocument(ctx, id)
		if err != nil || len(files) != 1 || files[0].Kind != "draft" || files[0].Name != "du-thao-QD.pdf" {
			t.Fatalf("files %+v %v", files, err)
		}
		// The same form sent again (a double click) is the same draft.
		if again := b.post(t, "chuyenvien.tinh", "/outgoing/template", decisionForm("create")); again.Header().Get("Location") != "/documents/"+id {
			t.Errorf("sent again: %d %s", again.Code, again.Header().Get("Location"))
		}
	})
}

// countDocuments counts the province's documents.
func countDocuments(t *testing.T, b *testBundle) int {
	t.Helper()
	ctx := context.Background()
	a, err := b.store.AgencyGetByCode(ctx, "H23")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := b.store.DocumentList(ctx, engine.DocumentFilter{AgencyID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	return len(docs)
}

func TestHistoryPDFListsTheTimelineNewestFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.upload(t, "chuyenvien.tinh", "/outgoing", map[string]string{"type": "KH", "subject": "Kế hoạch chuyển đổi số năm 2027",
		"request_id": "h1", "note": "Bản đầu tiên"}, samplePDF(t))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create draft: %d\n%s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	if w := b.post(t, "chuyenvien.tinh", "/documents/"+id+"/submit", url.Values{"request_id": {"h-s"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", w.Code, w.Body)
	}
	page := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String()
	if !strings.Contains(page, `href="/documents/`+id+`/history.pdf"`) || !strings.Contains(page, "Tải lịch sử (PDF)") {
		t.Errorf("the document page has no link to the history PDF")
	}

	w = b.get(t, "chuyenvien.tinh", "/documents/"+id+"/history.pdf")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "lich-su-") {
		t.Fatalf("history.pdf: %d %v", w.Code, w.Header())
	}
	text := pdfText(t, w.Body.Bytes())
	specialist, _ := b.store.UserGetByUsername(context.Background(), "chuyenvien.tinh")
	for _, want := range []string{"ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH", "LỊCH SỬ XỬ LÝ VĂN BẢN", "Kế hoạch: Kế hoạch chuyển đổi số năm 2027",
		"Thời gian", "Người thực hiện", "Vai trò", "Cơ quan", "Nội dung", "Ghi chú", specialist.FullName, "Chuyên viên", "Bản đầu tiên"} {
		if !strings.Contains(text, want) {
			t.Errorf("history PDF lacks %q:\n%s", want, text)
		}
	}
	submitted, created := strings.Index(text, "Trình duyệt"), strings.Index(text, "Tạo dự thảo")
	if submitted < 0 || created < 0 || submitted > created {
		t.Errorf("history PDF is not newest first in Vietnamese (submit at %d, create at %d):\n%s", submitted, created, text)
	}

	// In English, as the pages are after ?lang=en: the headings and steps are translated,
	// names of people and agencies are not.
	w = b.get(t, "chuyenvien.tinh", "/documents/"+id+"/history.pdf?lang=en")
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Disposition"), "history-") {
		t.Fatalf("history.pdf in English: %d %v", w.Code, w.Header())
	}
	text = pdfText(t, w.Body.Bytes())
	for _, want := range []string{"ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH", "DOCUMENT PROCESSING HISTORY", "Kế hoạch: Kế hoạch chuyển đổi số năm 2027",
		"printed at", "Time", "By", "Role", "Agency", "Action", "Note", specialist.FullName, "Specialist", "Bản đầu tiên"} {
		if !strings.Contains(text, want) {
			t.Errorf("English history PDF lacks %q:\n%s", want, text)
		}
	}
	submitted, created = strings.Index(text, "Submitted"), strings.Index(text, "Draft created")
	if submitted < 0 || created < 0 || submitted > created || strings.Contains(text, "LỊCH SỬ XỬ LÝ") || strings.Contains(text, "Người thực hiện") {
		t.Errorf("history PDF is not newest first in English (submit at %d, create at %d):\n%s", submitted, created, text)
	}

	if w := b.get(t, "chuyenvien.maichau", "/documents/"+id+"/history.pdf"); w.Code != http.StatusNotFound {
		t.Errorf("another agency's specialist reads the history: %d", w.Code)
	}
}

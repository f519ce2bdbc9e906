package api

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/service/keyring"
	"golang.org/x/text/unicode/norm"
)

// decisionJSON is a Quyết định written from its template, as an integration sends it.
func decisionJSON() map[string]any {
	return map[string]any{"type_code": "QĐ", "subject": "Về việc ban hành Quy chế ký số văn bản điện tử",
		"template": map[string]any{
			"body": "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;\nTheo đề nghị của Chánh Văn phòng.\n" +
				"Điều 1. Ban hành Quy chế ký số văn bản điện tử.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.",
			"recipients": []string{"Như Điều 2", "Lưu: VT, NC"},
			"signer":     map[string]any{"form": "KT.", "for": "Chủ tịch", "position": "Phó Chủ tịch", "name": "Nguyễn Văn Chiến"},
		}}
}

// pdfLines is poppler's text of a PDF, runs of blanks squeezed; without poppler the test
// is skipped, except on CI.
func pdfLines(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required on CI: %v", err)
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	must(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command(tool, append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return norm.NFC.String(regexp.MustCompile(`[ \t]+`).ReplaceAllString(string(out), " "))
}

// TestTemplateDraftIsIssuedWithItsNumberAndDate writes a decision from its template
// through the API, takes it through review, signature and issue, and reads the number and
// date on the issued PDF; and the history PDF of the API tells the steps, newest first.
func TestTemplateDraftIsIssuedWithItsNumberAndDate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const pin = "123456"
	demoKeyring(t, b, pin, false, keyring.Config{})
	specialist, leader, clerk := b.as(t, "chuyenvien.tinh"), b.as(t, "lanhdao.tinh"), b.as(t, "vanthu.tinh")

	t.Run("RefusesAMissingPartNamingIt", func(t *testing.T) {
		in := decisionJSON()
		in["template"].(map[string]any)["body"] = "Căn cứ Nghị định số 30/2020/NĐ-CP."
		r := specialist.do(t, "POST", "/api/v1/outgoing", in, nil)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"field":"template.body"`) {
			t.Fatalf("a decision without articles: %d %s", r.status, r.body)
		}
		in = decisionJSON()
		delete(in["template"].(map[string]any)["signer"].(map[string]any), "name")
		if r := specialist.do(t, "POST", "/api/v1/outgoing", in, nil); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.body), `"field":"template.signer.name"`) {
			t.Fatalf("no signer's name: %d %s", r.status, r.body)
		}
		in = decisionJSON()
		in["type_code"] = "CT"
		if r := specialist.do(t, "POST", "/api/v1/outgoing", in, nil); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.body), `"field":"type_code"`) {
			t.Fatalf("a type without a template: %d %s", r.status, r.body)
		}
	})

	r := specialist.do(t, "POST", "/api/v1/outgoing", decisionJSON(), map[string]string{"Idempotency-Key": "tpl-qd-1"})
	mustStatus(t, r, http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)
	if again := specialist.do(t, "POST", "/api/v1/outgoing", decisionJSON(), map[string]string{"Idempotency-Key": "tpl-qd-1"}); again.status != http.StatusCreated ||
		again.json["document"].(map[string]any)["id"] != id {
		t.Fatalf("the same key again: %d %s", again.status, again.body)
	}
	draft := download(t, specialist, id, 1)
	if text := strings.Join(strings.Fields(pdfLines(t, draft)), " "); !strings.Contains(text, "Số: /QĐ-UBND") || !strings.Contains(text, "ỦY BAN NHÂN DÂN") ||
		!strings.Contains(text, "Hòa Bình, ngày tháng năm") {
		t.Fatalf("the laid-out draft:\n%s", text)
	}

	mustStatus(t, specialist.step(t, id, "submit", map[string]any{}), http.StatusOK)
	mustStatus(t, leader.step(t, id, "approve", nil), http.StatusOK)
	mustStatus(t, leader.step(t, id, "sign", map[string]any{"pin": pin}), http.StatusOK)
	issued := clerk.step(t, id, "issue", map[string]any{"pin": pin})
	mustStatus(t, issued, http.StatusOK)
	notation := issued.json["notation"].(string)
	if !regexp.MustCompile(`^0\d/QĐ-UBND$`).MatchString(notation) {
		t.Fatalf("issued as %q", notation)
	}
	files := clerk.do(t, "GET", "/api/v1/documents/"+id+"/files", nil, nil)
	mustStatus(t, files, http.StatusOK)
	var seqs []int
	for _, m := range regexp.MustCompile(`"seq":(\d+)`).FindAllStringSubmatch(string(files.body), -1) {
		n, _ := strconv.Atoi(m[1])
		seqs = append(seqs, n)
	}
	// Poppler keeps words drawn by different objects apart: the number written into the
	// blank abutting "/QĐ-UBND" reads "01 /QĐ-UBND".
	text := strings.ReplaceAll(pdfLines(t, download(t, clerk, id, seqs[len(seqs)-1]), "-layout", "-f", "1", "-l", "1"), " /", "/")
	now := time.Now().In(time.FixedZone("ICT", 7*3600))
	month := strconv.Itoa(int(now.Month()))
	if now.Month() <= time.February {
		month = "0" + month
	}
	date := fmt.Sprintf("Hòa Bình, ngày %02d tháng %s năm %d", now.Day(), month, now.Year())
	if !strings.Contains(text, "Số: "+notation) || !strings.Contains(text, date) {
		t.Fatalf("the issued PDF lacks %q or %q:\n%s", "Số: "+notation, date, text)
	}

	t.Run("HistoryPDFTellsTheStepsNewestFirst", func(t *testing.T) {
		r := specialist.do(t, "GET", "/api/v1/documents/"+id+"/history.pdf", nil, nil)
		mustStatus(t, r, http.StatusOK)
		if r.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("history.pdf answers %s", r.header.Get("Content-Type"))
		}
		text := strings.Join(strings.Fields(pdfLines(t, r.body)), " ")
		issuedAt, approved, created := strings.Index(text, "Cấp số, ngày ban hành"), strings.Index(text, "Duyệt dự thảo"), strings.Index(text, "Tạo dự thảo")
		if issuedAt < 0 || approved < 0 || created < 0 || !(issuedAt < approved && approved < created) || !strings.Contains(text, "Văn thư") ||
			!strings.Contains(text, "LỊCH SỬ XỬ LÝ VĂN BẢN") || !strings.Contains(text, "Người thực hiện") {
			t.Errorf("history PDF (issue %d, approve %d, create %d):\n%s", issuedAt, approved, created, text)
		}
		// English on ?lang=en or when Accept-Language prefers it; Vietnamese stays the default.
		for _, ask := range []struct {
			query  string
			header map[string]string
		}{{"?lang=en", nil}, {"", map[string]string{"Accept-Language": "en-GB,en;q=0.9,vi;q=0.5"}}} {
			r := specialist.do(t, "GET", "/api/v1/documents/"+id+"/history.pdf"+ask.query, nil, ask.header)
			mustStatus(t, r, http.StatusOK)
			text := strings.Join(strings.Fields(pdfLines(t, r.body)), " ")
			issuedAt, approved, created := strings.Index(text, "Numbered and dated"), strings.Index(text, "Approved"), strings.Index(text, "Draft created")
			if issuedAt < 0 || approved < 0 || created < 0 || !(issuedAt < approved && approved < created) ||
				!strings.Contains(text, "DOCUMENT PROCESSING HISTORY") || !strings.Contains(text, "Agency") || strings.Contains(text, "Người thực hiện") {
				t.Errorf("history PDF asked in English with %q %v (issue %d, approve %d, create %d):\n%s", ask.query, ask.header, issuedAt, approved, created, text)
			}
			if !strings.Contains(r.header.Get("Content-Disposition"), "history-") {
				t.Errorf("English history PDF is named %q", r.header.Get("Content-Disposition"))
			}
		}
		if r := b.as(t, "chuyenvien.maichau").do(t, "GET", "/api/v1/documents/"+id+"/history.pdf", nil, nil); r.status != http.StatusNotFound {
			t.Errorf("another agency reads the history: %d", r.status)
		}
	})
}

// download reads one of a document's files through the API.
func download(t *testing.T, c *client, docID string, seq int) []byte {
	t.Helper()
	r := c.do(t, "GET", "/api/v1/documents/"+docID+"/files/"+strconv.Itoa(seq), nil, nil)
	mustStatus(t, r, http.StatusOK)
	return r.body
}

package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/signertest"
)

func TestDocumentsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	clerk, leader := b.as(t, "vanthu.tinh"), b.as(t, "lanhdao.tinh")
	pdf := signertest.OnePagePDF()
	meta := map[string]any{"type_code": "TB", "subject": "Về việc phòng chống lụt bão", "sender_name": "Bộ Nội vụ", "sender_notation": "12/BNV-VP"}

	t.Run("ReceivesAScanAndStoresItsBytes", func(t *testing.T) {
		r := clerk.upload(t, "/api/v1/incoming", meta, "cong-van.pdf", pdf, nil)
		mustStatus(t, r, http.StatusCreated)
		doc := r.json["document"].(map[string]any)
		if doc["state"] != "received" || r.header.Get("ETag") != `"v1"` || r.header.Get("Location") == "" {
			t.Fatalf("%v %v", doc, r.header)
		}
		id := doc["id"].(string)
		if r := clerk.do(t, "GET", "/api/v1/documents/"+id, nil, map[string]string{"If-None-Match": `"v1"`}); r.status != http.StatusNotModified {
			t.Fatalf("If-None-Match of the current version: %d", r.status)
		}
		files := clerk.do(t, "GET", "/api/v1/documents/"+id+"/files", nil, nil)
		mustStatus(t, files, http.StatusOK)
		dl := clerk.do(t, "GET", "/api/v1/documents/"+id+"/files/1", nil, nil)
		mustStatus(t, dl, http.StatusOK)
		sum := sha256.Sum256(pdf)
		if !bytes.Equal(dl.body, pdf) || dl.header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` ||
			!strings.Contains(dl.header.Get("Content-Disposition"), "cong-van.pdf") || dl.header.Get("Content-Length") != fmt.Sprint(len(pdf)) {
			t.Fatalf("download: %d bytes, headers %v", len(dl.body), dl.header)
		}
	})

	t.Run("AnIdempotencyKeyMakesARetryReturnTheFirstResult", func(t *testing.T) {
		h := map[string]string{"Idempotency-Key": "nhan-1"}
		first := clerk.upload(t, "/api/v1/incoming", meta, "a.pdf", pdf, h)
		again := clerk.upload(t, "/api/v1/incoming", meta, "a.pdf", pdf, h)
		mustStatus(t, first, http.StatusCreated)
		mustStatus(t, again, http.StatusCreated)
		id := first.json["document"].(map[string]any)["id"]
		if again.json["document"].(map[string]any)["id"] != id {
			t.Fatal("a retry with the same key received a second document")
		}
		reg := map[string]string{"Idempotency-Key": "dang-ky-1", "If-Match": `"v1"`}
		r1 := clerk.do(t, "POST", fmt.Sprintf("/api/v1/documents/%s/register", id), nil, reg)
		r2 := clerk.do(t, "POST", fmt.Sprintf("/api/v1/documents/%s/register", id), nil, reg)
		mustStatus(t, r1, http.StatusOK)
		mustStatus(t, r2, http.StatusOK)
		if r1.json["incoming_number"] != r2.json["incoming_number"] || r2.json["version"] != float64(2) {
			t.Fatalf("registered twice: %v / %v", r1.json, r2.json)
		}
	})

	t.Run("RegistersAScanInTheSameRequest", func(t *testing.T) {
		withRegister := map[string]any{"register": true}
		for k, v := range meta {
			withRegister[k] = v
		}
		h := map[string]string{"Idempotency-Key": "nhan-va-dang-ky-1"}
		r := clerk.upload(t, "/api/v1/incoming", withRegister, "d.pdf", pdf, h)
		mustStatus(t, r, http.StatusCreated)
		doc := r.json["document"].(map[string]any)
		n, _ := doc["incoming_number"].(float64)
		if doc["state"] != "registered" || n < 1 || r.header.Get("ETag") != `"v2"` {
			t.Fatalf("received and registered: %v %v", doc, r.header)
		}
		again := clerk.upload(t, "/api/v1/incoming", withRegister, "d.pdf", pdf, h)
		mustStatus(t, again, http.StatusCreated)
		if d := again.json["document"].(map[string]any); d["id"] != doc["id"] || d["incoming_number"] != doc["incoming_number"] {
			t.Fatalf("a retry gave %v, want %v", d, doc)
		}
		if r := clerk.step(t, doc["id"].(string), "register", nil); r.status != http.StatusConflict {
			t.Fatalf("registering it again: %d %s", r.status, r.body)
		}
	})

	t.Run("UpdatesNeedTheCurrentETag", func(t *testing.T) {
		id := clerk.upload(t, "/api/v1/incoming", meta, "b.pdf", pdf, nil).json["document"].(map[string]any)["id"].(string)
		path := "/api/v1/documents/" + id + "/register"
		missing := clerk.do(t, "POST", path, nil, nil)
		if missing.status != http.StatusPreconditionRequired || missing.problemKind() != "precondition-required" {
			t.Fatalf("without If-Match: %d %s", missing.status, missing.body)
		}
		stale := clerk.do(t, "POST", path, nil, map[string]string{"If-Match": `"v7"`})
		if stale.status != http.StatusPreconditionFailed || stale.problemKind() != "precondition-failed" {
			t.Fatalf("stale If-Match: %d %s", stale.status, stale.body)
		}
		mustStatus(t, clerk.do(t, "POST", path, nil, map[string]string{"If-Match": `"v1"`}), http.StatusOK)
		if r := clerk.do(t, "POST", path, nil, map[string]string{"If-Match": `"v2"`}); r.status != http.StatusConflict || r.problemKind() != "conflict" {
			t.Fatalf("registering twice: %d %s", r.status, r.body)
		}
	})

	t.Run("ThePresentedDocumentWaitsInTheLeadersInbox", func(t *testing.T) {
		id := clerk.upload(t, "/api/v1/incoming", meta, "c.pdf", pdf, nil).json["document"].(map[string]any)["id"].(string)
		mustStatus(t, clerk.step(t, id, "register", nil), http.StatusOK)
		mustStatus(t, clerk.step(t, id, "present", nil), http.StatusOK)
		r := leader.do(t, "GET", "/api/v1/documents?view=inbox", nil, nil)
		mustStatus(t, r, http.StatusOK)
		items := r.json["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != id {
			t.Fatalf("leader's inbox: %s", r.body)
		}

		// Directed to a specialist, it leaves the leader's inbox for theirs.
		spec := b.as(t, "chuyenvien.tinh")
		direct := map[string]any{"text": "Giao chuyên viên xử lý", "tasks": []any{map[string]any{"user_id": spec.user.ID, "role": "lead"}}}
		mustStatus(t, leader.step(t, id, "direct", direct), http.StatusOK)
		if r := leader.do(t, "GET", "/api/v1/documents?view=inbox", nil, nil); len(r.json["items"].([]any)) != 0 {
			t.Fatalf("leader's inbox after directing: %s", r.body)
		}
		r = spec.do(t, "GET", "/api/v1/documents?view=inbox", nil, nil)
		mustStatus(t, r, http.StatusOK)
		if items := r.json["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != id {
			t.Fatalf("specialist's inbox: %s", r.body)
		}
	})

	t.Run("ListsPageWithANextCursor", func(t *testing.T) {
		var seen []string
		path := "/api/v1/documents?view=incoming&limit=2"
		for path != "" {
			r := clerk.do(t, "GET", path, nil, nil)
			mustStatus(t, r, http.StatusOK)
			for _, it := range r.json["items"].([]any) {
				seen = append(seen, it.(map[string]any)["id"].(string))
			}
			path = ""
			if link := r.header.Get("Link"); link != "" {
				path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
			}
		}
		all := clerk.do(t, "GET", "/api/v1/documents?view=incoming&limit=200", nil, nil)
		if want := len(all.json["items"].([]any)); len(seen) != want || want < 4 {
			t.Fatalf("paged %d documents, listed %d at once", len(seen), want)
		}
		if r := clerk.do(t, "GET", "/api/v1/documents?cursor=!!", nil, nil); r.status != http.StatusBadRequest {
			t.Fatalf("bad cursor: %d", r.status)
		}
	})

	t.Run("RefusesWhatIsNotAPDF", func(t *testing.T) {
		r := clerk.upload(t, "/api/v1/incoming", meta, "x.pdf", []byte("Kính gửi: đây không phải PDF"), nil)
		if r.status != http.StatusUnsupportedMediaType || r.problemKind() != "not-a-pdf" || !strings.Contains(r.json["detail"].(string), "PDF") {
			t.Fatalf("%d %s", r.status, r.body)
		}
		broken := clerk.upload(t, "/api/v1/incoming", meta, "y.pdf", []byte("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"), nil)
		if broken.status != http.StatusUnprocessableEntity || broken.problemKind() != "malformed-pdf" {
			t.Fatalf("%d %s", broken.status, broken.body)
		}
	})

	t.Run("FlagsAPDFWithJavaScript", func(t *testing.T) {
		withJS := minimalPDF("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")
		plain := clerk.upload(t, "/api/v1/incoming", meta, "plain.pdf", minimalPDF(""), nil)
		mustStatus(t, plain, http.StatusCreated)
		if flags := plain.json["file"].(map[string]any)["active_content"]; flags != nil {
			t.Fatalf("a plain PDF flagged %v", flags)
		}
		r := clerk.upload(t, "/api/v1/incoming", meta, "js.pdf", withJS, nil)
		mustStatus(t, r, http.StatusCreated)
		flags := r.json["file"].(map[string]any)["active_content"]
		if fmt.Sprint(flags) != "[javascript]" || !strings.Contains(r.json["document"].(map[string]any)["note"].(string), "javascript") {
			t.Fatalf("flags %v, document %v", flags, r.json["document"])
		}
	})

	t.Run("RefusesAnUploadOverTheLimit", func(t *testing.T) {
		big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("%"), testMaxUpload)...)
		r := clerk.upload(t, "/api/v1/incoming", meta, "big.pdf", big, nil)
		if r.status != http.StatusRequestEntityTooLarge || r.problemKind() != "payload-too-large" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if detail, _ := r.json["detail"].(string); !strings.Contains(detail, "256 KiB") {
			t.Fatalf("the refusal does not say the limit (256 KiB): %q", detail)
		}
	})

	t.Run("UnknownRoutesAnswerProblems", func(t *testing.T) {
		r := clerk.do(t, "GET", "/api/v1/nothing-here", nil, nil)
		if r.status != http.StatusNotFound || r.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%d %s", r.status, r.header.Get("Content-Type"))
		}
		r = clerk.do(t, "DELETE", "/api/v1/documents", nil, nil)
		if r.status != http.StatusMethodNotAllowed || r.problemKind() != "method-not-allowed" || !strings.Contains(r.header.Get("Allow"), "GET") {
			t.Fatalf("%d %s %v", r.status, r.body, r.header)
		}
	})
}

// minimalPDF is a one-page PDF with a correct cross-reference table and extra entries in
// its catalog.
func minimalPDF(catalogExtra string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R " + catalogExtra + " >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

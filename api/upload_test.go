package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestUploadIntake(t *testing.T) {
	t.Parallel()
	b := setup(t)
	clerk := b.as(t, "vanthu.tinh")
	meta := map[string]any{"type_code": "TB", "subject": "Về việc kiểm tra tệp", "sender_name": "Bộ Nội vụ"}

	t.Run("FlagsAScriptWhoseNamesAreHexEscaped", func(t *testing.T) {
		r := clerk.upload(t, "/api/v1/incoming", meta, "js.pdf", minimalPDF("/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), nil)
		mustStatus(t, r, http.StatusCreated)
		flags := r.json["file"].(map[string]any)["active_content"]
		if fmt.Sprint(flags) != "[javascript]" || !strings.Contains(r.json["document"].(map[string]any)["note"].(string), "javascript") {
			t.Fatalf("flags %v, document %v", flags, r.json["document"])
		}
	})

	t.Run("RefusesHTMLBehindAPDFHeader", func(t *testing.T) {
		r := clerk.upload(t, "/api/v1/incoming", meta, "trang.pdf", []byte("%PDF-1.7\n<html><body><script>alert(1)</script></body></html>"), nil)
		if r.status != http.StatusUnprocessableEntity || r.problemKind() != "malformed-pdf" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})

	t.Run("StoresOnlyTheBaseOfAFileName", func(t *testing.T) {
		r := clerk.upload(t, "/api/v1/incoming", meta, `..\..\windows\system32\evil.pdf`, minimalPDF(""), nil)
		mustStatus(t, r, http.StatusCreated)
		if name := r.json["file"].(map[string]any)["name"]; name != "evil.pdf" {
			t.Fatalf("stored as %q, want evil.pdf", name)
		}
	})
}

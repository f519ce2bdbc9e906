package api

import (
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/signertest"
)

// TestDownloadsKeepVietnameseLetters: a file uploaded as "Công văn 03-QĐ.pdf" downloads
// under that name (filename*), with "Cong van 03-QD.pdf" for clients that read only the
// ASCII filename.
func TestDownloadsKeepVietnameseLetters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	clerk := b.as(t, "vanthu.tinh")
	meta := map[string]any{"type_code": "TB", "subject": "Về việc tên tệp có dấu", "sender_name": "Bộ Nội vụ", "sender_notation": "03/BNV-VP"}
	r := clerk.upload(t, "/api/v1/incoming", meta, "Công văn 03-QĐ.pdf", signertest.OnePagePDF(), nil)
	mustStatus(t, r, http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)
	dl := clerk.do(t, "GET", "/api/v1/documents/"+id+"/files/1", nil, nil)
	mustStatus(t, dl, http.StatusOK)
	header := dl.header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(header)
	if err != nil || disp != "attachment" || params["filename"] != "Công văn 03-QĐ.pdf" {
		t.Fatalf("Content-Disposition %q reads as %q %q (%v)", header, disp, params, err)
	}
	plain, _, _ := strings.Cut(header, "; filename*=")
	if _, params, err := mime.ParseMediaType(plain); err != nil || params["filename"] != "Cong van 03-QD.pdf" {
		t.Fatalf("the ASCII fallback of %q is %q (%v)", header, params["filename"], err)
	}
}

package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
)

// uploadNamed posts the receiving form with the file under the given name.
func (b *testBundle) uploadNamed(t *testing.T, name string, file []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"sender": "Bộ Nội vụ", "subject": "Về việc kiểm tra tệp", "type": ""} {
		_ = mw.WriteField(k, v)
	}
	// Written by hand: multipart.Writer would escape the backslashes of the name.
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "application/pdf")
	fw, _ := mw.CreatePart(h)
	_, _ = fw.Write(file)
	_ = mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/incoming", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(t, "vanthu.tinh", r)
}

// onePage is a minimal PDF whose catalogue carries extra.
func onePage(extra string) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R " + extra + " >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// TestReceivingFormChecksUploadsAsTheAPIDoes: the web form applies the API's intake.
func TestReceivingFormChecksUploadsAsTheAPIDoes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	received := func(t *testing.T, w *httptest.ResponseRecorder) string {
		t.Helper()
		if w.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", w.Code, w.Body)
		}
		return strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	}

	t.Run("FlagsAScriptWhoseNamesAreHexEscaped", func(t *testing.T) {
		id := received(t, b.uploadNamed(t, "js.pdf", onePage("/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")))
		d, err := b.store.DocumentGetByID(context.Background(), id)
		if err != nil || !strings.Contains(d.Note, "javascript") {
			t.Fatalf("note %q %v, want the script flagged", d.Note, err)
		}
	})

	t.Run("RefusesHTMLBehindAPDFHeader", func(t *testing.T) {
		w := b.uploadNamed(t, "trang.pdf", []byte("%PDF-1.7\n<html><body><script>alert(1)</script></body></html>"))
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Không đọc được cấu trúc tệp PDF") {
			t.Fatalf("%d\n%s", w.Code, w.Body)
		}
	})

	t.Run("StoresOnlyTheBaseOfAFileName", func(t *testing.T) {
		id := received(t, b.uploadNamed(t, `..\..\windows\system32\evil.pdf`, onePage("")))
		files, err := b.store.FileListByDocument(context.Background(), id)
		if err != nil || len(files) != 1 || files[0].Name != "evil.pdf" {
			t.Fatalf("files %+v %v, want one named evil.pdf", files, err)
		}
	})
}

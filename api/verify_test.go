package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/signertest"
)

func TestVerifyEndpoint(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	post := func(t *testing.T, contentType string, body []byte) (int, string, map[string]any) {
		t.Helper()
		resp, err := http.Post(srv.URL+"/api/v1/verify", contentType, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, resp.Header.Get("Content-Type"), out
	}

	t.Run("ReportsEverySignatureOfARealPDF", func(t *testing.T) {
		code, _, out := post(t, "application/pdf", signertest.CorpusFile(t, "pades-bes.pdf"))
		sigs, _ := out["signatures"].([]any)
		if code != http.StatusOK || len(sigs) == 0 {
			t.Fatalf("%d %v", code, out)
		}
		first := sigs[0].(map[string]any)
		if first["intact"] != true || first["indication"] == "" {
			t.Fatalf("signature: %v", first)
		}
	})

	t.Run("ReportsOverlappingAnnotationsAsAWarning", func(t *testing.T) {
		code, _, out := post(t, "application/pdf", signertest.CorpusFile(t, "pades-multiple-pages-annots-overlap.pdf"))
		overlaps, _ := out["annotation_overlaps"].([]any)
		sigs, _ := out["signatures"].([]any)
		if code != http.StatusOK || len(overlaps) == 0 || len(sigs) == 0 {
			t.Fatalf("%d %v", code, out)
		}
		if first := overlaps[0].(map[string]any); first["page"] != 8.0 || len(first["objects"].([]any)) != 2 {
			t.Errorf("first overlap %v, want two objects on page 8", first)
		}
		for _, s := range sigs {
			s := s.(map[string]any)
			warnings, _ := s["warnings"].([]any)
			if len(warnings) != 4 || s["modified_after_signing"] != false {
				t.Errorf("signature %v: want a warning for each of pages 8, 12, 13, 16 and no modification", s)
			}
		}
	})

	t.Run("AcceptsAMultipartUpload", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "van-ban.pdf")
		fw.Write(signertest.CorpusFile(t, "pades-bes.pdf"))
		mw.Close()
		code, _, out := post(t, mw.FormDataContentType(), buf.Bytes())
		if code != http.StatusOK || out["signatures"] == nil {
			t.Fatalf("%d %v", code, out)
		}
	})

	t.Run("SeesBytesChangedAfterSigning", func(t *testing.T) {
		pdf := signertest.CorpusFile(t, "pades-bes.pdf")
		tampered := bytes.Replace(pdf, []byte("/Type /Page"), []byte("/Type /Pagf"), 1)
		if bytes.Equal(tampered, pdf) {
			tampered = append([]byte{}, pdf...)
			tampered[200] ^= 1
		}
		code, _, out := post(t, "application/pdf", tampered)
		if code != http.StatusOK && code != http.StatusUnprocessableEntity {
			t.Fatalf("a tampered PDF got %d, want a report or a problem", code)
		}
		if code == http.StatusOK {
			for _, s := range out["signatures"].([]any) {
				if s.(map[string]any)["indication"] == "TOTAL_PASSED" {
					t.Fatalf("a tampered PDF passed: %v", s)
				}
			}
		}
	})

	t.Run("RefusesWhatIsNotAPDF", func(t *testing.T) {
		code, ct, out := post(t, "application/pdf", []byte("Kính gửi: không phải PDF"))
		if code != http.StatusUnprocessableEntity || ct != "application/problem+json" || !strings.HasSuffix(out["type"].(string), "/not-a-pdf") {
			t.Fatalf("%d %s %v", code, ct, out)
		}
	})

	t.Run("RefusesOtherMediaTypes", func(t *testing.T) {
		code, ct, _ := post(t, "text/plain", []byte("%PDF-1.7"))
		if code != http.StatusUnsupportedMediaType || ct != "application/problem+json" {
			t.Fatalf("%d %s", code, ct)
		}
	})

	t.Run("MalformedPDFIsAProblemNotACrash", func(t *testing.T) {
		code, ct, _ := post(t, "application/pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF"))
		if code >= 500 {
			t.Fatalf("%d %s", code, ct)
		}
	})
}

package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	srv := New(Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", rec.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load: %v", err)
	}

	t.Run("IsAValidOpenAPI31Document", func(t *testing.T) {
		if !doc.IsOpenAPI31OrLater() {
			t.Fatalf("openapi %q", doc.OpenAPI)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("invalid: %v", err)
		}
	})

	t.Run("DocumentsEveryRegisteredRoute", func(t *testing.T) {
		for _, pattern := range srv.apiRoutes {
			method, path, _ := strings.Cut(pattern, " ")
			item := doc.Paths.Value(path)
			if item == nil || item.GetOperation(method) == nil {
				t.Errorf("%s is served but not documented", pattern)
			}
		}
	})

	t.Run("ServesEveryDocumentedOperation", func(t *testing.T) {
		param := regexp.MustCompile(`\{[a-zA-Z_]+\}`)
		n := 0
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				n++
				req := httptest.NewRequest(method, param.ReplaceAllString(path, "x1"), nil)
				_, pattern := srv.mux.Handler(req)
				if pattern != method+" "+path {
					t.Errorf("%s %s is documented but the server routes it to %q", method, path, pattern)
				}
			}
		}
		if n < len(srv.apiRoutes)+3 {
			t.Fatalf("only %d operations documented; the auth fragment seems missing", n)
		}
	})

	t.Run("EveryOperationHasAProblemResponse", func(t *testing.T) {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if strings.HasPrefix(path, "/api/v1/auth") || strings.HasPrefix(path, "/api/v1/events") {
					continue // the fragments answer problems in their own words
				}
				if op.Responses.Default() == nil {
					t.Errorf("%s %s has no default (problem) response", method, path)
				}
			}
		}
	})
}

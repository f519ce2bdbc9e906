package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

func TestActingAsAndTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	deputy, err := b.store.UserGetByUsername(ctx, "pholanhdao.tinh")
	must(t, err)
	province, err := b.store.AgencyGetByCode(ctx, "H23")
	must(t, err)
	must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: deputy.ID, AgencyID: province.ID, Role: engine.RoleArchivist}))
	c := b.as(t, "pholanhdao.tinh")

	t.Run("SeveralRolesNeedTheActingHeaders", func(t *testing.T) {
		r := c.do(t, "GET", "/api/v1/records", nil, nil)
		if r.status != http.StatusBadRequest || r.problemKind() != "acting-as-required" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		r = c.do(t, "GET", "/api/v1/audit/verify", nil, map[string]string{httpx.HeaderAgency: "H23", httpx.HeaderRole: "archivist"})
		mustStatus(t, r, http.StatusOK)
		if r.json["intact"] != true {
			t.Fatalf("audit: %s", r.body)
		}
		r = c.do(t, "GET", "/api/v1/audit/verify", nil, map[string]string{httpx.HeaderAgency: province.ID, httpx.HeaderRole: "deputy_leader"})
		if r.status != http.StatusForbidden {
			t.Fatalf("a deputy verified the audit log: %d", r.status)
		}
		r = c.do(t, "GET", "/api/v1/records", nil, map[string]string{httpx.HeaderAgency: "H23", httpx.HeaderRole: "clerk"})
		if r.status != http.StatusForbidden || r.problemKind() != "forbidden" {
			t.Fatalf("acting in a role not held: %d %s", r.status, r.body)
		}
	})

	t.Run("ATokenActsWithinItsScopes", func(t *testing.T) {
		clerk := b.as(t, "vanthu.tinh")
		r := clerk.do(t, "POST", "/api/v1/auth/tokens", map[string]any{"name": "tich-hop", "scopes": []string{"documents:read"}}, nil)
		mustStatus(t, r, http.StatusCreated)
		token := r.json["token"].(string)
		bearer := &client{b: b, hc: http.DefaultClient}
		h := map[string]string{"Authorization": "Bearer " + token}
		mustStatus(t, bearer.do(t, "GET", "/api/v1/documents?view=inbox", nil, h), http.StatusOK)
		meta := map[string]any{"type_code": "TB", "subject": "Thông báo", "sender_name": "Bộ Công an"}
		up := bearer.upload(t, "/api/v1/incoming", meta, "a.pdf", minimalPDF(""), h)
		if up.status != http.StatusForbidden || up.problemKind() != "insufficient-scope" {
			t.Fatalf("a read-only token received a document: %d %s", up.status, up.body)
		}
	})
}

func TestProblemsForPanicsAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	var logged bytes.Buffer
	h := recoverPanics(slog.New(slog.NewTextHandler(&logged, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internals: password=hunter2")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/documents", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" ||
		strings.Contains(string(body), "hunter2") || !strings.Contains(logged.String(), "secret internals") {
		t.Fatalf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), body)
	}

	srv := New(Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v2/anything", nil))
	if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("unknown route: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("PUT", "/api/v1/verify", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
		t.Fatalf("wrong method: %d allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/documents", nil))
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "/problems/unauthenticated") {
		t.Fatalf("anonymous: %d %s", rec.Code, rec.Body)
	}
}

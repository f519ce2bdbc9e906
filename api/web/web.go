// Package web is the server-rendered web UI, in Vietnamese by default.
package web

import (
	"html/template"
	"log/slog"
	"net/http"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// Deps are what the UI needs.
type Deps struct {
	Engine  *engine.Engine
	Store   engine.Store
	Blobs   blob.Store
	Auth    *auth.Service
	Logger  *slog.Logger
	Version string
}

// UI serves the pages.
type UI struct {
	deps Deps
}

// New returns the UI.
func New(deps Deps) *UI { return &UI{deps: deps} }

// Routes registers the pages.
func (u *UI) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", u.home)
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vanthu — Hệ thống quản lý văn bản và điều hành</title></head>
<body>
<h1>vanthu</h1>
<p>Hệ thống quản lý văn bản và điều hành — phiên bản {{.Version}}.</p>
<p>Có {{.Agencies}} cơ quan, tổ chức trên hệ thống.</p>
</body>
</html>
`))

func (u *UI) home(w http.ResponseWriter, r *http.Request) {
	n, err := u.deps.Store.AgencyCount(r.Context())
	if err != nil {
		u.deps.Logger.ErrorContext(r.Context(), "home: count agencies", "error", err)
		http.Error(w, "Hệ thống tạm thời không truy cập được cơ sở dữ liệu.", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = homePage.Execute(w, map[string]any{"Version": u.deps.Version, "Agencies": n})
}

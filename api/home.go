package api

import (
	"html/template"
	"net/http"
)

// The web UI proper comes with its own pages; until then the root says what this is.
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

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	n, err := s.deps.Store.AgencyCount(r.Context())
	if err != nil {
		s.deps.Logger.ErrorContext(r.Context(), "home: count agencies", "error", err)
		http.Error(w, "Hệ thống tạm thời không truy cập được cơ sở dữ liệu.", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = homePage.Execute(w, map[string]any{"Version": s.deps.Version, "Agencies": n})
}

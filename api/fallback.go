package api

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/vanthu/vanthu/api/httpx"
)

// openAPI is GET /api/openapi.json.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(s.apiDoc)
}

var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// unknownRoute answers what no /api route matched: 405 with Allow when the path exists
// under other methods, 404 otherwise, both as problems.
func (s *Server) unknownRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/api/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 && !slices.Contains(allow, r.Method) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		httpx.WriteProblem(w, http.StatusMethodNotAllowed, httpx.KindMethodNotAllowed, "Phương thức không được hỗ trợ / Method not allowed",
			r.Method+" "+r.URL.Path+": dùng / use "+strings.Join(allow, ", "))
		return
	}
	httpx.WriteProblem(w, http.StatusNotFound, httpx.KindNotFound, "Không tìm thấy / Not found", "không có địa chỉ này / no such endpoint: "+r.URL.Path)
}

// recoverPanics turns a handler's panic into a 500 (a problem under /api) that shows
// nothing of the internals; the stack goes to the log.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			if strings.HasPrefix(r.URL.Path, "/api/") {
				httpx.WriteProblem(w, http.StatusInternalServerError, httpx.KindInternal, "Lỗi hệ thống / Internal error", "")
				return
			}
			http.Error(w, "Lỗi hệ thống / Internal error", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

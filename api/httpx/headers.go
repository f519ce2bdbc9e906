package httpx

import (
	"net/http"
	"strings"
)

// sandboxPolicy is the Content-Security-Policy of every answer that is not a web page:
// JSON, PDFs and other files are data. A PDF opened from this origin runs no script and
// reaches nothing, and no answer may be framed by another site.
const sandboxPolicy = "sandbox; default-src 'none'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every answer carries, in one place: nosniff, a referrer
// policy, Strict-Transport-Security when served over TLS (hsts), and the sandbox policy on
// answers that are not HTML; web pages set their own policy, which is kept.
func SecurityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if hsts || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(&headerWriter{ResponseWriter: w}, r)
	})
}

// headerWriter adds the sandbox policy when the handler sends its header.
type headerWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *headerWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		h := w.Header()
		if h.Get("Content-Security-Policy") == "" && !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			h.Set("Content-Security-Policy", sandboxPolicy)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *headerWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (flushes of event streams).
func (w *headerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Mux is where packages register their routes: *http.ServeMux, or one that also records
// the patterns (the server keeps every pattern to check what each asks of API tokens).
type Mux interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
	Handler(r *http.Request) (h http.Handler, pattern string)
}

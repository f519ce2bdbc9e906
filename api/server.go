// Package api is vanthu's HTTP face: the JSON API, the web UI, health and metrics.
package api

import (
	"context"
	"crypto/x509"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/api/openapi"
	"github.com/vanthu/vanthu/api/web"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

// Deps are what the server needs from the rest of vanthu.
type Deps struct {
	Engine  *engine.Engine
	Store   engine.Store
	Blobs   blob.Store
	Logger  *slog.Logger
	Version string
	// TrustRoots are the trust anchors for validating signatures; Revocation fetches
	// revocation data the documents lack (nil: embedded data only).
	TrustRoots *x509.CertPool
	// Trust, when set, stands for TrustRoots: the configured anchors together with those
	// administrators add in the database, as they are at each validation.
	Trust      *engine.TrustPool
	Revocation verify.RevocationSource
	// VerifyCache keeps verified chains and the revocation answers fetched online, until
	// they are due for renewal, between verifications (nil: a cache of the default size).
	VerifyCache *verify.Cache
	// SecureCookies marks session cookies Secure: set when served over TLS or behind a TLS proxy.
	SecureCookies bool
	// Signer signs with personal keys and seals; nil: a service/keyring over Engine, Store
	// and Blobs (B-B signatures, no timestamps).
	Signer Signer
	// MaxUpload bounds one uploaded PDF; 0 means DefaultMaxUpload.
	MaxUpload int64
	// Replicas are the blob stores holding replicas of archived objects; disposal deletes
	// from them too.
	Replicas []blob.Store
	// Collectors are background services' metrics (fixity, renewal), exposed on /metrics.
	Collectors []prometheus.Collector
	// AxisEnabled: the national exchange axis is configured, so documents may be
	// dispatched to agencies of its directory.
	AxisEnabled bool
	// Jobs is the background job queue, for the administrators' jobs screen.
	Jobs web.JobQueue
}

// Server routes requests.
type Server struct {
	deps Deps
	mux  *patternMux
	// needs are what each route pattern asks of API tokens (auth.NeedFunc).
	needs   map[string]string
	handler http.Handler
	metrics *metrics
	auth    *auth.Service
	events  *events.Service
	// apiDoc is the OpenAPI document, built once at start.
	apiDoc []byte
	// apiRoutes are the patterns of /api registered here, for the OpenAPI test.
	apiRoutes []string
	// ui is the web UI, whose words the API's PDFs (a document's history) share.
	ui *web.UI
}

// New builds the handler tree.
func New(deps Deps) *Server {
	if deps.VerifyCache == nil {
		deps.VerifyCache = verify.NewCache(verify.DefaultCacheSize)
	}
	if deps.Signer == nil && deps.Engine != nil {
		deps.Signer = keyring.New(keyring.Config{Engine: deps.Engine, Store: deps.Store, Blobs: deps.Blobs, Logger: deps.Logger})
	}
	s := &Server{deps: deps, mux: &patternMux{ServeMux: http.NewServeMux()}, needs: map[string]string{},
		metrics: newMetrics(deps.Version, deps.Collectors...)}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	for _, p := range []string{"GET /healthz", "GET /readyz", "GET /metrics", "/api/"} {
		s.needs[p] = auth.NeedPublic
	}
	routes := s.routes()
	for _, rt := range routes {
		pattern := rt.Method + " " + rt.Path
		var h http.Handler = rt.handler
		if rt.Idempotent {
			h = s.replayable(h)
		}
		s.mux.Handle(pattern, h)
		s.needs[pattern] = scope(rt.Operation)
		s.apiRoutes = append(s.apiRoutes, pattern)
	}
	s.mux.HandleFunc("/api/", s.unknownRoute)
	doc, err := openapi.Build(operations(routes), auth.OpenAPI, events.OpenAPI, archiveOpenAPI)
	if err != nil {
		// The document is built from compiled-in parts; a failure is a programming error
		// that every test of this package catches.
		panic(err)
	}
	s.apiDoc = doc

	s.auth = auth.New(auth.Config{Engine: deps.Engine, Store: deps.Store, Logger: deps.Logger, SecureCookies: deps.SecureCookies})
	s.auth.Routes(s.mux)
	s.metrics.registry.MustRegister(s.auth.Collectors()...)
	s.events = events.New(events.Config{Engine: deps.Engine, Store: deps.Store, Logger: deps.Logger})
	s.events.Routes(s.mux)
	maps.Copy(s.needs, auth.RouteNeeds)
	maps.Copy(s.needs, events.RouteNeeds)
	s.ui = web.New(web.Deps{Engine: deps.Engine, Store: deps.Store, Blobs: deps.Blobs, Auth: s.auth,
		Logger: deps.Logger, Version: deps.Version, Keyring: deps.Signer, MaxUpload: deps.MaxUpload,
		TrustRoots: deps.TrustRoots, Trust: deps.Trust, Revocation: deps.Revocation, VerifyCache: deps.VerifyCache, AxisEnabled: deps.AxisEnabled,
		Replicas: deps.Replicas, Jobs: deps.Jobs})
	s.ui.Routes(s.mux)
	s.handler = httpx.SecurityHeaders(recoverPanics(deps.Logger, s.auth.Middleware(s.mux, s.routeNeed)), deps.SecureCookies)
	return s
}

// routeNeed says what the request's route asks of an API token (auth.NeedFunc); the web
// UI's pages and token management declare nothing and so take no token.
func (s *Server) routeNeed(r *http.Request) (string, bool) {
	_, pattern := s.mux.Handler(r)
	need, ok := s.needs[pattern]
	return need, ok
}

// patternMux is the server's mux; it keeps every registered pattern.
type patternMux struct {
	*http.ServeMux
	patterns []string
}

func (m *patternMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *patternMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// Events is the event service, for serve to start and stop its workers.
func (s *Server) Events() *events.Service { return s.events }

// ServeHTTP logs and measures every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	_, pattern := s.mux.Handler(r)
	s.handler.ServeHTTP(rec, r)
	elapsed := time.Since(start)
	if pattern == "" {
		pattern = "unmatched"
	}
	s.metrics.observe(r.Method, pattern, rec.status, elapsed)
	if pattern != "GET /healthz" && pattern != "GET /metrics" {
		s.deps.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("duration", elapsed))
	}
}

// healthz says the process is up; it checks nothing else so that a slow database never
// gets a live process restarted.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether this node can serve: the database answers and the blob store takes
// a write (a full or read-only disk is not ready).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "blobs": "ok"}
	status := http.StatusOK
	if err := s.deps.Store.Ping(ctx); err != nil {
		checks["database"], status = "unavailable", http.StatusServiceUnavailable
		s.deps.Logger.WarnContext(ctx, "readiness: database", "error", err)
	}
	if err := blob.Probe(ctx, s.deps.Blobs); err != nil {
		checks["blobs"], status = "unavailable", http.StatusServiceUnavailable
		s.deps.Logger.WarnContext(ctx, "readiness: blob store", "error", err)
	}
	httpx.WriteJSON(w, status, checks)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer (flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(version string, extra ...prometheus.Collector) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vanthu_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "vanthu_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "vanthu_build_info", Help: "Build information.", ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.registry.MustRegister(m.requests, m.duration, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.registry.MustRegister(extra...)
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

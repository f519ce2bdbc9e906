// Package web is the server-rendered web UI, in Vietnamese by default with an English
// switch. Pages call the engine directly; the engine enforces who may do what, the pages
// only decide what to offer.
package web

import (
	"context"
	"crypto/x509"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Signer signs with the keys the server keeps (service/keyring): the leader's personal key
// and the agency's certificate and seal. The PIN is asked for every signature.
type Signer interface {
	SignAsLeader(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (engine.Document, error)
	IssueAndSeal(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (engine.Document, error)
	// IssueAndSealWith takes the clerk's placement of the number and date.
	IssueAndSealWith(ctx context.Context, actor engine.Actor, docID, pin, requestID string, opts keyring.IssueOptions) (engine.Document, error)
}

// Deps are what the UI needs.
type Deps struct {
	Engine  *engine.Engine
	Store   engine.Store
	Blobs   blob.Store
	Auth    *auth.Service
	Logger  *slog.Logger
	Version string
	// Keyring signs; without it the signing forms say that signing is not set up.
	Keyring Signer
	// MaxUpload caps an uploaded PDF (bytes); 0 means 50 MiB.
	MaxUpload int64
	// TrustRoots and Revocation validate the signatures a document page shows, as the
	// API's /verify does (nil roots: nothing is trusted, signatures show as not valid).
	TrustRoots *x509.CertPool
	// Trust, when set, stands for TrustRoots: the configured anchors and those an
	// administrator added, as they are at each validation.
	Trust      *engine.TrustPool
	Revocation verify.RevocationSource
	// VerifyCache keeps verified chains and current revocation answers between views.
	VerifyCache *verify.Cache
	// AxisEnabled: the national exchange axis is configured, so the dispatch form offers
	// the agencies of its directory.
	AxisEnabled bool
	// Jobs is the background job queue the jobs screen lists; nil: the screen says so.
	Jobs JobQueue
	// Replicas hold a copy of every archived object; the record page counts them.
	Replicas []blob.Store
}

// UI serves the pages.
type UI struct {
	deps  Deps
	pages map[string]*template.Template
	// liveInbox is set when the events service streams inbox counts, so that pages only
	// open the stream when it exists. The stream counts over all of a user's roles, so
	// the badge follows it only for users with one membership.
	liveInbox bool
}

// New returns the UI.
func New(deps Deps) *UI {
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.MaxUpload <= 0 {
		deps.MaxUpload = 50 << 20
	}
	return &UI{deps: deps, pages: parsePages()}
}

// pageNames are the templates that are whole pages; each is parsed with the layout.
var pageNames = []string{"login", "home", "error", "document", "incoming", "incoming_new", "outgoing", "outgoing_new",
	"tasks", "records", "record", "records_disposal", "record_appraisal", "copies", "search", "admin", "dashboard", "users", "user", "users_import", "password", "lienthong", "reports",
	"admin_trust", "admin_keys", "admin_webhooks", "admin_jobs", "admin_org"}

func parsePages() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
		"templates/layout.html", "templates/doclist.html", "templates/filters.html", "templates/docfields.html", "templates/admin_nav.html"))
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t := template.Must(template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
		out[name] = t
	}
	return out
}

// Routes registers the pages.
func (u *UI) Routes(mux httpx.Mux) {
	// The events service registers before the UI; ask the mux whether its stream is there.
	probe, _ := http.NewRequest(http.MethodGet, "/api/v1/events/inbox", nil)
	if _, pattern := mux.Handler(probe); pattern == "GET /api/v1/events/inbox" {
		u.liveInbox = true
	}
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /login", u.loginPage)
	mux.HandleFunc("POST /login", u.loginSubmit)
	mux.HandleFunc("POST /logout", u.logout)
	mux.HandleFunc("GET /lang/{lang}", u.setLang)
	mux.HandleFunc("POST /acting-as", u.user(u.setActingAs))

	mux.HandleFunc("GET /{$}", u.user(u.home))
	mux.HandleFunc("GET /documents/{id}", u.user(u.document))
	mux.HandleFunc("GET /documents/{id}/files/{seq}", u.user(u.documentFile))
	mux.HandleFunc("GET /documents/{id}/history.pdf", u.user(u.historyPDF))
	mux.HandleFunc("POST /documents/{id}/{action}", u.user(u.documentAction))

	mux.HandleFunc("GET /incoming", u.user(u.incomingRegister))
	mux.HandleFunc("GET /incoming/new", u.user(u.incomingNew))
	mux.HandleFunc("POST /incoming", u.user(u.incomingCreate))
	mux.HandleFunc("GET /outgoing", u.user(u.outgoingRegister))
	mux.HandleFunc("GET /outgoing/new", u.user(u.outgoingNew))
	mux.HandleFunc("POST /outgoing", u.user(u.outgoingCreate))
	mux.HandleFunc("POST /outgoing/template", u.user(u.outgoingTemplate))
	mux.HandleFunc("GET /registers/{kind}", u.user(u.registerPDF))

	mux.HandleFunc("GET /tasks", u.user(u.tasks))
	mux.HandleFunc("GET /records", u.user(u.recordList))
	mux.HandleFunc("POST /records", u.user(u.recordCreate))
	mux.HandleFunc("GET /records/pick", u.user(u.recordPick))
	mux.HandleFunc("GET /records/export", u.user(u.fondsBags))
	mux.HandleFunc("GET /records/{id}", u.user(u.record))
	mux.HandleFunc("GET /records/{id}/bag", u.user(u.recordBag))
	mux.HandleFunc("POST /records/{id}/{action}", u.user(u.recordAction))
	mux.HandleFunc("GET /disposal", u.user(u.disposal))
	mux.HandleFunc("POST /disposal", u.user(u.disposalPropose))
	mux.HandleFunc("GET /disposal/{id}", u.user(u.appraisal))
	mux.HandleFunc("POST /disposal/{id}/{action}", u.user(u.appraisalAction))
	mux.HandleFunc("GET /records/{id}/copies", u.user(u.recordCopies))
	mux.HandleFunc("POST /records/{id}/copies/{doc}", u.user(u.certifiedCopy))
	mux.HandleFunc("GET /search", u.user(u.search))
	mux.HandleFunc("GET /admin", u.user(u.admin))
	mux.HandleFunc("POST /admin/calendar", u.user(u.adminCalendar))
	mux.HandleFunc("POST /admin/calendar/day", u.user(u.adminCalendarDay))
	mux.HandleFunc("POST /admin/delegations", u.user(u.adminDelegate))
	mux.HandleFunc("POST /admin/delegations/{id}/revoke", u.user(u.adminDelegationRevoke))
	mux.HandleFunc("GET /admin/org", u.user(u.adminOrg))
	mux.HandleFunc("POST /admin/org/units", u.user(u.adminOrgUnit))
	mux.HandleFunc("POST /admin/org/agencies", u.user(u.adminOrgAgency))
	mux.HandleFunc("POST /admin/org/succession", u.user(u.adminOrgSuccession))
	mux.HandleFunc("GET /admin/trust", u.user(u.adminTrust))
	mux.HandleFunc("POST /admin/trust", u.user(u.adminTrustAdd))
	mux.HandleFunc("POST /admin/trust/{id}/remove", u.user(u.adminTrustRemove))
	mux.HandleFunc("GET /admin/keys", u.user(u.adminKeys))
	mux.HandleFunc("POST /admin/keys", u.user(u.adminKeyAdd))
	mux.HandleFunc("POST /admin/keys/{id}/revoke", u.user(u.adminKeyRevoke))
	mux.HandleFunc("GET /admin/webhooks", u.user(u.adminWebhooks))
	mux.HandleFunc("GET /admin/jobs", u.user(u.adminJobs))
	mux.HandleFunc("POST /admin/jobs/{id}/{action}", u.user(u.adminJobAction))
	mux.HandleFunc("POST /admin/webhooks", u.user(u.adminWebhookCreate))
	mux.HandleFunc("GET /admin/webhooks/{id}", u.user(u.adminWebhook))
	mux.HandleFunc("POST /admin/webhooks/{id}/delete", u.user(u.adminWebhookDelete))
	mux.HandleFunc("GET /admin/users", u.user(u.users))
	mux.HandleFunc("POST /admin/users", u.user(u.userCreate))
	mux.HandleFunc("POST /admin/users/import", u.user(u.usersImportPreview))
	mux.HandleFunc("POST /admin/users/import/commit", u.user(u.usersImport))
	mux.HandleFunc("POST /admin/users/import/credentials", u.user(u.usersCredentials))
	mux.HandleFunc("GET /admin/users/{id}", u.user(u.userPage))
	mux.HandleFunc("POST /admin/users/{id}/{action}", u.user(u.userAction))
	mux.HandleFunc("GET /password", u.user(u.passwordPage))
	mux.HandleFunc("POST /password", u.user(u.passwordChange))
	mux.HandleFunc("GET /dashboard", u.user(u.dashboard))
	mux.HandleFunc("GET /reports", u.user(u.reports))
	mux.HandleFunc("GET /lienthong", u.user(u.lienThong))
	mux.HandleFunc("GET /axis/agencies", u.user(u.axisAgencies))
	// Anything else is a page that does not exist: say so in the user's language.
	mux.HandleFunc("/", u.notFound)
}

func (u *UI) notFound(w http.ResponseWriter, r *http.Request) {
	lang := language(w, r)
	s := &session{ui: u, ctx: r.Context(), Lang: lang, path: r.URL.Path}
	if p, ok := auth.FromContext(r.Context()); ok {
		if full, err := u.newSession(r, p, lang); err == nil {
			s = full
		}
	}
	u.fail(w, r, s, engine.ErrNotFound)
}

// staticHandler serves the embedded assets with the types browsers insist on for modules.
func staticHandler(root fs.FS) http.Handler {
	files := http.FileServerFS(root)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, ".mjs"), strings.HasSuffix(r.URL.Path, ".js"):
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case strings.HasSuffix(r.URL.Path, ".svg"):
			w.Header().Set("Content-Type", "image/svg+xml")
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

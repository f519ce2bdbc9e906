package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// page is what every template gets: the session (labels, names, the user) and the page's own data.
type page struct {
	*session
	Title string
	Flash string
	// Alert says why the form on the page was not done (the system is busy); what the
	// user typed is in the form again.
	Alert string
	Data  any
	Nav   []navItem
	Inbox int
	// InboxKnown: the count was read; without it the badge is left out rather than
	// showing 0.
	InboxKnown bool
	Live       bool
	Status     int
}

type navItem struct {
	Href, Label string
	Active      bool
}

var funcs = template.FuncMap{
	"add":  func(a, b int) int { return a + b },
	"pct":  func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"join": strings.Join,
	"list": func(v ...string) []string { return v },
	// dict passes several values to a partial template: dict "S" . "Docs" .Data.Docs.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}

// contentSecurityPolicy lets pages run only the embedded scripts: no inline script, no
// eval, nothing from elsewhere. pdf.js needs its worker and blob: URLs for fonts and images.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// render writes a page with the layout, navigation and inbox count.
func (u *UI) render(w http.ResponseWriter, r *http.Request, s *session, name, titleKey string, data any) {
	p := &page{session: s, Title: s.T(titleKey), Data: data, Live: u.liveInbox, Status: http.StatusOK}
	if t, ok := data.(interface{ PageTitle() string }); ok && t.PageTitle() != "" {
		p.Title = t.PageTitle()
	}
	p.Flash = takeFlash(w, r, s)
	u.withMenu(p)
	u.write(w, r, name, p)
}

// withMenu adds the menu and the inbox count of a signed-in user.
func (u *UI) withMenu(p *page) {
	if p.User.ID == "" {
		return
	}
	if p.User.MustChangePassword {
		// Until the temporary password is changed the API answers nothing else, the live
		// count included.
		p.Live = false
	}
	p.Nav = u.nav(p.session)
	if n, err := p.waiting(); err == nil {
		p.Inbox, p.InboxKnown = n, true
	}
}

// flashCookie carries the "done" banner of an action to the page the action redirects
// to, once: the page deletes it, so that going Back to that page shows no stale banner
// (pages are not cached), and the banner is not in a URL that Back or a bookmark returns to.
const flashCookie = "vanthu_flash"

// redirectDone goes to path after an action, with the banner done.<key> on the next page.
func redirectDone(w http.ResponseWriter, r *http.Request, path, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: key, Path: "/", MaxAge: 120, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// takeFlash reads and deletes the banner an action left for this page.
func takeFlash(w http.ResponseWriter, r *http.Request, s *session) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	if msg := translate(s.Lang, "done."+c.Value); !strings.HasPrefix(msg, "done.") {
		return msg
	}
	return ""
}

func (u *UI) write(w http.ResponseWriter, r *http.Request, name string, p *page) {
	var buf bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		u.deps.Logger.ErrorContext(r.Context(), "web: render", "page", name, "error", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(w, translate(p.Lang, "err.internal"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_, _ = buf.WriteTo(w)
}

// nav is the menu of the actor's role.
func (u *UI) nav(s *session) []navItem {
	items := []navItem{{Href: "/", Label: s.T("nav.inbox")}}
	add := func(href, key string) { items = append(items, navItem{Href: href, Label: s.T(key)}) }
	switch s.Actor.Role {
	case engine.RoleClerk:
		add("/incoming", "nav.incoming")
		add("/incoming/new", "nav.receive")
		add("/outgoing", "nav.outgoing")
		add("/records", "nav.records")
		add("/lienthong", "nav.axis")
	case engine.RoleLeader, engine.RoleDeputyLeader:
		add("/incoming", "nav.incoming")
		add("/outgoing", "nav.outgoing")
		add("/dashboard", "nav.dashboard")
		add("/lienthong", "nav.axis")
	case engine.RoleUnitHead, engine.RoleSpecialist:
		add("/tasks", "nav.tasks")
		add("/outgoing", "nav.drafts")
		add("/outgoing/new", "nav.newdraft")
		add("/records", "nav.records") // the records they keep themselves
	case engine.RoleArchivist:
		add("/records", "nav.records")
	case engine.RoleAdmin:
		add("/admin", "nav.admin")
		add("/admin/users", "nav.users")
		add("/dashboard", "nav.dashboard")
	}
	if readsReports(s.Actor.Role) {
		add("/reports", "nav.reports")
	}
	add("/search", "nav.search")
	for i := range items {
		items[i].Active = items[i].Href == s.path
	}
	return items
}

// userError is an error whose message key the user may read.
type userError struct {
	status int
	key    string
	detail string
}

func (e *userError) Error() string { return e.key }

func badInput(key string) error { return &userError{status: http.StatusUnprocessableEntity, key: key} }

// fail shows an error page in the user's language; causes the user cannot act on are
// logged, never shown. A form's error is shown on the form instead (formError).
func (u *UI) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	status, msg, detail := u.explain(w, r, s, err)
	p := &page{session: s, Title: s.T("err.title"), Status: status, Live: u.liveInbox,
		Data: map[string]any{"Message": msg, "Detail": detail, "Back": backLink(r)}}
	u.withMenu(p)
	u.write(w, r, "error", p)
}

// explain maps an error to the status and the words the user reads, and logs it: causes
// the user cannot act on are logged, never shown. An outage is 503 with Retry-After.
func (u *UI) explain(w http.ResponseWriter, r *http.Request, s *session, err error) (status int, msg, detail string) {
	status, key := http.StatusInternalServerError, "err.internal"
	var ue *userError
	var ve *engine.ValidationError
	var te *engine.TransitionError
	switch {
	case errors.As(err, &ue):
		status, key, detail = ue.status, ue.key, ue.detail
	case errors.As(err, &ve):
		status, key = http.StatusUnprocessableEntity, "err.invalid"
		detail = s.T("field."+ve.Field) + ": " + ve.Message
		if strings.HasPrefix(detail, "field.") {
			detail = ve.Error()
		}
	case errors.As(err, &te) && te.Reason == engine.ReasonWrongState:
		status, key = http.StatusConflict, "err.state"
	case errors.As(err, &te) && te.Reason == engine.ReasonDelegationExpired:
		status, key = http.StatusForbidden, "err.delegation"
	case errors.As(err, &te) && te.Reason == engine.ReasonNotAssigned:
		status, key = http.StatusForbidden, "err.notassigned"
	case errors.Is(err, engine.ErrNotFound), errors.Is(err, blob.ErrNotFound):
		status, key = http.StatusNotFound, "err.notfound"
	case errors.Is(err, engine.ErrForbidden):
		status, key = http.StatusForbidden, "err.forbidden"
	case errors.Is(err, engine.ErrConflict):
		status, key = http.StatusConflict, "err.conflict"
	case errors.Is(err, errNoMembership):
		status, key = http.StatusForbidden, "err.nomembership"
	case errors.Is(err, engine.ErrInvalid), errors.Is(err, blob.ErrBadKey):
		status, key = http.StatusUnprocessableEntity, "err.invalid"
	case unavailable(err):
		status, key = http.StatusServiceUnavailable, "err.busy"
		w.Header().Set("Retry-After", strconv.Itoa(int(httpx.RetryAfter.Seconds())))
	}
	switch {
	case status == http.StatusServiceUnavailable:
		u.deps.Logger.WarnContext(r.Context(), "web: unavailable", "path", r.URL.Path, "error", err)
	case status >= 500:
		u.deps.Logger.ErrorContext(r.Context(), "web: request failed", "path", r.URL.Path, "error", err)
	default:
		u.deps.Logger.InfoContext(r.Context(), "web: refused", "path", r.URL.Path, "status", status, "error", err)
	}
	return status, s.T(key), detail
}

// unavailable reports an outage of the database or the blob store: the user may send the
// same form again in a moment.
func unavailable(err error) bool {
	return errors.Is(err, engine.ErrUnavailable) || blob.IsUnavailable(err)
}

// formError renders a form page again with what was wrong above the form and what the
// user typed (in data) in it. After an outage the form keeps the same request id, so
// that sending it again is the same request: 503 with Retry-After.
func (u *UI) formError(w http.ResponseWriter, r *http.Request, s *session, name, titleKey string, data any, err error) {
	status, msg, detail := u.explain(w, r, s, err)
	p := &page{session: s, Title: s.T(titleKey), Data: data, Alert: strings.TrimSpace(msg + " " + detail), Status: status,
		Live: u.liveInbox}
	u.withMenu(p)
	u.write(w, r, name, p)
}

// backLink is where the error page's "back" goes: the page the form was on.
func backLink(r *http.Request) string {
	if r.Method == http.MethodPost {
		if ref, err := http.NewRequest(http.MethodGet, r.Referer(), nil); err == nil && ref.URL.Host == r.Host {
			return httpx.LocalPath(ref.URL.RequestURI())
		}
	}
	return "/"
}

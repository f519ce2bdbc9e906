package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// Cookies the UI keeps: the chosen language and the membership the user acts in.
const (
	langCookie     = "vanthu_lang"
	actingAsCookie = "vanthu_as"
)

// session is one request of a signed-in user: who they are, in which agency and role they
// act, and the page's language. Templates call its methods for labels and names.
type session struct {
	ui          *UI
	ctx         context.Context
	Lang        string
	User        engine.User
	Memberships []engine.Membership
	Actor       engine.Actor
	csrf        string
	path        string

	agencies map[string]engine.Agency
	units    map[string]engine.Unit
	users    map[string]engine.User
	// memberships are other users' roles, for naming where they acted.
	memberships map[string][]engine.Membership

	inboxRead  bool
	inboxCount int
	inboxErr   error
}

// inbox is the first page of what waits for the actor: what the home page lists.
func (s *session) inbox() ([]engine.Document, error) {
	p, err := s.ui.deps.Engine.InboxPage(s.ctx, s.Actor, "", engine.MaxPageSize)
	return p.Documents, err
}

// waiting counts what waits for the actor, once a request: every page's menu shows it.
func (s *session) waiting() (int, error) {
	if !s.inboxRead {
		s.inboxCount, s.inboxErr = s.ui.deps.Engine.InboxCount(s.ctx, s.Actor)
		s.inboxRead = true
	}
	return s.inboxCount, s.inboxErr
}

// user wraps a page for signed-in users: others go to the login page and come back.
func (u *UI) user(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := language(w, r)
		p, ok := auth.FromContext(r.Context())
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		s, err := u.newSession(r, p, lang)
		if err != nil {
			u.fail(w, r, &session{ui: u, ctx: r.Context(), Lang: lang}, err)
			return
		}
		if mustChangePassword(w, r, s) {
			return
		}
		h(w, r, s)
	}
}

var errNoMembership = errors.New("the account has no role in any agency")

func (u *UI) newSession(r *http.Request, p auth.Principal, lang string) (*session, error) {
	ctx := r.Context()
	s := &session{ui: u, ctx: ctx, Lang: lang, path: r.URL.Path}
	if u.deps.Auth != nil {
		s.csrf = u.deps.Auth.CSRFToken(r)
	}
	var err error
	if s.User, err = u.deps.Store.UserGetByID(ctx, p.UserID); err != nil {
		return nil, err
	}
	if s.Memberships, err = u.deps.Store.MembershipListByUser(ctx, p.UserID); err != nil {
		return nil, err
	}
	if len(s.Memberships) == 0 {
		return nil, errNoMembership
	}
	chosen := s.Memberships[0]
	if c, err := r.Cookie(actingAsCookie); err == nil {
		for _, m := range s.Memberships {
			if membershipKey(m) == c.Value {
				chosen = m
			}
		}
	}
	s.Actor = engine.Actor{UserID: s.User.ID, AgencyID: chosen.AgencyID, Role: chosen.Role}
	return s, nil
}

func membershipKey(m engine.Membership) string { return m.AgencyID + "|" + string(m.Role) }

// language picks the page's language: ?lang= (remembered in a cookie), the cookie, else Vietnamese.
func language(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "vi" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "vi" || c.Value == "en") {
		return c.Value
	}
	return "vi"
}

// setLang switches the language and goes back to the page the user was on.
func (u *UI) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if l != "vi" && l != "en" {
		l = "vi"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
	http.Redirect(w, r, httpx.LocalPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// setActingAs switches the agency and role the user acts in, among their own memberships.
func (u *UI) setActingAs(w http.ResponseWriter, r *http.Request, s *session) {
	want := r.FormValue("as")
	if !slices.ContainsFunc(s.Memberships, func(m engine.Membership) bool { return membershipKey(m) == want }) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: actingAsCookie, Value: want, Path: "/", SameSite: http.SameSiteLaxMode, HttpOnly: true,
		Secure: r.TLS != nil})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// T translates a message key.
func (s *session) T(key string) string { return translate(s.Lang, key) }

// CSRF is the token every form posts back.
func (s *session) CSRF() string { return s.csrf }

// Path is the request's path, for marking the current menu entry.
func (s *session) Path() string { return s.path }

// Is tells whether the actor acts in one of the roles.
func (s *session) Is(roles ...string) bool {
	return slices.Contains(roles, string(s.Actor.Role))
}

// AgencyName names an agency by id.
func (s *session) AgencyName(id string) string {
	if a, ok := s.agency(id); ok {
		return a.Name
	}
	return ""
}

func (s *session) agency(id string) (engine.Agency, bool) {
	if s.agencies == nil {
		s.agencies = map[string]engine.Agency{}
		if all, err := s.ui.deps.Store.AgencyList(s.ctx); err == nil {
			for _, a := range all {
				s.agencies[a.ID] = a
			}
		}
	}
	a, ok := s.agencies[id]
	return a, ok
}

// UnitName names a unit by id.
func (s *session) UnitName(id string) string {
	if id == "" {
		return ""
	}
	if s.units == nil {
		s.units = map[string]engine.Unit{}
	}
	if un, ok := s.units[id]; ok {
		return un.Name
	}
	un, err := s.ui.deps.Store.UnitGetByID(s.ctx, id)
	if err != nil {
		return ""
	}
	s.units[id] = un
	return un.Name
}

// UserName is a user's full name.
func (s *session) UserName(id string) string {
	if id == "" {
		return ""
	}
	if s.users == nil {
		s.users = map[string]engine.User{}
	}
	if us, ok := s.users[id]; ok {
		return us.FullName
	}
	us, err := s.ui.deps.Store.UserGetByID(s.ctx, id)
	if err != nil {
		return ""
	}
	s.users[id] = us
	return us.FullName
}

// ActingAs describes the current membership, e.g. "Văn thư — UBND tỉnh Hòa Bình".
func (s *session) ActingAs() string {
	return s.RoleName(string(s.Actor.Role)) + " — " + s.AgencyName(s.Actor.AgencyID)
}

// MembershipKey is the switcher's value of a membership.
func (s *session) MembershipKey(m engine.Membership) string { return membershipKey(m) }

// Current tells whether m is the membership the user acts in.
func (s *session) Current(m engine.Membership) bool {
	return m.AgencyID == s.Actor.AgencyID && m.Role == s.Actor.Role
}

// RoleName, StateName, UrgencyName, ClassName, TypeName translate codes.
func (s *session) RoleName(r string) string   { return s.T("role." + r) }
func (s *session) StateName(st string) string { return s.T("state." + st) }
func (s *session) UrgencyName(u string) string {
	if u == "" {
		return ""
	}
	return s.T("urgency." + u)
}
func (s *session) ClassName(c string) string {
	if c == "" {
		return ""
	}
	return s.T("class." + c)
}
func (s *session) TypeName(code string) string {
	// Type names are terms of art, kept in Vietnamese in both languages.
	if t, ok := engine.TypeByCode(code); ok {
		return t.Name
	}
	return code
}

// Date and DateTime print times in Vietnamese time, day first.
func (s *session) Date(t any) string { return formatTime(t, "02/01/2006") }
func (s *session) DateTime(t any) string {
	return formatTime(t, "02/01/2006 15:04")
}

// ISODate is the value of a date input.
func (s *session) ISODate(t any) string { return formatTime(t, "2006-01-02") }

var vietnam = time.FixedZone("ICT", 7*3600)

func formatTime(v any, layout string) string {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.In(vietnam).Format(layout)
	case *time.Time:
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(vietnam).Format(layout)
	}
	return ""
}

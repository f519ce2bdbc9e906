package web

import (
	"errors"
	"net/http"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
)

type loginData struct {
	Next, Username, Error string
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	lang := language(w, r)
	if _, ok := auth.FromContext(r.Context()); ok {
		http.Redirect(w, r, httpx.LocalPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	u.showLogin(w, r, lang, loginData{Next: httpx.LocalPath(r.URL.Query().Get("next"))}, http.StatusOK)
}

func (u *UI) showLogin(w http.ResponseWriter, r *http.Request, lang string, d loginData, status int) {
	s := &session{ui: u, ctx: r.Context(), Lang: lang, path: "/login"}
	if u.deps.Auth != nil {
		s.csrf = u.deps.Auth.CSRFToken(r)
	}
	u.write(w, r, "login", &page{session: s, Title: s.T("login.title"), Data: d, Status: status})
}

func (u *UI) loginSubmit(w http.ResponseWriter, r *http.Request) {
	lang := language(w, r)
	d := loginData{Next: httpx.LocalPath(r.FormValue("next")), Username: r.FormValue("username")}
	if u.deps.Auth == nil {
		d.Error = translate(lang, "login.unavailable")
		u.showLogin(w, r, lang, d, http.StatusServiceUnavailable)
		return
	}
	_, err := u.deps.Auth.Login(w, r, d.Username, r.FormValue("password"))
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &throttled):
		d.Error = translate(lang, "login.refused")
		u.showLogin(w, r, lang, d, http.StatusTooManyRequests)
		return
	case errors.Is(err, auth.ErrBadCredentials):
		d.Error = translate(lang, "login.bad")
		u.showLogin(w, r, lang, d, http.StatusUnauthorized)
		return
	case err != nil:
		u.deps.Logger.ErrorContext(r.Context(), "web: login failed", "error", err)
		d.Error = translate(lang, "err.internal")
		u.showLogin(w, r, lang, d, http.StatusInternalServerError)
		return
	}
	// A new login starts in the user's first membership.
	http.SetCookie(w, &http.Cookie{Name: actingAsCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if u.deps.Auth != nil {
		if err := u.deps.Auth.Logout(w, r); err != nil {
			u.deps.Logger.WarnContext(r.Context(), "web: logout", "error", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: actingAsCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

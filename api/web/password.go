package web

import (
	"errors"
	"net/http"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
)

// passwordPage is the form to choose one's own password; a user whose password is
// temporary sees nothing else until they have.
func (u *UI) passwordPage(w http.ResponseWriter, r *http.Request, s *session) {
	u.render(w, r, s, "password", "password.title", nil)
}

// passwordChange checks the current password (throttled as logins are), sets the new one
// and starts a new session: the change ends every session of the user.
func (u *UI) passwordChange(w http.ResponseWriter, r *http.Request, s *session) {
	current, next := r.FormValue("current"), r.FormValue("new")
	switch {
	case next != r.FormValue("confirm"):
		u.formError(w, r, s, "password", "password.title", nil, badInput("err.pwconfirm"))
		return
	case next == current:
		u.formError(w, r, s, "password", "password.title", nil, badInput("err.pwsame"))
		return
	case u.deps.Auth == nil:
		u.formError(w, r, s, "password", "password.title", nil, engine.ErrUnavailable)
		return
	}
	err := u.deps.Auth.ChangePassword(w, r, current, next)
	if errors.Is(err, auth.ErrBadCredentials) {
		err = &userError{status: http.StatusUnauthorized, key: "err.pwcurrent"}
	}
	if err != nil {
		u.formError(w, r, s, "password", "password.title", nil, err)
		return
	}
	redirectDone(w, r, "/", "password")
}

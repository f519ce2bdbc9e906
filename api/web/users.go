package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/vanthu/vanthu/engine"
)

// Users administration: an admin lists the people of an agency of their subtree, adds
// one, edits, deactivates, resets a password, grants and revokes roles. The engine checks
// every right; these pages only offer what an admin may try.

type usersView struct {
	Agencies []treeNode
	Agency   engine.Agency
	Units    []engine.Unit
	Query    string
	Page     engine.UserPage
	NextURL  string
}

type userView struct {
	User        engine.User
	Memberships []engine.Membership
	Agencies    []treeNode
	Units       []agencyUnits
	// TempPassword is shown once, right after it was made.
	TempPassword string
}

type agencyUnits struct {
	Agency engine.Agency
	Units  []engine.Unit
}

// users lists one page of an agency's people, searchable by username and full name.
func (u *UI) users(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	if s.Actor.Role != engine.RoleAdmin {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	agencies, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID)
	if err == nil && len(agencies) == 0 {
		err = engine.ErrNotFound
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := usersView{Agencies: tree(agencies, s.Actor.AgencyID), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	v.Agency = agencies[0]
	for _, a := range agencies {
		if a.ID == r.URL.Query().Get("agency") {
			v.Agency = a
		}
	}
	v.Page, err = u.deps.Engine.ListUsers(ctx, s.Actor, engine.UserFilter{AgencyID: v.Agency.ID, Query: v.Query,
		After: r.URL.Query().Get("after"), Limit: 50})
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	if v.Page.Next != "" {
		v.NextURL = "/admin/users?" + url.Values{"agency": {v.Agency.ID}, "q": {v.Query}, "after": {v.Page.Next}}.Encode()
	}
	if v.Units, err = u.deps.Store.UnitListByAgency(ctx, v.Agency.ID); err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "users", "users.title", v)
}

// userCreate adds a person with their first role and shows their temporary password once.
func (u *UI) userCreate(w http.ResponseWriter, r *http.Request, s *session) {
	nu := engine.User{Username: strings.ToLower(strings.TrimSpace(r.FormValue("username"))),
		FullName: strings.TrimSpace(r.FormValue("full_name")), Email: r.FormValue("email")}
	m := engine.Membership{AgencyID: r.FormValue("agency"), UnitID: r.FormValue("unit"), Role: engine.Role(r.FormValue("role")),
		Title: strings.TrimSpace(r.FormValue("title"))}
	created, temp, err := u.deps.Engine.CreateStaff(r.Context(), s.Actor, nu, m)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.showUser(w, r, s, created.ID, temp, "user_created")
}

// userPage shows a person: their details, roles everywhere and what an admin may do.
func (u *UI) userPage(w http.ResponseWriter, r *http.Request, s *session) {
	u.showUser(w, r, s, r.PathValue("id"), "", "")
}

func (u *UI) showUser(w http.ResponseWriter, r *http.Request, s *session, id, temp, done string) {
	ctx := r.Context()
	usr, ms, err := u.deps.Engine.GetUser(ctx, s.Actor, id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	agencies, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := userView{User: usr, Memberships: ms, Agencies: tree(agencies, s.Actor.AgencyID), TempPassword: temp}
	for _, n := range v.Agencies {
		units, err := u.deps.Store.UnitListByAgency(ctx, n.Agency.ID)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		if len(units) > 0 {
			v.Units = append(v.Units, agencyUnits{Agency: n.Agency, Units: units})
		}
	}
	p := &page{session: s, Title: s.T("user.title"), Data: v, Live: u.liveInbox, Status: http.StatusOK}
	if done != "" {
		p.Flash = s.T("done." + done)
	} else {
		p.Flash = takeFlash(w, r, s)
	}
	u.withMenu(p)
	u.write(w, r, "user", p)
}

// userAction changes a person: update, disable, enable, reset, grant, revoke.
func (u *UI) userAction(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	membership := func() engine.Membership {
		return engine.Membership{UserID: id, AgencyID: r.FormValue("agency"), UnitID: r.FormValue("unit"),
			Role: engine.Role(r.FormValue("role")), Title: strings.TrimSpace(r.FormValue("title"))}
	}
	var err error
	action := r.PathValue("action")
	switch action {
	case "update":
		err = u.deps.Engine.UpdateUser(ctx, s.Actor, id, r.FormValue("full_name"), r.FormValue("email"))
	case "disable", "enable":
		err = u.deps.Engine.SetUserDisabled(ctx, s.Actor, id, action == "disable")
	case "reset":
		temp, err := u.deps.Engine.ResetPassword(ctx, s.Actor, id)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		u.showUser(w, r, s, id, temp, "user_reset")
		return
	case "grant":
		err = u.deps.Engine.GrantRole(ctx, s.Actor, membership())
	case "revoke":
		err = u.deps.Engine.RevokeRole(ctx, s.Actor, membership())
	default:
		err = engine.ErrNotFound
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin/users/"+url.PathEscape(id), "user_"+action)
}

// mustChangePassword sends a user whose password is temporary to the change form, from
// every page but that form.
func mustChangePassword(w http.ResponseWriter, r *http.Request, s *session) bool {
	if !s.User.MustChangePassword || r.URL.Path == "/password" {
		return false
	}
	http.Redirect(w, r, "/password", http.StatusSeeOther)
	return true
}

// Roles are the roles a form offers, in the UI's order.
func (s *session) Roles() []engine.Role { return engine.Roles }

package web

import (
	"bufio"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/calendar"
)

type treeNode struct {
	Agency engine.Agency
	Depth  int
}

type memberRow struct {
	User engine.User
	M    engine.Membership
}

type adminView struct {
	Tree      []treeNode
	Members   []memberRow
	Year      int
	Holidays  []calendar.Holiday
	Keys      []keyRow
	Colleague []memberRow
}

// keyRow is a signing key of the agency or of one of its people.
type keyRow struct {
	Owner string
	Key   engine.SigningKey
}

// admin shows the agencies tree, the agency's users and roles, the holiday calendar,
// signing delegations (for the head) and the keyring's certificates.
func (u *UI) admin(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	if s.Actor.Role != engine.RoleAdmin && s.Actor.Role != engine.RoleLeader {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	v := adminView{Year: time.Now().In(vietnam).Year()}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y > 1945 && y < 10000 {
		v.Year = y
	}
	agencies, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v.Tree = tree(agencies, s.Actor.AgencyID)
	ms, err := u.deps.Store.MembershipListByAgency(ctx, s.Actor.AgencyID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	for _, m := range ms {
		if us, err := u.deps.Store.UserGetByID(ctx, m.UserID); err == nil {
			v.Members = append(v.Members, memberRow{User: us, M: m})
			if us.ID != s.Actor.UserID {
				v.Colleague = append(v.Colleague, memberRow{User: us, M: m})
			}
		}
	}
	if cal, err := u.deps.Engine.CalendarFor(ctx, s.Actor.AgencyID); err == nil {
		for _, h := range cal.Config().Holidays {
			if h.Date.Year == v.Year {
				v.Holidays = append(v.Holidays, h)
			}
		}
	}
	v.Keys = u.keys(ctx, s, v.Members)
	u.render(w, r, s, "admin", "admin.title", v)
}

// tree orders agencies depth first under root, each under its parent, for an indented list.
func tree(agencies []engine.Agency, root string) []treeNode {
	children := map[string][]engine.Agency{}
	byID := map[string]engine.Agency{}
	for _, a := range agencies {
		children[a.ParentID] = append(children[a.ParentID], a)
		byID[a.ID] = a
	}
	var out []treeNode
	var walk func(a engine.Agency, depth int)
	walk = func(a engine.Agency, depth int) {
		out = append(out, treeNode{Agency: a, Depth: depth})
		for _, c := range children[a.ID] {
			walk(c, depth+1)
		}
	}
	if a, ok := byID[root]; ok {
		walk(a, 0)
	}
	return out
}

// keys lists the signing keys of the agency (its seal) and of its people, newest first.
func (u *UI) keys(ctx context.Context, s *session, members []memberRow) []keyRow {
	var out []keyRow
	add := func(kind, id, owner string) {
		ks, err := u.deps.Store.SigningKeyListByOwner(ctx, kind, id)
		if err != nil {
			return
		}
		for _, k := range ks {
			out = append(out, keyRow{Owner: owner, Key: k})
		}
	}
	add(engine.KeyOwnerAgency, s.Actor.AgencyID, s.AgencyName(s.Actor.AgencyID))
	seen := map[string]bool{}
	for _, m := range members {
		if !seen[m.User.ID] {
			seen[m.User.ID] = true
			add(engine.KeyOwnerUser, m.User.ID, m.User.FullName)
		}
	}
	return out
}

// adminCalendar replaces a year's holidays: one "YYYY-MM-DD Name" per line.
func (u *UI) adminCalendar(w http.ResponseWriter, r *http.Request, s *session) {
	year, err := strconv.Atoi(r.FormValue("year"))
	if err != nil {
		u.fail(w, r, s, badInput("err.year"))
		return
	}
	var y engine.CalendarYear
	sc := bufio.NewScanner(strings.NewReader(r.FormValue("holidays")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		day, name, _ := strings.Cut(line, " ")
		t, err := time.Parse("2006-01-02", day)
		if err != nil {
			u.fail(w, r, s, &userError{status: http.StatusUnprocessableEntity, key: "err.date", detail: line})
			return
		}
		y.Holidays = append(y.Holidays, calendar.Holiday{Date: calendar.NewDate(t.Year(), t.Month(), t.Day()), Name: strings.TrimSpace(name)})
	}
	if err := u.deps.Engine.SetCalendarYear(r.Context(), s.Actor, year, y); err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin?year="+strconv.Itoa(year), "calendar")
}

// adminDelegate lets the head authorise a colleague to sign (TUQ., TL., KT.) until a date.
func (u *UI) adminDelegate(w http.ResponseWriter, r *http.Request, s *session) {
	until, err := time.ParseInLocation("2006-01-02", r.FormValue("until"), vietnam)
	if err != nil {
		u.fail(w, r, s, badInput("err.date"))
		return
	}
	var types []string
	for _, t := range strings.Split(r.FormValue("types"), ",") {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	form := engine.SigningForm(r.FormValue("form"))
	if _, err := u.deps.Engine.Delegate(r.Context(), s.Actor, r.FormValue("to"), form, types, until.Add(24*time.Hour-time.Second)); err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin", "delegation")
}

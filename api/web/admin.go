package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	Months    []calendarMonth
	Weekdays  []string
	Keys      []keyRow
	Colleague []memberRow
	DayName   string // what the admin typed for a day off, shown again when it was refused
	// Delegations are a page of the agency's signing delegations, for its head and admins.
	Delegations     []delegationRow
	DelegationTotal int
	DelegationsNext string
}

// delegationRow is a delegation with its people named and its status: "active",
// "revoked" or "expired".
type delegationRow struct {
	D        engine.Delegation
	From, To string
	Status   string
}

// keyRow is a signing key of the agency or of one of its people.
type keyRow struct {
	Owner string
	Key   engine.SigningKey
}

// admin shows the agencies tree, the agency's users and roles, the holiday calendar,
// signing delegations (for the head) and the keyring's certificates.
func (u *UI) admin(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := u.adminView(r, s)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "admin", "admin.title", v)
}

func (u *UI) adminView(r *http.Request, s *session) (adminView, error) {
	ctx := r.Context()
	if s.Actor.Role != engine.RoleAdmin && s.Actor.Role != engine.RoleLeader {
		return adminView{}, engine.ErrForbidden
	}
	v := adminView{Year: time.Now().In(vietnam).Year()}
	year := r.URL.Query().Get("year")
	if r.Method == http.MethodPost {
		year = r.FormValue("year")
	}
	if y, err := strconv.Atoi(year); err == nil && y > 1945 && y < 10000 {
		v.Year = y
	}
	agencies, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID)
	if err != nil {
		return adminView{}, err
	}
	v.Tree = tree(agencies, s.Actor.AgencyID)
	ms, err := u.deps.Store.MembershipListByAgency(ctx, s.Actor.AgencyID)
	if err != nil {
		return adminView{}, err
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
		v.Holidays = yearOf(cal.Config(), v.Year).Holidays
		v.Months = monthGrid(cal, v.Year, s.Lang)
	}
	v.Weekdays = weekdayNames[s.Lang == "en"]
	v.Keys = u.keys(ctx, s, v.Members)
	if err := u.delegations(r, s, &v); err != nil {
		return adminView{}, err
	}
	return v, nil
}

// delegations adds a page of the agency's delegations to the view.
func (u *UI) delegations(r *http.Request, s *session, v *adminView) error {
	page, err := u.deps.Engine.ListDelegations(r.Context(), s.Actor, r.URL.Query().Get("dafter"), 20)
	if err != nil {
		return err
	}
	v.DelegationTotal = page.Total
	if page.Next != "" {
		v.DelegationsNext = "/admin?" + url.Values{"year": {strconv.Itoa(v.Year)}, "dafter": {page.Next}}.Encode() + "#delegations"
	}
	now := time.Now()
	for _, d := range page.Delegations {
		row := delegationRow{D: d, From: s.UserName(d.FromUser), To: s.UserName(d.ToUser), Status: "active"}
		switch {
		case d.RevokedAt != nil:
			row.Status = "revoked"
		case !now.Before(d.ValidTo):
			row.Status = "expired"
		}
		v.Delegations = append(v.Delegations, row)
	}
	return nil
}

// adminDelegationRevoke ends a delegation before its date.
func (u *UI) adminDelegationRevoke(w http.ResponseWriter, r *http.Request, s *session) {
	if err := u.deps.Engine.RevokeDelegation(r.Context(), s.Actor, r.PathValue("id")); err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin#delegations", "delegation_revoked")
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

// calendarMonth is one month of the holiday calendar, in weeks from Monday.
type calendarMonth struct {
	Month time.Month
	Weeks [][]calendarDay
}

// calendarDay is one cell: Class is "pad" (outside the month), "weekend", "holiday" (a
// day off, with its Name), "workday" (a weekend day worked instead of a bridge day) or "".
type calendarDay struct {
	Date     calendar.Date
	Class    string
	Name     string
	Computed bool // estimated by rule (a lunar date): to be confirmed
}

// weekdayNames head the grid's columns, Monday first as Vietnamese calendars are.
var weekdayNames = map[bool][]string{
	false: {"T2", "T3", "T4", "T5", "T6", "T7", "CN"},
	true:  {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"},
}

// monthGrid lays a year of the calendar out as twelve months of weeks.
func monthGrid(cal *calendar.Calendar, year int, lang string) []calendarMonth {
	workdays := map[calendar.Date]string{}
	for _, sw := range cal.Config().Swaps {
		workdays[sw.WorkDay] = sw.Name
	}
	months := make([]calendarMonth, 0, 12)
	for m := time.January; m <= time.December; m++ {
		first := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
		week := make([]calendarDay, (int(first.Weekday())+6)%7) // Monday first
		for i := range week {
			week[i].Class = "pad"
		}
		cm := calendarMonth{Month: m}
		for d := first; d.Month() == m; d = d.AddDate(0, 0, 1) {
			day := calendarDay{Date: calendar.NewDate(year, m, d.Day())}
			if h, ok := cal.HolidayOn(day.Date); ok {
				day.Class, day.Name, day.Computed = "holiday", h.Name, h.Computed
			} else if name, ok := workdays[day.Date]; ok {
				day.Class, day.Name = "workday", name
			} else if !cal.IsWorkingDay(day.Date) {
				day.Class = "weekend"
			}
			week = append(week, day)
			if len(week) == 7 {
				cm.Weeks, week = append(cm.Weeks, week), nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, calendarDay{Class: "pad"})
			}
			cm.Weeks = append(cm.Weeks, week)
		}
		months = append(months, cm)
	}
	return months
}

// yearOf is one year of a calendar's configuration, as SetCalendarYear takes it.
func yearOf(cfg calendar.Config, year int) engine.CalendarYear {
	var y engine.CalendarYear
	for _, h := range cfg.Holidays {
		if h.Date.Year == year {
			y.Holidays = append(y.Holidays, h)
		}
	}
	for _, h := range cfg.ProvinceDaysOff {
		if h.Date.Year == year {
			y.ProvinceDaysOff = append(y.ProvinceDaysOff, h)
		}
	}
	for _, sw := range cfg.Swaps {
		if sw.DayOff.Year == year {
			y.Swaps = append(y.Swaps, sw)
		}
	}
	return y
}

// adminCalendarDay toggles one day of the month grid: a day off (a holiday, a province's
// day off, either day of a swap) becomes an ordinary day again; a working day becomes a
// holiday with the name typed above the grid.
func (u *UI) adminCalendarDay(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	day, err := calendar.ParseDate(r.FormValue("date"))
	if err == nil {
		var cal *calendar.Calendar
		if cal, err = u.deps.Engine.CalendarFor(ctx, s.Actor.AgencyID); err == nil {
			err = u.toggleDay(ctx, s, cal, day, strings.TrimSpace(r.FormValue("name")))
		}
	} else {
		err = badInput("err.date")
	}
	if err == nil {
		redirectDone(w, r, "/admin?year="+strconv.Itoa(day.Year)+"#calendar", "calendar")
		return
	}
	if errors.Is(err, engine.ErrForbidden) {
		u.fail(w, r, s, err)
		return
	}
	v, verr := u.adminView(r, s)
	if verr != nil {
		u.fail(w, r, s, verr)
		return
	}
	v.DayName = r.FormValue("name")
	u.formError(w, r, s, "admin", "admin.title", v, err)
}

func (u *UI) toggleDay(ctx context.Context, s *session, cal *calendar.Calendar, day calendar.Date, name string) error {
	y := yearOf(cal.Config(), day.Year)
	isDay := func(h calendar.Holiday) bool { return h.Date == day }
	n := len(y.Holidays) + len(y.ProvinceDaysOff) + len(y.Swaps)
	y.Holidays = slices.DeleteFunc(y.Holidays, isDay)
	y.ProvinceDaysOff = slices.DeleteFunc(y.ProvinceDaysOff, isDay)
	y.Swaps = slices.DeleteFunc(y.Swaps, func(sw calendar.Swap) bool { return sw.DayOff == day || sw.WorkDay == day })
	if len(y.Holidays)+len(y.ProvinceDaysOff)+len(y.Swaps) == n {
		switch {
		case !cal.IsWorkingDay(day):
			return badInput("calendar.err.weekend")
		case name == "":
			return badInput("calendar.err.name")
		}
		y.Holidays = append(y.Holidays, calendar.Holiday{Date: day, Name: name})
	}
	return u.deps.Engine.SetCalendarYear(ctx, s.Actor, day.Year, y)
}

// CivilDate writes a calendar date the Vietnamese way, dd/mm/yyyy.
func (s *session) CivilDate(d calendar.Date) string {
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

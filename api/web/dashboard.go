package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/vanthu/vanthu/engine"
)

type dashboardView struct {
	InOut, Signatures      template.HTML
	AgencyRates, UnitRates template.HTML
	OnlineShare            float64
	Incoming, Outgoing     int
	Total                  engine.OnTime
	Overdue                []overdueItem
	HasAgencies, HasUnits  bool
}

type overdueItem struct {
	A   engine.Assignment
	Doc engine.Document
}

// dashboard draws the agency's figures: documents in and out per month, the share handled
// fully online (no paper scan anywhere), on-time rates per agency below and per unit,
// signatures per month and what is overdue.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	if !slices.Contains([]engine.Role{engine.RoleLeader, engine.RoleDeputyLeader, engine.RoleAdmin, engine.RoleClerk}, s.Actor.Role) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	act, err := u.deps.Engine.Activity(ctx, s.Actor.AgencyID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := activityView(s, act)
	total, perUnit, overdue, err := u.deps.Engine.Deadlines(ctx, s.Actor.AgencyID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v.Total = total
	v.UnitRates, v.HasUnits = unitRates(s, perUnit)
	v.AgencyRates, v.HasAgencies = u.agencyRates(ctx, s, total)
	if v.Overdue, err = u.overdueItems(ctx, overdue); err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "dashboard", "dash.title", v)
}

// activityView draws the documents counted over the twelve months.
func activityView(s *session, act engine.Activity) dashboardView {
	var v dashboardView
	labels := make([]string, 0, len(act.Months))
	for i, m := range act.Months {
		labels = append(labels, m.Format("01/06"))
		v.Incoming += act.Incoming[i]
		v.Outgoing += act.Outgoing[i]
	}
	if act.Handled > 0 {
		v.OnlineShare = float64(act.Online) / float64(act.Handled)
	}
	v.InOut = barChart(s.T("dash.inout"), labels, []series{{Name: s.T("dash.in"), Values: act.Incoming[:], Class: "s1"},
		{Name: s.T("dash.out"), Values: act.Outgoing[:], Class: "s2"}})
	v.Signatures = barChart(s.T("dash.signatures"), labels, []series{{Name: s.T("dash.signatures"), Values: act.Signatures[:], Class: "s3"}})
	return v
}

func unitRates(s *session, perUnit map[string]engine.OnTime) (template.HTML, bool) {
	var rows []rateRow
	for unitID, ot := range perUnit {
		name := s.UnitName(unitID)
		if name == "" {
			name = s.T("dash.persons")
		}
		rows = append(rows, rateRow{Label: name, Rate: ot.Rate(), Note: rateNote(ot)})
	}
	slices.SortFunc(rows, func(a, b rateRow) int { return strings.Compare(a.Label, b.Label) })
	return rateChart(s.T("dash.units"), rows), len(rows) > 0
}

// agencyRates charts the on-time rates of the agency and those below it that have work;
// own is the agency's, counted already.
func (u *UI) agencyRates(ctx context.Context, s *session, own engine.OnTime) (template.HTML, bool) {
	below, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID)
	if err != nil || len(below) < 2 {
		return "", false
	}
	var rows []rateRow
	for _, a := range below {
		ot := own
		if a.ID != s.Actor.AgencyID {
			if ot, _, _, err = u.deps.Engine.Deadlines(ctx, a.ID); err != nil {
				continue
			}
		}
		if ot.Done+ot.DoneLate+ot.OnTrack+ot.DueSoon+ot.Overdue == 0 {
			continue
		}
		rows = append(rows, rateRow{Label: a.Name, Rate: ot.Rate(), Note: rateNote(ot)})
	}
	return rateChart(s.T("dash.agencies"), rows), len(rows) > 0
}

// overdueItems pairs the overdue assignments with their documents, read in one batch.
func (u *UI) overdueItems(ctx context.Context, overdue []engine.Assignment) ([]overdueItem, error) {
	docs, err := u.documentsByID(ctx, overdue)
	if err != nil {
		return nil, err
	}
	var out []overdueItem
	for _, a := range overdue {
		if d, ok := docs[a.DocumentID]; ok {
			out = append(out, overdueItem{A: a, Doc: d})
		}
	}
	return out, nil
}

// documentsByID reads the documents of the assignments in one batch.
func (u *UI) documentsByID(ctx context.Context, as []engine.Assignment) (map[string]engine.Document, error) {
	seen := map[string]bool{}
	var ids []string
	for _, a := range as {
		if !seen[a.DocumentID] {
			seen[a.DocumentID] = true
			ids = append(ids, a.DocumentID)
		}
	}
	docs, err := u.deps.Store.DocumentListByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]engine.Document, len(docs))
	for _, d := range docs {
		out[d.ID] = d
	}
	return out, nil
}

func rateNote(o engine.OnTime) string {
	if o.Done+o.DoneLate == 0 {
		return fmt.Sprintf("– (%d)", o.OnTrack+o.DueSoon+o.Overdue)
	}
	return fmt.Sprintf("%.0f%% (%d)", o.Rate()*100, o.Done+o.DoneLate)
}

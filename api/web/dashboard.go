package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

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
	now := time.Now().In(vietnam)
	var labels []string
	var months []time.Time
	for i := 11; i >= 0; i-- {
		m := time.Date(now.Year(), now.Month()-time.Month(i), 1, 0, 0, 0, 0, vietnam)
		months = append(months, m)
		labels = append(labels, m.Format("01/06"))
	}
	slot := func(t *time.Time) int {
		if t == nil {
			return -1
		}
		tt := t.In(vietnam)
		for i, m := range months {
			if tt.Year() == m.Year() && tt.Month() == m.Month() {
				return i
			}
		}
		return -1
	}
	in, out, sigs := make([]int, 12), make([]int, 12), make([]int, 12)
	var v dashboardView
	online, total := 0, 0
	byID := map[string]engine.Document{} // the overdue list below names documents read here
	for _, year := range []int{now.Year() - 1, now.Year()} {
		docs, err := u.deps.Store.DocumentList(ctx, engine.DocumentFilter{AgencyID: s.Actor.AgencyID, Year: year, Limit: 100000})
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		for _, d := range docs {
			byID[d.ID] = d
			// One query per document: the store has no listing of an agency's files yet.
			files, err := u.deps.Store.FileListByDocument(ctx, d.ID)
			if err != nil {
				u.fail(w, r, s, err)
				return
			}
			if d.Flow == engine.Incoming {
				if i := slot(d.ReceivedAt); i >= 0 {
					in[i]++
					v.Incoming++
				}
			} else if i := slot(d.IssuedAt); i >= 0 {
				out[i]++
				v.Outgoing++
			}
			for _, f := range files {
				if f.Kind == "signed" && f.CreatedBy != "" { // signed here, not a received copy
					if i := slot(&f.CreatedAt); i >= 0 {
						sigs[i]++
					}
				}
			}
			if d.Flow == engine.Outgoing && d.Number == 0 {
				continue // a draft is not handled yet
			}
			total++
			if !slices.ContainsFunc(files, func(f engine.File) bool { return f.Kind == "scan" }) {
				online++
			}
		}
	}
	if total > 0 {
		v.OnlineShare = float64(online) / float64(total)
	}
	v.InOut = barChart(s.T("dash.inout"), labels, []series{{Name: s.T("dash.in"), Values: in, Class: "s1"}, {Name: s.T("dash.out"), Values: out, Class: "s2"}})
	v.Signatures = barChart(s.T("dash.signatures"), labels, []series{{Name: s.T("dash.signatures"), Values: sigs, Class: "s3"}})

	totalOT, perUnit, overdue, err := u.deps.Engine.Deadlines(ctx, s.Actor.AgencyID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v.Total = totalOT
	var unitRows []rateRow
	for unitID, ot := range perUnit {
		name := s.UnitName(unitID)
		if name == "" {
			name = s.T("dash.persons")
		}
		unitRows = append(unitRows, rateRow{Label: name, Rate: ot.Rate(), Note: rateNote(ot)})
	}
	slices.SortFunc(unitRows, func(a, b rateRow) int { return strings.Compare(a.Label, b.Label) })
	v.UnitRates, v.HasUnits = rateChart(s.T("dash.units"), unitRows), len(unitRows) > 0
	if below, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID); err == nil && len(below) > 1 {
		var rows []rateRow
		for _, a := range below {
			ot := totalOT // the agency itself was counted above
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
		v.AgencyRates, v.HasAgencies = rateChart(s.T("dash.agencies"), rows), len(rows) > 0
	}
	for _, a := range overdue {
		d, ok := byID[a.DocumentID]
		if !ok { // not among the documents read above
			if d, err = u.deps.Store.DocumentGetByID(ctx, a.DocumentID); err != nil {
				continue
			}
		}
		v.Overdue = append(v.Overdue, overdueItem{A: a, Doc: d})
	}
	u.render(w, r, s, "dashboard", "dash.title", v)
}

func rateNote(o engine.OnTime) string {
	if o.Done+o.DoneLate == 0 {
		return fmt.Sprintf("– (%d)", o.OnTrack+o.DueSoon+o.Overdue)
	}
	return fmt.Sprintf("%.0f%% (%d)", o.Rate()*100, o.Done+o.DoneLate)
}

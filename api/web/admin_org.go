package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// The organisation screen (issue 16): an administrator sees the agencies they administer
// with their codes, tiers and units, adds units and child agencies, and records a merger
// (succession). The engine decides who may do each; the page only hides what the actor
// cannot use. The list is the subtree query the overview uses: a province has at most a
// few thousand agencies, so it is not paged.

type orgView struct {
	Agencies []orgAgency
	CanEdit  bool
	Tiers    []engine.Tier
	Form     string            // the form refused ("unit", "agency", "succession"), shown again
	Values   map[string]string // what was typed in it
	Confirm  *orgSuccession    // a succession waiting for the admin's confirmation
}

// orgAgency is one agency of the tree with its units.
type orgAgency struct {
	engine.Agency
	Depth     int
	Parent    string
	Successor string
	Units     []engine.Unit
}

// orgSuccession names the two agencies of a succession about to be recorded.
type orgSuccession struct {
	Predecessor, Successor engine.Agency
}

// Open tells whether the agency has not ended; only open agencies take units, children
// and successions.
func (a orgAgency) Open() bool { return a.ValidTo == nil }

// adminOrg shows the agencies tree with the forms to change it.
func (u *UI) adminOrg(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := u.orgView(r, s)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "admin_org", "org.title", v)
}

func (u *UI) orgView(r *http.Request, s *session) (orgView, error) {
	if s.Actor.Role != engine.RoleAdmin && s.Actor.Role != engine.RoleLeader {
		return orgView{}, engine.ErrForbidden
	}
	ctx := r.Context()
	agencies, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID)
	if err != nil {
		return orgView{}, err
	}
	names := make(map[string]string, len(agencies))
	for _, a := range agencies {
		names[a.ID] = a.Name
	}
	v := orgView{CanEdit: s.Actor.Role == engine.RoleAdmin, Tiers: []engine.Tier{engine.TierProvince, engine.TierDistrict, engine.TierCommune},
		Values: map[string]string{}}
	for _, n := range tree(agencies, s.Actor.AgencyID) {
		units, err := u.deps.Store.UnitListByAgency(ctx, n.Agency.ID)
		if err != nil {
			return orgView{}, err
		}
		row := orgAgency{Agency: n.Agency, Depth: n.Depth, Parent: names[n.Agency.ParentID], Units: units}
		if row.SuccessorID != "" {
			row.Successor = s.AgencyName(row.SuccessorID)
		}
		v.Agencies = append(v.Agencies, row)
	}
	return v, nil
}

// adminOrgUnit adds a unit (phòng ban) to an agency.
func (u *UI) adminOrgUnit(w http.ResponseWriter, r *http.Request, s *session) {
	_, err := u.deps.Engine.CreateUnit(r.Context(), s.Actor, engine.Unit{AgencyID: r.FormValue("agency_id"),
		Name: strings.TrimSpace(r.FormValue("name")), ShortName: strings.TrimSpace(r.FormValue("short_name"))})
	if err != nil {
		u.orgFormError(w, r, s, "unit", err)
		return
	}
	redirectDone(w, r, "/admin/org", "org_unit")
}

// adminOrgAgency adds an agency under one the admin administers.
func (u *UI) adminOrgAgency(w http.ResponseWriter, r *http.Request, s *session) {
	parent := r.FormValue("parent_id")
	if parent == "" {
		// Only the system creates a root; an empty parent is a form left unchosen.
		u.orgFormError(w, r, s, "agency", badInput("org.err.parent_id"))
		return
	}
	_, err := u.deps.Engine.CreateAgency(r.Context(), s.Actor, engine.Agency{ParentID: parent,
		Code: strings.TrimSpace(r.FormValue("code")), Code102: strings.TrimSpace(r.FormValue("code102")),
		Name: strings.TrimSpace(r.FormValue("name")), ShortName: strings.TrimSpace(r.FormValue("short_name")),
		Tier: engine.Tier(r.FormValue("tier"))})
	if err != nil {
		u.orgFormError(w, r, s, "agency", err)
		return
	}
	redirectDone(w, r, "/admin/org", "org_agency")
}

// adminOrgSuccession records that an agency ended and its successor took over. It cannot
// be undone, so the first post shows what will happen and only a confirmed one acts.
func (u *UI) adminOrgSuccession(w http.ResponseWriter, r *http.Request, s *session) {
	pred, succ := r.FormValue("predecessor_id"), r.FormValue("successor_id")
	var err error
	switch {
	case s.Actor.Role != engine.RoleAdmin:
		err = engine.ErrForbidden
	case pred == "":
		err = badInput("org.err.predecessor_id")
	case succ == "":
		err = badInput("org.err.successor_id")
	case pred == succ:
		err = badInput("org.err.self")
	}
	if err == nil && r.FormValue("confirm") != "yes" {
		v, verr := u.orgView(r, s)
		if verr != nil {
			u.fail(w, r, s, verr)
			return
		}
		c := &orgSuccession{}
		for _, a := range v.Agencies {
			switch a.ID {
			case pred:
				c.Predecessor = a.Agency
			case succ:
				c.Successor = a.Agency
			}
		}
		if c.Predecessor.ID == "" || c.Successor.ID == "" {
			u.fail(w, r, s, engine.ErrNotFound)
			return
		}
		v.Confirm = c
		u.render(w, r, s, "admin_org", "org.title", v)
		return
	}
	if err == nil {
		_, err = u.deps.Engine.Succeed(r.Context(), s.Actor, pred, succ, time.Now())
	}
	if err != nil {
		u.orgFormError(w, r, s, "succession", err)
		return
	}
	redirectDone(w, r, "/admin/org", "org_succession")
}

// orgFormError shows the refused form again with what was typed and, for a field the
// engine refused, that field named; refusals of permission get the error page.
func (u *UI) orgFormError(w http.ResponseWriter, r *http.Request, s *session, form string, err error) {
	if errors.Is(err, engine.ErrForbidden) {
		u.fail(w, r, s, err)
		return
	}
	v, verr := u.orgView(r, s)
	if verr != nil {
		u.fail(w, r, s, verr)
		return
	}
	v.Form = form
	for _, k := range []string{"agency_id", "parent_id", "name", "short_name", "code", "code102", "tier", "predecessor_id", "successor_id"} {
		v.Values[k] = r.FormValue(k)
	}
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		if key := "org.err." + ve.Field; translate(s.Lang, key) != key {
			err = &userError{status: http.StatusUnprocessableEntity, key: key, detail: strings.TrimSpace(r.FormValue(ve.Field))}
		}
	} else if errors.Is(err, engine.ErrConflict) && form != "succession" {
		err = &userError{status: http.StatusConflict, key: "org.err.duplicate"}
	}
	u.formError(w, r, s, "admin_org", "org.title", v, err)
}

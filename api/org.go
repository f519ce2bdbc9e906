package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// listAgencies is GET /api/v1/agencies: the agencies tree, parents before children.
func (s *Server) listAgencies(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	as, err := s.deps.Engine.Agencies(r.Context(), a)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(as, agencyOut))
}

type agencyInput struct {
	Code      string `json:"code"`
	Code102   string `json:"code102"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Tier      string `json:"tier"`
	ParentID  string `json:"parent_id"`
}

// createAgency is POST /api/v1/agencies, for an admin of the parent agency.
func (s *Server) createAgency(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in agencyInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	ag, err := s.deps.Engine.CreateAgency(r.Context(), a, engine.Agency{Code: in.Code, Code102: in.Code102, Name: in.Name,
		ShortName: in.ShortName, Tier: engine.Tier(in.Tier), ParentID: in.ParentID})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, agencyOut(ag))
}

// listUnits is GET /api/v1/agencies/{id}/units.
func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	us, err := s.deps.Engine.Units(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(us, unitOut))
}

type unitInput struct {
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
}

// createUnit is POST /api/v1/agencies/{id}/units.
func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in unitInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	u, err := s.deps.Engine.CreateUnit(r.Context(), a, engine.Unit{AgencyID: r.PathValue("id"), Name: in.Name, ShortName: in.ShortName})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, unitOut(u))
}

type userInput struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

type userJSON struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Email    string `json:"email,omitempty"`
}

// createUser is POST /api/v1/users, for an admin.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in userInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	u, err := s.deps.Engine.CreateUser(r.Context(), a, engine.User{Username: in.Username, FullName: in.FullName, Email: in.Email}, in.Password)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, userJSON{ID: u.ID, Username: u.Username, FullName: u.FullName, Email: u.Email})
}

type grantInput struct {
	UserID   string `json:"user_id"`
	AgencyID string `json:"agency_id"`
	UnitID   string `json:"unit_id"`
	Role     string `json:"role"`
	Title    string `json:"title"`
}

// grant is POST /api/v1/grants: give a user a role in an agency (or one of its units).
func (s *Server) grant(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in grantInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	err := s.deps.Engine.Grant(r.Context(), a, engine.Membership{UserID: in.UserID, AgencyID: in.AgencyID, UnitID: in.UnitID,
		Role: engine.Role(in.Role), Title: in.Title})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// setCalendarYear is PUT /api/v1/calendar/{year}: the province's holidays and swapped
// working days for a year, for its admin.
func (s *Server) setCalendarYear(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		httpx.BadRequest(w, "year", "năm là số / the year is a number")
		return
	}
	var in engine.CalendarYear
	if !httpx.Decode(w, r, &in) {
		return
	}
	if err := s.deps.Engine.SetCalendarYear(r.Context(), a, year, in); err != nil {
		s.engineError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type delegationInput struct {
	ToUser    string    `json:"to_user"`
	Form      string    `json:"form"` // TL, TUQ, Q…
	TypeCodes []string  `json:"type_codes"`
	ValidTo   time.Time `json:"valid_to"`
}

// delegate is POST /api/v1/delegations: the head lets someone sign for them.
func (s *Server) delegate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in delegationInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	d, err := s.deps.Engine.Delegate(r.Context(), a, in.ToUser, engine.SigningForm(in.Form), in.TypeCodes, in.ValidTo)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, idOnly{ID: d.ID})
}

type distributionInput struct {
	Name    string   `json:"name"`
	Members []string `json:"members"` // agency ids
}

// saveDistributionList is POST /api/v1/distribution-lists: a named list of recipients.
func (s *Server) saveDistributionList(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in distributionInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	l, err := s.deps.Engine.SaveDistributionList(r.Context(), a, in.Name, in.Members)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, idOnly{ID: l.ID})
}

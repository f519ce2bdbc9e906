package api

import (
	"errors"
	"net/http"
	"slices"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
)

// Headers naming whom an API request acts as, when the user has several memberships.
const (
	headerAgency = "Vanthu-Agency"
	headerRole   = "Vanthu-Role"
)

// ActingError says why a request has no actor; Status and Kind make its problem.
type ActingError struct {
	Status int
	Kind   string
	Detail string
}

func (e *ActingError) Error() string { return e.Detail }

// ActorFrom resolves who a request acts as: the authenticated user, in the agency and
// role named by the Vanthu-Agency (code or id) and Vanthu-Role headers, or in their only
// membership when the headers are absent. It checks the membership exists; what that
// role may do is the engine's business.
func (s *Server) ActorFrom(r *http.Request) (engine.Actor, error) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		return engine.Actor{}, &ActingError{Status: http.StatusUnauthorized, Kind: kindUnauthenticated,
			Detail: "đăng nhập hoặc gửi API token / log in or send an API token"}
	}
	ms, err := s.deps.Store.MembershipListByUser(r.Context(), p.UserID)
	if err != nil {
		return engine.Actor{}, err
	}
	agency, role := r.Header.Get(headerAgency), engine.Role(r.Header.Get(headerRole))
	agencyID := ""
	if agency != "" {
		agencyID = s.agencyID(r, agency)
	}
	var found []engine.Actor
	for _, m := range ms {
		if (agency == "" || m.AgencyID == agencyID) && (role == "" || m.Role == role) {
			a := engine.Actor{UserID: p.UserID, AgencyID: m.AgencyID, Role: m.Role}
			if !slices.Contains(found, a) {
				found = append(found, a)
			}
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0 && (agency != "" || role != ""):
		return engine.Actor{}, &ActingError{Status: http.StatusForbidden, Kind: kindForbidden,
			Detail: "bạn không giữ vai trò này tại cơ quan này / you hold no such role in that agency"}
	case len(found) == 0:
		return engine.Actor{}, &ActingError{Status: http.StatusForbidden, Kind: kindForbidden,
			Detail: "tài khoản chưa được giao vai trò nào / the account has no role in any agency"}
	}
	return engine.Actor{}, &ActingError{Status: http.StatusBadRequest, Kind: kindActingAsRequired,
		Detail: "chọn cơ quan và vai trò bằng header Vanthu-Agency và Vanthu-Role / name the agency and role with the Vanthu-Agency and Vanthu-Role headers"}
}

// agencyID resolves an agency code or id; an unknown one resolves to itself and then
// matches no membership.
func (s *Server) agencyID(r *http.Request, codeOrID string) string {
	if a, err := s.deps.Store.AgencyGetByCode(r.Context(), codeOrID); err == nil {
		return a.ID
	}
	return codeOrID
}

// actor is ActorFrom for a handler: on failure it writes the problem and reports false.
func (s *Server) actor(w http.ResponseWriter, r *http.Request) (engine.Actor, bool) {
	a, err := s.ActorFrom(r)
	var ae *ActingError
	switch {
	case errors.As(err, &ae):
		writeProblem(w, ae.Status, ae.Kind, http.StatusText(ae.Status), ae.Detail)
		return a, false
	case err != nil:
		s.internalError(w, r, err)
		return a, false
	}
	return a, true
}

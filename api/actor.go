package api

import (
	"context"
	"net/http"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// actor resolves whom the request acts as (see httpx.Actor); on failure it writes the
// problem and reports false.
func (s *Server) actor(w http.ResponseWriter, r *http.Request) (engine.Actor, bool) {
	p, ok := auth.RequireUser(w, r)
	if !ok {
		return engine.Actor{}, false
	}
	return httpx.Actor(w, r, s.deps.Logger, readMemberships{s.deps.Store, p}, p.UserID)
}

// readMemberships answers the acting-as lookup with the memberships read together with
// the session, as they stood when this request began, and asks the store otherwise.
type readMemberships struct {
	httpx.Memberships
	principal auth.Principal
}

func (m readMemberships) MembershipListByUser(ctx context.Context, userID string) ([]engine.Membership, error) {
	if m.principal.Memberships != nil && userID == m.principal.UserID {
		return m.principal.Memberships, nil
	}
	return m.Memberships.MembershipListByUser(ctx, userID)
}

package api

import (
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
	return httpx.Actor(w, r, s.deps.Logger, s.deps.Store, p.UserID)
}

package events

import (
	"net/http"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// actor resolves whom an API request acts as, the way the rest of the API does (see
// httpx.Actor); on failure it writes the problem and reports false.
func (s *Service) actor(w http.ResponseWriter, r *http.Request) (engine.Actor, bool) {
	p, ok := auth.RequireUser(w, r)
	if !ok {
		return engine.Actor{}, false
	}
	return httpx.Actor(w, r, s.cfg.Logger, s.cfg.Store, p.UserID)
}

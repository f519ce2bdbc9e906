package api

import (
	"net/http"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// search is GET /api/v1/search?q=: what the actor may see, insensitive to diacritics.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	limit, ok := intParam(w, r.URL.Query(), "limit")
	if !ok {
		return
	}
	if limit == 0 || limit > engine.MaxPageSize {
		limit = 50
	}
	docs, err := s.deps.Engine.Search(r.Context(), a, r.URL.Query().Get("q"), limit)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(docs, documentOut))
}

type auditReportJSON struct {
	Events   int64          `json:"events"`
	Intact   bool           `json:"intact"`
	Problems []chainProblem `json:"problems"`
}

type chainProblem struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// verifyAudit is GET /api/v1/audit/verify: is my agency's audit chain whole?
func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	problems, n, err := s.deps.Engine.AuditReport(r.Context(), a)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, auditReportJSON{Events: n, Intact: len(problems) == 0,
		Problems: mapSlice(problems, func(p engine.ChainProblem) chainProblem { return chainProblem{p.Seq, p.Reason} })})
}

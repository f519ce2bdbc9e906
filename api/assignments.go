package api

import (
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
)

// listNotes is GET /api/v1/assignments/{id}/notes.
func (s *Server) listNotes(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	notes, err := s.deps.Engine.AssignmentNotes(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(notes, noteOut))
}

type progressInput struct {
	Text string `json:"text"`
}

// reportProgress is POST /api/v1/assignments/{id}/notes: a progress note.
func (s *Server) reportProgress(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in progressInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	if err := s.deps.Engine.ReportProgress(r.Context(), a, r.PathValue("id"), in.Text); err != nil {
		s.engineError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type subAssignInput struct {
	UserID      string     `json:"user_id"`
	Deadline    *time.Time `json:"deadline"`
	WorkingDays int        `json:"working_days"`
	Note        string     `json:"note"`
}

// subAssign is POST /api/v1/assignments/{id}/sub-assignments: a unit head hands the
// unit's task to one of its specialists.
func (s *Server) subAssign(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in subAssignInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	as, err := s.deps.Engine.AssignWithin(r.Context(), a, r.PathValue("id"), in.UserID, in.Deadline, in.WorkingDays, in.Note)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, assignmentOut(as))
}

type extensionInput struct {
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
}

// requestExtension is POST /api/v1/assignments/{id}/extension-requests.
func (s *Server) requestExtension(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in extensionInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	n, err := s.deps.Engine.RequestExtension(r.Context(), a, r.PathValue("id"), in.Until, in.Reason)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, noteOut(n))
}

type decisionInput struct {
	Grant   bool   `json:"grant"`
	Comment string `json:"comment"`
}

// decideExtension is POST /api/v1/extension-requests/{id}/decision: the leader grants or
// refuses more time.
func (s *Server) decideExtension(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in decisionInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	if err := s.deps.Engine.DecideExtension(r.Context(), a, r.PathValue("id"), in.Grant, in.Comment); err != nil {
		s.engineError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

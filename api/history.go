package api

import (
	"net/http"

	"github.com/vanthu/vanthu/api/web"
)

// historyPDF is GET /api/v1/documents/{id}/history.pdf: the document's timeline from its
// audit trail as a PDF, in Vietnamese, newest first, as the document page's link gives it.
func (s *Server) historyPDF(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	pdf, name, err := s.ui.HistoryPDF(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	web.WritePDF(w, pdf, name)
}

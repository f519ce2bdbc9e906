package api

import (
	"net/http"

	"github.com/vanthu/vanthu/api/web"
	"golang.org/x/text/language"
)

// historyPDF is GET /api/v1/documents/{id}/history.pdf: the document's timeline from its
// audit trail as a PDF, newest first, as the document page's link gives it. It is in
// Vietnamese unless ?lang=en or an Accept-Language preferring English asks otherwise.
func (s *Server) historyPDF(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	pdf, name, err := s.ui.HistoryPDF(r.Context(), a, historyLanguage(r), r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	w.Header().Add("Vary", "Accept-Language")
	web.WritePDF(w, pdf, name)
}

// historyLanguages are the history PDF's languages, the default first.
var historyLanguages = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

// historyLanguage is "en" when ?lang=en, or, without a ?lang= naming a language, when
// Accept-Language prefers English to Vietnamese; otherwise "vi".
func historyLanguage(r *http.Request) string {
	tag, _ := language.MatchStrings(historyLanguages, r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
	if base, _ := tag.Base(); base.String() == "en" {
		return "en"
	}
	return "vi"
}

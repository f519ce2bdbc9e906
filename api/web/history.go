package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/docpdf"
)

// historyPDF is GET /documents/{id}/history.pdf: the document's timeline as a PDF, for
// whoever may read the document, in the language of the pages.
func (u *UI) historyPDF(w http.ResponseWriter, r *http.Request, s *session) {
	pdf, name, err := u.HistoryPDF(r.Context(), s.Actor, s.Lang, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	WritePDF(w, pdf, name)
}

// WritePDF sends a PDF made for this request, to be shown in the browser or saved under name.
func WritePDF(w http.ResponseWriter, pdf []byte, name string) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("inline", name))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(pdf)
}

// HistoryPDF lays out a document's timeline from its audit trail for the actor, in lang
// ("en" for English, anything else Vietnamese), newest first: when, who, in which role and
// agency, what, with the note. The actor must be allowed to read the document
// (engine.History decides); the name is the file's, e.g. "lich-su-05-QD-UBND.pdf".
func (u *UI) HistoryPDF(ctx context.Context, actor engine.Actor, lang, docID string) ([]byte, string, error) {
	if lang != "en" {
		lang = "vi"
	}
	s := &session{ui: u, ctx: ctx, Lang: lang, Actor: actor}
	d, err := u.deps.Engine.Document(ctx, actor, docID)
	if err != nil {
		return nil, "", err
	}
	items, err := u.history(ctx, s, d)
	if err != nil {
		return nil, "", err
	}
	reg := docpdf.Register{Agency: strings.ToUpper(s.AgencyName(d.AgencyID)), Title: s.T("histpdf.title"),
		Subtitle: documentLine(s, d) + " — " + s.T("histpdf.printed") + " " + formatTime(time.Now(), "15:04 02/01/2006"),
		Columns: []docpdf.Column{{Title: s.T("histpdf.at"), Width: 1.3}, {Title: s.T("histpdf.who"), Width: 1.6},
			{Title: s.T("histpdf.role"), Width: 1.1}, {Title: s.T("histpdf.agency"), Width: 1.8},
			{Title: s.T("histpdf.what"), Width: 2}, {Title: s.T("histpdf.note"), Width: 2.6}}}
	for _, it := range items {
		what := it.What
		if it.State != "" {
			what += " → " + it.State
		}
		note := it.Note
		if it.About != "" {
			note = strings.TrimSpace(s.T("histpdf.about") + " " + it.About + ". " + note)
		}
		reg.Rows = append(reg.Rows, []string{formatTime(it.At, "15:04 02/01/2006"), it.Who, it.Role, it.Agency, what, note})
	}
	pdf, err := docpdf.RenderRegister(reg)
	if err != nil {
		return nil, "", err
	}
	return pdf, s.T("histpdf.file") + "-" + cmpOr(strings.ReplaceAll(d.Notation, "/", "-"), d.ID) + ".pdf", nil
}

// historyPDFMessages are the words of the history PDF, added to the catalogue beside the
// code that prints them; the main catalogue's entry wins.
var historyPDFMessages = map[string][2]string{
	"histpdf.title":   {"LỊCH SỬ XỬ LÝ VĂN BẢN", "DOCUMENT PROCESSING HISTORY"},
	"histpdf.printed": {"in lúc", "printed at"},
	"histpdf.at":      {"Thời gian", "Time"},
	"histpdf.who":     {"Người thực hiện", "By"},
	"histpdf.role":    {"Vai trò", "Role"},
	"histpdf.agency":  {"Cơ quan", "Agency"},
	"histpdf.what":    {"Nội dung", "Action"},
	"histpdf.note":    {"Ghi chú", "Note"},
	"histpdf.about":   {"Về:", "About:"},
	"histpdf.number":  {"số", "no."},
	"histpdf.file":    {"lich-su", "history"},
}

func init() {
	for k, v := range historyPDFMessages {
		if _, dup := messages[k]; !dup {
			messages[k] = v
		}
	}
}

// documentLine names a document in a heading: its type, number and summary.
func documentLine(s *session, d engine.Document) string {
	parts := []string{s.TypeName(d.TypeCode)}
	if d.Notation != "" {
		parts = append(parts, s.T("histpdf.number")+" "+d.Notation)
	}
	return strings.Join(parts, " ") + ": " + d.Subject
}

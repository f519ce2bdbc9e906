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
// whoever may read the document.
func (u *UI) historyPDF(w http.ResponseWriter, r *http.Request, s *session) {
	pdf, name, err := u.HistoryPDF(r.Context(), s.Actor, r.PathValue("id"))
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

// HistoryPDF lays out a document's timeline from its audit trail for the actor, in
// Vietnamese, newest first: when, who, in which role and agency, what, with the note. The
// actor must be allowed to read the document (engine.History decides); the name is the
// file's, e.g. "lich-su-05-QD-UBND.pdf".
func (u *UI) HistoryPDF(ctx context.Context, actor engine.Actor, docID string) ([]byte, string, error) {
	s := &session{ui: u, ctx: ctx, Lang: "vi", Actor: actor}
	d, err := u.deps.Engine.Document(ctx, actor, docID)
	if err != nil {
		return nil, "", err
	}
	items, err := u.history(ctx, s, d)
	if err != nil {
		return nil, "", err
	}
	reg := docpdf.Register{Agency: strings.ToUpper(s.AgencyName(d.AgencyID)), Title: "LỊCH SỬ XỬ LÝ VĂN BẢN",
		Subtitle: documentLine(s, d) + " — in lúc " + formatTime(time.Now(), "15:04 02/01/2006"),
		Columns: []docpdf.Column{{Title: "Thời gian", Width: 1.3}, {Title: "Người thực hiện", Width: 1.6}, {Title: "Vai trò", Width: 1.1},
			{Title: "Cơ quan", Width: 1.8}, {Title: "Nội dung", Width: 2}, {Title: "Ghi chú", Width: 2.6}}}
	for _, it := range items {
		what := it.What
		if it.State != "" {
			what += " → " + it.State
		}
		note := it.Note
		if it.About != "" {
			note = strings.TrimSpace("Về: " + it.About + ". " + note)
		}
		reg.Rows = append(reg.Rows, []string{formatTime(it.At, "15:04 02/01/2006"), it.Who, it.Role, it.Agency, what, note})
	}
	pdf, err := docpdf.RenderRegister(reg)
	if err != nil {
		return nil, "", err
	}
	return pdf, "lich-su-" + cmpOr(strings.ReplaceAll(d.Notation, "/", "-"), d.ID) + ".pdf", nil
}

// documentLine names a document in a heading: its type, number and summary.
func documentLine(s *session, d engine.Document) string {
	parts := []string{s.TypeName(d.TypeCode)}
	if d.Notation != "" {
		parts = append(parts, "số "+d.Notation)
	}
	return strings.Join(parts, " ") + ": " + d.Subject
}

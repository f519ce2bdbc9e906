package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/vanthu/vanthu/engine"
)

// filing is the document page's part for records: the records holding the document,
// or, while it may be filed, the open records to pick from (search-as-you-type).
type filing struct {
	In     []engine.Record
	Query  string
	Open   []engine.Record
	Failed bool // the records could not be read (an outage)
}

// fillFiling reads the records of the document; a document in a record is not offered
// filing again. It runs before the page decides whether it has actions.
func (u *UI) fillFiling(r *http.Request, s *session, v *docView) {
	ctx := r.Context()
	in, err := u.deps.Engine.RecordsOfDocument(ctx, s.Actor, v.Doc.ID)
	if err != nil {
		u.deps.Logger.WarnContext(ctx, "web: records of document", "document", v.Doc.ID, "error", err)
		v.Filing.Failed = true
	}
	v.Filing.In = in
	if len(in) > 0 {
		delete(v.Can, string(engine.ActionFile))
	}
	if !v.Can[string(engine.ActionFile)] {
		return
	}
	v.Filing.Query = strings.TrimSpace(r.URL.Query().Get("record_q"))
	if v.Filing.Open, err = u.openRecords(r, s, v.Filing.Query); err != nil {
		u.deps.Logger.WarnContext(ctx, "web: open records", "error", err)
		v.Filing.Failed = true
	}
}

// fileFromDocument is the document page's "Lưu, lập hồ sơ": into the record picked, or
// into a record opened from the form's code and title; then the handling is closed.
func (u *UI) fileFromDocument(ctx context.Context, s *session, docID string, f map[string]string) error {
	recordID := f["record"]
	if recordID == "" && strings.TrimSpace(f["new_code"]) != "" {
		spec, err := recordSpecInput(s, map[string]string{"code": f["new_code"], "title": f["new_title"], "retention": f["new_retention"]})
		if err != nil {
			return err
		}
		rec, err := u.deps.Engine.OpenRecord(ctx, s.Actor, thisYear(), spec)
		if err != nil {
			return err
		}
		recordID = rec.ID
	}
	if recordID == "" {
		return &userError{status: http.StatusUnprocessableEntity, key: "records.err.record"}
	}
	return u.fileInto(ctx, s, recordID, docID)
}

package sqlstore

import (
	"context"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qRegisterListSummaries = sqlFor("RegisterListSummaries")
	qRegisterListHeld      = sqlFor("RegisterListHeld")
	qDocumentListStuck     = sqlFor("DocumentListStuck")
	qBlobReferenceList     = sqlFor("BlobReferenceList")
)

func (q queries) RegisterListSummaries(ctx context.Context) ([]engine.RegisterSummary, error) {
	return list(ctx, q, "register list summaries", qRegisterListSummaries, func(r Row) (engine.RegisterSummary, error) {
		var s engine.RegisterSummary
		err := r.Scan(&s.AgencyID, &s.Year, &s.Kind, &s.Series, &s.LastNumber, &s.Held, &s.Distinct, &s.Min, &s.Max)
		return s, err
	})
}

func (q queries) RegisterListHeld(ctx context.Context, k engine.RegisterKey) ([]int, error) {
	return list(ctx, q, "register list held", qRegisterListHeld, func(r Row) (int, error) {
		var n int
		return n, r.Scan(&n)
	}, k.AgencyID, k.Year, string(k.Kind), k.Series)
}

func (q queries) DocumentListStuck(ctx context.Context, before time.Time, limit int) ([]engine.StuckDocument, error) {
	return list(ctx, q, "document list stuck", qDocumentListStuck, func(r Row) (engine.StuckDocument, error) {
		var d engine.StuckDocument
		err := r.Scan(&d.ID, &d.AgencyID, &d.State, &d.Notation, &d.UpdatedAt, &d.DraftFiles)
		d.UpdatedAt = utc(d.UpdatedAt)
		return d, err
	}, before.UTC(), limit)
}

func (q queries) BlobReferenceList(ctx context.Context, afterKey string, limit int) ([]engine.BlobReference, error) {
	return list(ctx, q, "blob reference list", qBlobReferenceList, func(r Row) (engine.BlobReference, error) {
		var b engine.BlobReference
		return b, r.Scan(&b.Key, &b.Holder)
	}, afterKey, limit)
}

package sqlstore

import (
	"context"

	"github.com/vanthu/vanthu/engine"
)

var (
	qSearchEntryUpsert = sqlFor("SearchEntryUpsert")
	qSearchStale       = sqlFor("SearchStale")
	qSearchQuery       = sqlFor("SearchQuery")
)

func (q queries) SearchEntryUpsert(ctx context.Context, e *engine.SearchEntry) error {
	_, err := q.exec(ctx, "search entry upsert", qSearchEntryUpsert, e.DocumentID, e.AgencyID, string(e.Classification),
		e.TypeCode, e.Notation, e.Signer, e.Body, utcPtr(e.Date), e.UpdatedAt.UTC())
	return err
}

func (q queries) SearchStale(ctx context.Context, limit int) ([]string, error) {
	return list(ctx, q, "search stale", qSearchStale, func(r Row) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, limit)
}

func (q queries) SearchQuery(ctx context.Context, p engine.SearchParams) ([]string, error) {
	classified := 0
	if p.Classified {
		classified = 1
	}
	args := []any{p.AgencyID}
	for _, w := range p.Include {
		args = append(args, w)
	}
	for _, w := range p.Exclude {
		args = append(args, w)
	}
	args = append(args, p.TypeCode, p.Notation, p.Signer, p.From.UTC(), p.To.UTC(), classified, p.Limit)
	return list(ctx, q, "search", qSearchQuery, func(r Row) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, args...)
}

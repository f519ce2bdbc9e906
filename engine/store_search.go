package engine

import "context"

// SearchQueries are the store operations of the search index.
type SearchQueries interface {
	SearchEntryUpsert(ctx context.Context, e *SearchEntry) error
	// SearchStale lists documents changed since they were indexed, oldest change first.
	SearchStale(ctx context.Context, limit int) ([]string, error)
	// SearchQuery returns the ids of the documents matching p, newest first (by date, then
	// by id descending).
	SearchQuery(ctx context.Context, p SearchParams) ([]string, error)
	// SearchRecordCodes lists the distinct codes of an agency's records (hồ sơ), of every year.
	SearchRecordCodes(ctx context.Context, agencyID string) ([]string, error)
}

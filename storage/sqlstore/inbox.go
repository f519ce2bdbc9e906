package sqlstore

import (
	"context"
	"fmt"

	"github.com/vanthu/vanthu/engine"
)

var (
	qInboxPage           = sqlFor("InboxPage")
	qInboxPageAssigned   = sqlFor("InboxPageAssigned")
	qInboxPageReviewing  = sqlFor("InboxPageReviewing")
	qInboxPageDrafted    = sqlFor("InboxPageDrafted")
	qInboxCount          = sqlFor("InboxCount")
	qInboxCountAssigned  = sqlFor("InboxCountAssigned")
	qInboxCountReviewing = sqlFor("InboxCountReviewing")
	qInboxCountDrafted   = sqlFor("InboxCountDrafted")
)

// nilUUID sorts before every id.
const nilUUID = "00000000-0000-0000-0000-000000000000"

func (q queries) InboxPage(ctx context.Context, f engine.InboxFilter) ([]engine.Document, error) {
	if f.AgencyID == "" || f.Flow == "" || f.State == "" {
		return nil, fmt.Errorf("inbox page: %w: agency, flow and state are required", engine.ErrInvalid)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	// Among the documents at the cursor's very (place, updated_at), those of an earlier
	// flow were all shown, those of a later flow all still come.
	place, tie := f.After.Place, f.After.ID
	switch {
	case f.After.ID == "":
		place, tie = -1, maxUUID
	case f.Flow < f.After.Flow:
		tie = nilUUID
	case f.Flow > f.After.Flow:
		tie = maxUUID
	}
	args := []any{f.AgencyID, string(f.Flow), string(f.State), place, f.After.UpdatedAt.UTC(), tie, limit}
	query := qInboxPage
	switch f.Claim {
	case engine.ClaimAssigned:
		query, args = qInboxPageAssigned, append(args, f.UserID, string(f.Role))
	case engine.ClaimReviewing:
		query, args = qInboxPageReviewing, append(args, f.UserID)
	case engine.ClaimDrafted:
		query, args = qInboxPageDrafted, append(args, f.UserID)
	}
	return list(ctx, q, "inbox page", query, scanDocument, args...)
}

func (q queries) InboxCount(ctx context.Context, f engine.InboxFilter) (int, error) {
	args := []any{f.AgencyID, string(f.Flow), string(f.State)}
	query := qInboxCount
	switch f.Claim {
	case engine.ClaimAssigned:
		query, args = qInboxCountAssigned, append(args, f.UserID, string(f.Role))
	case engine.ClaimReviewing:
		query, args = qInboxCountReviewing, append(args, f.UserID)
	case engine.ClaimDrafted:
		query, args = qInboxCountDrafted, append(args, f.UserID)
	}
	var n int
	err := q.get(ctx, "inbox count", query, func(r Row) error { return r.Scan(&n) }, args...)
	return n, err
}

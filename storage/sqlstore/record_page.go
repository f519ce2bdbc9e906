package sqlstore

import (
	"context"
	"strings"

	"github.com/vanthu/vanthu/engine"
)

var (
	qRecordPage      = sqlFor("RecordPage")
	qRecordEventPage = sqlFor("RecordEventPage")
	qAppraisalPage   = sqlFor("AppraisalPage")
)

func (q queries) RecordPage(ctx context.Context, f engine.RecordFilter) ([]engine.Record, error) {
	lower, typed := "", ""
	if t := strings.TrimSpace(f.Text); t != "" {
		lower, typed = "%"+likeEscape(strings.ToLower(t))+"%", "%"+likeEscape(t)+"%"
	}
	return list(ctx, q, "record page", qRecordPage, scanRecord, f.CustodianID, f.Year, string(f.State), f.OwnerID,
		lower, f.Limit, f.Offset, typed)
}

func (q queries) RecordEventPage(ctx context.Context, agencyID, recordID string, offset, limit int) ([]engine.Event, error) {
	return list(ctx, q, "record event page", qRecordEventPage, scanEvent, agencyID, recordID, recordID, limit, offset)
}

func (q queries) AppraisalPage(ctx context.Context, agencyID string, offset, limit int) ([]engine.Appraisal, error) {
	return list(ctx, q, "appraisal page", qAppraisalPage, func(r Row) (engine.Appraisal, error) {
		var a engine.Appraisal
		var state string
		var by *string
		err := r.Scan(&a.ID, &a.AgencyID, &a.Title, &state, &a.ProposedBy, &a.ProposedAt, &by, &a.DecidedAt,
			&a.DecisionNotation, &a.Reason, &a.Version)
		a.State, a.DecidedBy, a.ProposedAt, a.DecidedAt = engine.AppraisalState(state), deref(by), utc(a.ProposedAt), utcPtr(a.DecidedAt)
		return a, err
	}, agencyID, limit, offset)
}

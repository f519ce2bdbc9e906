package engine

import "context"

// RecordPageQueries are the store operations of the records workspace: each list one
// page at a time from the database.
type RecordPageQueries interface {
	// RecordPage lists one page of the records an agency holds, newest year first and by
	// code within a year.
	RecordPage(ctx context.Context, f RecordFilter) ([]Record, error)
	// RecordEventPage lists one page of an agency's audit events about a record or the
	// documents filed in it, newest first.
	RecordEventPage(ctx context.Context, agencyID, recordID string, offset, limit int) ([]Event, error)
	// AppraisalPage lists one page of an agency's appraisals for destruction, newest first.
	AppraisalPage(ctx context.Context, agencyID string, offset, limit int) ([]Appraisal, error)
}

// RecordFilter picks records for RecordPage.
type RecordFilter struct {
	CustodianID string
	Year        int         // 0: every year
	State       RecordState // "": every state
	OwnerID     string      // "": whoever owns it
	// Text matches the code or the title, ignoring case (on SQLite, ASCII case only, or
	// the title as typed); "" matches all.
	Text          string
	Offset, Limit int
}

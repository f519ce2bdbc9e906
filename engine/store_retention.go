package engine

import (
	"context"
	"time"
)

// RetentionQueries are the store operations of retention: appraisal, disposal, agency succession, certified copies.
type RetentionQueries interface {
	// RetentionRuleUpsert stores one line of an agency's retention schedule.
	RetentionRuleUpsert(ctx context.Context, r *RetentionRule) error
	// RetentionRuleList lists an agency's own schedule lines by category.
	RetentionRuleList(ctx context.Context, agencyID string) ([]RetentionRule, error)

	// RecordListByCustodian lists the records an agency holds now, its own and those it
	// took over from predecessors, by fonds, year and code.
	RecordListByCustodian(ctx context.Context, custodianID string) ([]Record, error)
	// RecordListDisposalDue lists the records an agency holds whose fixed retention ended
	// before the given time, in the agency archive and without a legal hold: earliest end
	// first, at most limit of them after the first offset.
	RecordListDisposalDue(ctx context.Context, custodianID string, before time.Time, offset, limit int) ([]Record, error)
	// RecordIDsByDocument lists the records a document is filed in.
	RecordIDsByDocument(ctx context.Context, documentID string) ([]string, error)
	// FileListByBlobKey lists every document file stored under a blob key (blobs are
	// content-addressed, so two documents may share one).
	FileListByBlobKey(ctx context.Context, key string) ([]File, error)
	// BlobKeyListReferenced returns which of keys the database points at: a document's
	// file, a record's archival package (its manifest), a signing key or its image, a
	// certified copy (kept under CopyBlobPrefix). Blobs it leaves out may be collected.
	BlobKeyListReferenced(ctx context.Context, keys []string) ([]string, error)

	AppraisalInsert(ctx context.Context, a *Appraisal) error
	// AppraisalUpdate writes a if the stored version is still prevVersion; ErrConflict otherwise.
	AppraisalUpdate(ctx context.Context, a *Appraisal, prevVersion int) error
	// AppraisalGetByID reads an appraisal with its records.
	AppraisalGetByID(ctx context.Context, id string) (Appraisal, error)
	DestructionInsert(ctx context.Context, d *Destruction) error
	DestructionListByAppraisal(ctx context.Context, appraisalID string) ([]Destruction, error)

	// DocumentMoveAgency hands a document over to another agency (a successor) with its
	// people replaced, if the stored version is still prevVersion; ErrConflict otherwise.
	DocumentMoveAgency(ctx context.Context, d *Document, prevVersion int) error
	// AssignmentReassign moves an assignment to another unit and person.
	AssignmentReassign(ctx context.Context, a *Assignment) error
}

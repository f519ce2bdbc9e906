package engine

import "context"

// ArchiveQueries are the store operations of archival packages: import, renewal, fixity runs.
type ArchiveQueries interface {
	ArchiveImportInsert(ctx context.Context, imp *ArchiveImport) error
	// ArchiveImportGetByIdentifier finds the import of a bag's record into an agency.
	ArchiveImportGetByIdentifier(ctx context.Context, agencyID, identifier string) (ArchiveImport, error)
	// ArchiveImportGetByRecord finds the import a record came from; ErrNotFound for a
	// record made here.
	ArchiveImportGetByRecord(ctx context.Context, recordID string) (ArchiveImport, error)
	// ArchiveImportEventInsert keeps one of the source's audit events, as it was.
	ArchiveImportEventInsert(ctx context.Context, importID string, e *Event) error
	// ArchiveImportEventList returns an import's source events in their sequence.
	ArchiveImportEventList(ctx context.Context, importID string) ([]Event, error)
	// ArchiveAuditListByRecord returns the events of an agency's chain about a record or
	// the documents filed in it, in sequence: the audit trail of the record's package.
	ArchiveAuditListByRecord(ctx context.Context, agencyID, recordID string) ([]Event, error)
	// FixityRunInsert keeps a run of the fixity check and the damage it found, then lets
	// the oldest runs and findings go beyond keepRuns and keepFindings.
	FixityRunInsert(ctx context.Context, run *FixityRun, findings []FixityFinding, keepRuns, keepFindings int) error
	// FixityReportGet returns the runs and findings kept, oldest first.
	FixityReportGet(ctx context.Context) (FixityReport, error)
}

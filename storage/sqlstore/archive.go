package sqlstore

import (
	"context"

	"github.com/vanthu/vanthu/engine"
)

var (
	qArchiveImportInsert          = sqlFor("ArchiveImportInsert")
	qArchiveImportGetByIdentifier = sqlFor("ArchiveImportGetByIdentifier")
	qArchiveImportGetByRecord     = sqlFor("ArchiveImportGetByRecord")
	qArchiveImportEventInsert     = sqlFor("ArchiveImportEventInsert")
	qArchiveImportEventList       = sqlFor("ArchiveImportEventList")
	qArchiveAuditListByRecord     = sqlFor("ArchiveAuditListByRecord")
	qFixityRunInsert              = sqlFor("FixityRunInsert")
	qFixityRunPrune               = sqlFor("FixityRunPrune")
	qFixityRunList                = sqlFor("FixityRunList")
	qFixityFindingInsert          = sqlFor("FixityFindingInsert")
	qFixityFindingPrune           = sqlFor("FixityFindingPrune")
	qFixityFindingList            = sqlFor("FixityFindingList")
)

func (q queries) ArchiveImportInsert(ctx context.Context, a *engine.ArchiveImport) error {
	_, err := q.exec(ctx, "archive import insert", qArchiveImportInsert, a.ID, a.AgencyID, a.RecordID, a.Identifier,
		a.PayloadDigest, a.BagName, a.FormatVersion, a.SourceFondsCode, a.SourceFondsName, a.SourceRecordCode,
		a.SourceHeadHash, a.Metadata, a.ImportedBy, a.ImportedAt.UTC())
	return err
}

func (q queries) ArchiveImportGetByIdentifier(ctx context.Context, agencyID, identifier string) (engine.ArchiveImport, error) {
	var a engine.ArchiveImport
	err := q.get(ctx, "archive import get", qArchiveImportGetByIdentifier, func(r Row) (err error) {
		a, err = scanArchiveImport(r)
		return err
	}, agencyID, identifier)
	return a, err
}

func (q queries) ArchiveImportGetByRecord(ctx context.Context, recordID string) (engine.ArchiveImport, error) {
	var a engine.ArchiveImport
	err := q.get(ctx, "archive import get by record", qArchiveImportGetByRecord, func(r Row) (err error) {
		a, err = scanArchiveImport(r)
		return err
	}, recordID)
	return a, err
}

func scanArchiveImport(r Row) (engine.ArchiveImport, error) {
	var a engine.ArchiveImport
	err := r.Scan(&a.ID, &a.AgencyID, &a.RecordID, &a.Identifier, &a.PayloadDigest, &a.BagName, &a.FormatVersion,
		&a.SourceFondsCode, &a.SourceFondsName, &a.SourceRecordCode, &a.SourceHeadHash, &a.Metadata, &a.ImportedBy, &a.ImportedAt)
	a.ImportedAt = utc(a.ImportedAt)
	return a, err
}

func (q queries) ArchiveImportEventInsert(ctx context.Context, importID string, e *engine.Event) error {
	_, err := q.exec(ctx, "archive import event insert", qArchiveImportEventInsert, importID, e.AgencyID, e.Seq, e.At.UTC(),
		e.ActorID, string(e.Role), e.Action, e.ObjectType, e.ObjectID, e.Before, e.After, e.PrevHash, e.Hash)
	return err
}

func (q queries) ArchiveImportEventList(ctx context.Context, importID string) ([]engine.Event, error) {
	return list(ctx, q, "archive import events", qArchiveImportEventList, scanEvent, importID)
}

func (q queries) ArchiveAuditListByRecord(ctx context.Context, agencyID, recordID string) ([]engine.Event, error) {
	return list(ctx, q, "archive audit list", qArchiveAuditListByRecord, scanEvent, agencyID, recordID, recordID)
}

// scanEvent reads an audit event's columns in their table order.
func scanEvent(r Row) (engine.Event, error) {
	var e engine.Event
	var role string
	err := r.Scan(&e.AgencyID, &e.Seq, &e.At, &e.ActorID, &role, &e.Action, &e.ObjectType, &e.ObjectID, &e.Before,
		&e.After, &e.PrevHash, &e.Hash)
	e.Role, e.At = engine.Role(role), utc(e.At)
	return e, err
}

func (q queries) FixityRunInsert(ctx context.Context, run *engine.FixityRun, findings []engine.FixityFinding, keepRuns, keepFindings int) error {
	if _, err := q.exec(ctx, "fixity run insert", qFixityRunInsert, run.Node, run.Started.UTC(), run.Finished.UTC(), run.Slice,
		run.Slices, run.Packages, run.Objects, run.Damaged, run.Repaired, run.Incomplete); err != nil {
		return err
	}
	for _, f := range findings {
		if _, err := q.exec(ctx, "fixity finding insert", qFixityFindingInsert, f.DetectedAt.UTC(), f.Record, f.RecordID,
			f.Manifest, f.Key, f.Error, utcPtr(f.RepairedAt), f.RepairError); err != nil {
			return err
		}
	}
	if _, err := q.exec(ctx, "fixity run prune", qFixityRunPrune, keepRuns); err != nil {
		return err
	}
	_, err := q.exec(ctx, "fixity finding prune", qFixityFindingPrune, keepFindings)
	return err
}

func (q queries) FixityReportGet(ctx context.Context) (engine.FixityReport, error) {
	var rep engine.FixityReport
	runs, err := list(ctx, q, "fixity run list", qFixityRunList, func(r Row) (engine.FixityRun, error) {
		var run engine.FixityRun
		err := r.Scan(&run.Node, &run.Started, &run.Finished, &run.Slice, &run.Slices, &run.Packages, &run.Objects,
			&run.Damaged, &run.Repaired, &run.Incomplete)
		run.Started, run.Finished = utc(run.Started), utc(run.Finished)
		return run, err
	})
	if err != nil {
		return rep, err
	}
	findings, err := list(ctx, q, "fixity finding list", qFixityFindingList, func(r Row) (engine.FixityFinding, error) {
		var f engine.FixityFinding
		err := r.Scan(&f.DetectedAt, &f.Record, &f.RecordID, &f.Manifest, &f.Key, &f.Error, &f.RepairedAt, &f.RepairError)
		f.DetectedAt, f.RepairedAt = utc(f.DetectedAt), utcPtr(f.RepairedAt)
		return f, err
	})
	if err != nil {
		return rep, err
	}
	rep.Runs, rep.Findings = runs, findings
	if len(runs) > 0 {
		rep.UpdatedAt = runs[len(runs)-1].Finished
	}
	return rep, nil
}

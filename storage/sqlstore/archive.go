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

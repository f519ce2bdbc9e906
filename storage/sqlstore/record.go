package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qRecordInsert         = sqlFor("RecordInsert")
	qRecordUpdate         = sqlFor("RecordUpdate")
	qRecordGetByID        = sqlFor("RecordGetByID")
	qRecordListByAgency   = sqlFor("RecordListByAgency")
	qRecordDocumentInsert = sqlFor("RecordDocumentInsert")
	qRecordDocumentDelete = sqlFor("RecordDocumentDelete")
	qRecordDocumentList   = sqlFor("RecordDocumentList")
)

func (q queries) RecordInsert(ctx context.Context, r *engine.Record) error {
	_, err := q.exec(ctx, "record insert", qRecordInsert, r.ID, r.AgencyID, r.Code, r.Title, r.Year, r.Retention.Permanent,
		r.Retention.Years, nullable(r.OwnerID), r.InPlan, string(r.State), r.LegalHold, utcPtr(r.OpenedAt), utcPtr(r.WorkEndedAt),
		utcPtr(r.ClosedAt), utcPtr(r.HandOverDue), utcPtr(r.HandedOverAt), r.Version, r.CreatedAt.UTC(), r.PackageKey,
		r.FondsCode, nullable(r.Custodian()), r.Category, string(r.AccessMode), r.Language, engine.JoinKeywords(r.Keywords),
		r.Description, r.InfoSign, r.PageTotal, r.SheetTotal, utcPtr(r.DisposalDue()), utcPtr(r.DestroyedAt))
	return err
}

func (q queries) RecordUpdate(ctx context.Context, r *engine.Record, prevVersion int) error {
	n, err := q.exec(ctx, "record update", qRecordUpdate, r.ID, r.Title, r.Retention.Permanent, r.Retention.Years,
		nullable(r.OwnerID), string(r.State), r.LegalHold, utcPtr(r.OpenedAt), utcPtr(r.WorkEndedAt), utcPtr(r.ClosedAt),
		utcPtr(r.HandOverDue), utcPtr(r.HandedOverAt), r.Version, prevVersion, r.PackageKey, nullable(r.Custodian()), r.Category,
		string(r.AccessMode), r.Language, engine.JoinKeywords(r.Keywords), r.Description, r.InfoSign, r.PageTotal, r.SheetTotal,
		utcPtr(r.DisposalDue()), utcPtr(r.DestroyedAt))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("record update %s: %w: changed by someone else", r.ID, engine.ErrConflict)
	}
	return nil
}

func (q queries) RecordGetByID(ctx context.Context, id string) (engine.Record, error) {
	var r engine.Record
	err := q.get(ctx, "record get", qRecordGetByID, func(row Row) (err error) { r, err = scanRecord(row); return }, id)
	return r, err
}

func (q queries) RecordListByAgency(ctx context.Context, agencyID string, year int) ([]engine.Record, error) {
	return list(ctx, q, "record list", qRecordListByAgency, scanRecord, agencyID, year)
}

func scanRecord(row Row) (engine.Record, error) {
	var r engine.Record
	var owner, custodian *string
	var state, mode, keywords string
	var disposalDue *time.Time // derived from retention and work end; kept for queries
	err := row.Scan(&r.ID, &r.AgencyID, &r.Code, &r.Title, &r.Year, &r.Retention.Permanent, &r.Retention.Years, &owner,
		&r.InPlan, &state, &r.LegalHold, &r.OpenedAt, &r.WorkEndedAt, &r.ClosedAt, &r.HandOverDue, &r.HandedOverAt,
		&r.Version, &r.CreatedAt, &r.PackageKey, &r.FondsCode, &custodian, &r.Category, &mode, &r.Language, &keywords,
		&r.Description, &r.InfoSign, &r.PageTotal, &r.SheetTotal, &disposalDue, &r.DestroyedAt)
	r.OwnerID, r.State, r.CreatedAt = deref(owner), engine.RecordState(state), utc(r.CreatedAt)
	r.CustodianID, r.AccessMode, r.Keywords = deref(custodian), engine.AccessMode(mode), engine.SplitKeywords(keywords)
	r.DestroyedAt = utcPtr(r.DestroyedAt)
	r.OpenedAt, r.WorkEndedAt, r.ClosedAt = utcPtr(r.OpenedAt), utcPtr(r.WorkEndedAt), utcPtr(r.ClosedAt)
	r.HandOverDue, r.HandedOverAt = utcPtr(r.HandOverDue), utcPtr(r.HandedOverAt)
	return r, err
}

func (q queries) RecordDocumentInsert(ctx context.Context, recordID, documentID, by string, at time.Time) error {
	_, err := q.exec(ctx, "record document insert", qRecordDocumentInsert, recordID, documentID, by, at.UTC())
	return err
}

func (q queries) RecordDocumentDelete(ctx context.Context, recordID, documentID string) error {
	return q.execOne(ctx, "record document delete", qRecordDocumentDelete, recordID, documentID)
}

func (q queries) RecordDocumentList(ctx context.Context, recordID string) ([]string, error) {
	return list(ctx, q, "record documents", qRecordDocumentList, scanID, recordID)
}

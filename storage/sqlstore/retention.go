package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

var (
	qRetentionRuleUpsert        = sqlFor("RetentionRuleUpsert")
	qRetentionRuleList          = sqlFor("RetentionRuleList")
	qRecordListByCustodian      = sqlFor("RecordListByCustodian")
	qRecordListDisposalDue      = sqlFor("RecordListDisposalDue")
	qRecordIDsByDocument        = sqlFor("RecordIDsByDocument")
	qFileListByBlobKey          = sqlFor("FileListByBlobKey")
	qAppraisalInsert            = sqlFor("AppraisalInsert")
	qAppraisalRecordInsert      = sqlFor("AppraisalRecordInsert")
	qAppraisalUpdate            = sqlFor("AppraisalUpdate")
	qAppraisalGetByID           = sqlFor("AppraisalGetByID")
	qAppraisalRecordList        = sqlFor("AppraisalRecordList")
	qDestructionInsert          = sqlFor("DestructionInsert")
	qDestructionListByAppraisal = sqlFor("DestructionListByAppraisal")
	qDocumentMoveAgency         = sqlFor("DocumentMoveAgency")
	qAssignmentReassign         = sqlFor("AssignmentReassign")
	qBlobKeyListReferenced      = sqlFor("BlobKeyListReferenced")
	qCertifiedCopyListByIDs     = sqlFor("CertifiedCopyListByIDs")
)

func (q queries) RetentionRuleUpsert(ctx context.Context, r *engine.RetentionRule) error {
	_, err := q.exec(ctx, "retention rule upsert", qRetentionRuleUpsert, r.AgencyID, r.Category, r.Name, r.Retention.Permanent,
		r.Retention.Years, nullable(r.UpdatedBy), r.UpdatedAt.UTC())
	return err
}

func (q queries) RetentionRuleList(ctx context.Context, agencyID string) ([]engine.RetentionRule, error) {
	return list(ctx, q, "retention rule list", qRetentionRuleList, func(row Row) (engine.RetentionRule, error) {
		var r engine.RetentionRule
		var by *string
		err := row.Scan(&r.AgencyID, &r.Category, &r.Name, &r.Retention.Permanent, &r.Retention.Years, &by, &r.UpdatedAt)
		r.UpdatedBy, r.UpdatedAt = deref(by), utc(r.UpdatedAt)
		return r, err
	}, agencyID)
}

func (q queries) RecordListByCustodian(ctx context.Context, custodianID string) ([]engine.Record, error) {
	return list(ctx, q, "record list by custodian", qRecordListByCustodian, scanRecord, custodianID)
}

func (q queries) RecordListDisposalDue(ctx context.Context, custodianID string, before time.Time, offset, limit int) ([]engine.Record, error) {
	page, err := list(ctx, q, "record list disposal due", qRecordListDisposalDue, scanRecord, custodianID, limit, offset)
	if err != nil {
		return nil, err
	}
	// Compared here rather than in SQL: SQLite keeps times as text, and its text order
	// is not time order across fractional seconds. The rows come earliest first, so the
	// first one not yet due ends the list.
	for i, r := range page {
		if due := r.DisposalDue(); due == nil || due.After(before) {
			return page[:i], nil
		}
	}
	return page, nil
}

func (q queries) RecordIDsByDocument(ctx context.Context, documentID string) ([]string, error) {
	return list(ctx, q, "record ids by document", qRecordIDsByDocument, scanID, documentID)
}

func (q queries) FileListByBlobKey(ctx context.Context, key string) ([]engine.File, error) {
	return list(ctx, q, "file list by blob", qFileListByBlobKey, func(r Row) (engine.File, error) {
		var f engine.File
		var by *string
		err := r.Scan(&f.DocumentID, &f.Seq, &f.Kind, &f.Name, &f.BlobKey, &f.SHA256, &f.Size, &by, &f.CreatedAt)
		f.CreatedBy, f.CreatedAt = deref(by), utc(f.CreatedAt)
		return f, err
	}, key)
}

func (q queries) AppraisalInsert(ctx context.Context, a *engine.Appraisal) error {
	if _, err := q.exec(ctx, "appraisal insert", qAppraisalInsert, a.ID, a.AgencyID, a.Title, string(a.State), a.ProposedBy,
		a.ProposedAt.UTC(), nullable(a.DecidedBy), utcPtr(a.DecidedAt), a.DecisionNotation, a.Reason, a.Version); err != nil {
		return err
	}
	for _, id := range a.RecordIDs {
		if _, err := q.exec(ctx, "appraisal record insert", qAppraisalRecordInsert, a.ID, id); err != nil {
			return err
		}
	}
	return nil
}

func (q queries) AppraisalUpdate(ctx context.Context, a *engine.Appraisal, prevVersion int) error {
	n, err := q.exec(ctx, "appraisal update", qAppraisalUpdate, a.ID, string(a.State), nullable(a.DecidedBy), utcPtr(a.DecidedAt),
		a.DecisionNotation, a.Reason, a.Version, prevVersion)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("appraisal update %s: %w: changed by someone else", a.ID, engine.ErrConflict)
	}
	return nil
}

func (q queries) AppraisalGetByID(ctx context.Context, id string) (engine.Appraisal, error) {
	var a engine.Appraisal
	err := q.get(ctx, "appraisal get", qAppraisalGetByID, func(r Row) error {
		var state string
		var by *string
		err := r.Scan(&a.ID, &a.AgencyID, &a.Title, &state, &a.ProposedBy, &a.ProposedAt, &by, &a.DecidedAt,
			&a.DecisionNotation, &a.Reason, &a.Version)
		a.State, a.DecidedBy, a.ProposedAt, a.DecidedAt = engine.AppraisalState(state), deref(by), utc(a.ProposedAt), utcPtr(a.DecidedAt)
		return err
	}, id)
	if err != nil {
		return engine.Appraisal{}, err
	}
	a.RecordIDs, err = list(ctx, q, "appraisal records", qAppraisalRecordList, scanID, id)
	return a, err
}

func (q queries) DestructionInsert(ctx context.Context, d *engine.Destruction) error {
	report, err := json.Marshal(destructionReport{Decision: d.Decision, Records: d.Records})
	if err != nil {
		return fmt.Errorf("destruction insert: %w", err)
	}
	_, err = q.exec(ctx, "destruction insert", qDestructionInsert, d.ID, d.AppraisalID, d.AgencyID, d.ExecutedBy,
		d.ExecutedAt.UTC(), string(report))
	return err
}

// destructionReport is the JSON kept in destruction.report.
type destructionReport struct {
	Decision string                   `json:"decision"`
	Records  []engine.DestroyedRecord `json:"records"`
}

func (q queries) DestructionListByAppraisal(ctx context.Context, appraisalID string) ([]engine.Destruction, error) {
	return list(ctx, q, "destruction list", qDestructionListByAppraisal, func(r Row) (engine.Destruction, error) {
		var d engine.Destruction
		var report string
		if err := r.Scan(&d.ID, &d.AppraisalID, &d.AgencyID, &d.ExecutedBy, &d.ExecutedAt, &report); err != nil {
			return d, err
		}
		var rep destructionReport
		if err := json.Unmarshal([]byte(report), &rep); err != nil {
			return d, fmt.Errorf("destruction %s report: %w", d.ID, err)
		}
		d.ExecutedAt, d.Decision, d.Records = utc(d.ExecutedAt), rep.Decision, rep.Records
		return d, nil
	}, appraisalID)
}

func (q queries) DocumentMoveAgency(ctx context.Context, d *engine.Document, prevVersion int) error {
	n, err := q.exec(ctx, "document move agency", qDocumentMoveAgency, d.ID, d.AgencyID, nullable(d.DrafterID),
		nullable(d.DraftingUnitID), nullable(d.SignerID), d.Version, d.UpdatedAt.UTC(), prevVersion)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("document move agency %s: %w: changed by someone else", d.ID, engine.ErrConflict)
	}
	return nil
}

func (q queries) AssignmentReassign(ctx context.Context, a *engine.Assignment) error {
	return q.execOne(ctx, "assignment reassign", qAssignmentReassign, a.ID, nullable(a.UnitID), nullable(a.UserID))
}

func (q queries) BlobKeyListReferenced(ctx context.Context, keys []string) ([]string, error) {
	out, err := listByIDs(ctx, q, "blob key list referenced", qBlobKeyListReferenced, scanID, keys)
	if err != nil {
		return nil, err
	}
	copies := map[string][]string{} // copy id → the keys kept for it
	for _, k := range keys {
		if id, ok := copyID(k); ok {
			copies[id] = append(copies[id], k)
		}
	}
	if len(copies) == 0 {
		return out, nil
	}
	found, err := listByIDs(ctx, q, "certified copy list by ids", qCertifiedCopyListByIDs, func(r Row) ([2]string, error) {
		var c [2]string // id, agency
		return c, r.Scan(&c[0], &c[1])
	}, slices.Collect(maps.Keys(copies)))
	if err != nil {
		return nil, err
	}
	for _, c := range found {
		for _, k := range copies[c[0]] {
			if strings.HasPrefix(k, engine.CopyBlobPrefix+c[1]+"/"+c[0]+"/") {
				out = append(out, k)
			}
		}
	}
	return out, nil
}

// copyID is the certified copy a key is kept for (certified-copies/<agency>/<copy>/…),
// when it is one; only a well-formed id is asked about (PostgreSQL's ids are uuids).
func copyID(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, engine.CopyBlobPrefix)
	if !ok {
		return "", false
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 3 {
		return "", false
	}
	if _, err := uuid.Parse(parts[1]); err != nil {
		return "", false
	}
	return parts[1], true
}

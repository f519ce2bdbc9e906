package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AppraisalState is where an appraisal for destruction stands.
type AppraisalState string

const (
	AppraisalProposed  AppraisalState = "proposed"  // the archivist's list of records due for destruction
	AppraisalApproved  AppraisalState = "approved"  // quyết định hủy tài liệu hết giá trị, by the head of the agency
	AppraisalRejected  AppraisalState = "rejected"  // the head kept the records
	AppraisalExecuting AppraisalState = "executing" // destruction begun
	AppraisalExecuted  AppraisalState = "executed"  // destroyed; see the destruction record
)

// Appraisal is a proposal to destroy records whose retention ended, and the head of the
// agency's decision on it. Nothing is destroyed without an approved one.
type Appraisal struct {
	ID               string
	AgencyID         string
	Title            string
	State            AppraisalState
	RecordIDs        []string
	ProposedBy       string
	ProposedAt       time.Time
	DecidedBy        string
	DecidedAt        *time.Time
	DecisionNotation string // số, ký hiệu of the decision, e.g. "15/QĐ-UBND"
	Reason           string // why the head rejected it
	Version          int
}

// Destruction is a destruction record (biên bản hủy tài liệu): what was destroyed under
// which decision, by whom and when, and what the blob store still keeps.
type Destruction struct {
	ID          string
	AppraisalID string
	AgencyID    string
	ExecutedBy  string
	ExecutedAt  time.Time
	Decision    string // the decision's số, ký hiệu
	Records     []DestroyedRecord
}

// DestroyedRecord is one record's line in a destruction record.
type DestroyedRecord struct {
	RecordID  string           `json:"record_id"`
	FileCode  string           `json:"file_code"`
	Title     string           `json:"title"`
	Retention string           `json:"retention"`
	Documents []string         `json:"documents"`
	Deleted   []string         `json:"deleted"`
	Retained  []RetainedObject `json:"retained,omitempty"`
	// Kept is what stays on purpose: documents also filed in a record that stays (Key is
	// the document's id) and files whose bytes another document shares (Key is the blob key).
	Kept []RetainedObject `json:"kept,omitempty"`
}

// RetainedObject is an object (or a document) the destruction did not delete, and why.
type RetainedObject struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// Complete reports whether everything meant to go was deleted: nothing is left locked or
// failed (what is kept on purpose does not count).
func (d *Destruction) Complete() bool {
	for _, r := range d.Records {
		if len(r.Retained) > 0 {
			return false
		}
	}
	return true
}

// ErrRetained is what a BlobEraser returns for an object whose lock has not expired.
var ErrRetained = errors.New("object is locked until its retention ends")

// BlobEraser deletes the bytes of destroyed records. The engine knows keys, not stores:
// the binary wires it to the blob store and the archive's manifests.
type BlobEraser interface {
	// PackageObjects lists the keys of a record's archival package, its manifest last.
	PackageObjects(ctx context.Context, manifestKey string) ([]string, error)
	// Delete removes one object: an error wrapping ErrRetained while it is locked,
	// ErrNotFound when it is already gone.
	Delete(ctx context.Context, key string) error
}

// DisposalCandidates lists the records the actor's agency holds whose fixed retention
// has ended by at: in the agency archive, with no legal hold.
func (e *Engine) DisposalCandidates(ctx context.Context, actor Actor, at time.Time) ([]Record, error) {
	var out []Record
	for more := true; more; {
		page, next, err := e.DisposalCandidatesPage(ctx, actor, at, len(out), 1000)
		if err != nil {
			return nil, err
		}
		out, more = append(out, page...), next
	}
	return out, nil
}

// DisposalCandidatesPage is one page of DisposalCandidates, earliest end of retention
// first: at most limit records after the first offset, and whether more follow.
func (e *Engine) DisposalCandidatesPage(ctx context.Context, actor Actor, at time.Time, offset, limit int) ([]Record, bool, error) {
	var out []Record
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "disposal_candidates", now: e.timestamp()}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if actor.Role != RoleArchivist && actor.Role != RoleLeader {
			return refuse(c.action, ReasonWrongRole, "the archivist and the head of the agency review retention")
		}
		rs, err := q.RecordListDisposalDue(ctx, actor.AgencyID, at, offset, limit+1)
		if err != nil {
			return err
		}
		out = slices.DeleteFunc(rs, func(r Record) bool { return disposable(&r, at) != nil })
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("disposal candidates: %w", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// disposable says why a record may not be destroyed at a time, or nil.
func disposable(r *Record, at time.Time) error {
	due := r.DisposalDue()
	switch {
	case r.Retention.Permanent:
		return fmt.Errorf("%s is kept permanently", r.Code)
	case r.LegalHold:
		return fmt.Errorf("%s is under a legal hold", r.Code)
	case r.State != RecordHandedOver:
		return fmt.Errorf("%s is %s, not in the agency archive", r.Code, r.State)
	case due == nil || due.After(at):
		return fmt.Errorf("%s is kept until %s", r.Code, dueText(due))
	}
	return nil
}

func dueText(t *time.Time) string {
	if t == nil {
		return "its work ends"
	}
	return t.In(vietnam).Format(time.DateOnly)
}

// ProposeDisposal is the archivist's list of records due for destruction, for the head
// of the agency to decide on. Every record must be due now.
func (e *Engine) ProposeDisposal(ctx context.Context, actor Actor, title string, recordIDs []string) (Appraisal, error) {
	var a Appraisal
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "propose_disposal", now: e.timestamp()}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if actor.Role != RoleArchivist {
			return refuse(c.action, ReasonWrongRole, "the archivist proposes records for destruction")
		}
		var fc fieldCheck
		if strings.TrimSpace(title) == "" {
			fc.fail("title", "the proposal needs a title")
		}
		fc.maxLen("title", "title", title, 500)
		ids := slices.Compact(slices.Sorted(slices.Values(recordIDs)))
		if len(ids) == 0 {
			fc.fail("records", "the proposal lists no record")
		}
		if err := fc.err(); err != nil {
			return err
		}
		recs, err := c.disposableRecords(ctx, ids, c.now)
		if err != nil {
			return err
		}
		a = Appraisal{ID: NewID(), AgencyID: actor.AgencyID, Title: title, State: AppraisalProposed, RecordIDs: ids,
			ProposedBy: actor.UserID, ProposedAt: c.now, Version: 1}
		if err := q.AppraisalInsert(ctx, &a); err != nil {
			return err
		}
		c.audit(a.AgencyID, "appraisal", a.ID, nil, appraisalSummary(a, recs))
		return c.finish(ctx, "", a.ID)
	})
	if err != nil {
		return Appraisal{}, fmt.Errorf("propose disposal: %w", err)
	}
	return a, nil
}

// disposableRecords reads the records and refuses, naming every one, when any of them may
// not be destroyed (now) by the actor's agency.
func (c *change) disposableRecords(ctx context.Context, ids []string, at time.Time) ([]Record, error) {
	recs := make([]Record, 0, len(ids))
	var why []string
	for _, id := range ids {
		r, err := c.q.RecordGetByID(ctx, id)
		if errors.Is(err, ErrNotFound) || (err == nil && r.Custodian() != c.actor.AgencyID) {
			return nil, refuse(c.action, ReasonNotYourAgency, "record %s is not held by this agency", id)
		}
		if err != nil {
			return nil, err
		}
		if err := disposable(&r, at); err != nil {
			why = append(why, err.Error())
		}
		recs = append(recs, r)
	}
	if len(why) > 0 {
		return nil, refuse(c.action, ReasonWrongState, "%s", strings.Join(why, "; "))
	}
	return recs, nil
}

func appraisalSummary(a Appraisal, recs []Record) map[string]any {
	codes := make([]string, len(recs))
	for i, r := range recs {
		codes[i] = r.FileCode()
	}
	return map[string]any{"title": a.Title, "state": a.State, "records": codes, "decision": a.DecisionNotation, "reason": a.Reason}
}

// DecideDisposal is the head of the agency's decision on a proposal. Approval checks
// every record again: one put under a legal hold (or otherwise no longer due) since the
// proposal blocks it, and the proposal stays undecided.
func (e *Engine) DecideDisposal(ctx context.Context, actor Actor, appraisalID string, approve bool, notation, reason string) (Appraisal, error) {
	var a Appraisal
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "decide_disposal", now: e.timestamp()}
		var err error
		if a, err = c.appraisal(ctx, appraisalID); err != nil {
			return err
		}
		if actor.Role != RoleLeader {
			return refuse(c.action, ReasonWrongRole, "the head of the agency decides on destruction")
		}
		if a.State != AppraisalProposed {
			return refuse(c.action, ReasonWrongState, "the appraisal is %s", a.State)
		}
		var fc fieldCheck
		if approve && strings.TrimSpace(notation) == "" {
			fc.fail("decision", "số, ký hiệu of the decision is required")
		}
		fc.maxLen("decision", "số, ký hiệu", notation, 50)
		if !approve && strings.TrimSpace(reason) == "" {
			fc.fail("reason", "say why the records are kept")
		}
		if err := fc.err(); err != nil {
			return err
		}
		var recs []Record
		if approve {
			if recs, err = c.disposableRecords(ctx, a.RecordIDs, c.now); err != nil {
				return err
			}
		}
		prev := a.Version
		a.State, a.DecidedBy, a.DecidedAt, a.DecisionNotation, a.Reason = AppraisalRejected, actor.UserID, &c.now, notation, reason
		if approve {
			a.State = AppraisalApproved
		}
		a.Version++
		if err := q.AppraisalUpdate(ctx, &a, prev); err != nil {
			return err
		}
		c.audit(a.AgencyID, "appraisal", a.ID, map[string]any{"state": AppraisalProposed}, appraisalSummary(a, recs))
		return c.finish(ctx, "", a.ID)
	})
	if err != nil {
		return Appraisal{}, fmt.Errorf("decide disposal: %w", err)
	}
	return a, nil
}

// appraisal reads an appraisal of the actor's agency.
func (c *change) appraisal(ctx context.Context, id string) (Appraisal, error) {
	a, err := c.q.AppraisalGetByID(ctx, id)
	if err != nil {
		return Appraisal{}, err
	}
	if err := c.authorize(ctx, a.AgencyID); err != nil {
		return Appraisal{}, err
	}
	return a, nil
}

// Destroy carries out an approved decision: every record is checked once more, its
// documents' files and its archival package are deleted from the blob store where their
// lock has expired (a locked object is reported, never forced), the record becomes
// destroyed and a destruction record lists what was done. The records' metadata and
// audit trail stay. Running it again for an executed decision retries what was retained.
func (e *Engine) Destroy(ctx context.Context, actor Actor, appraisalID string, blobs BlobEraser) (Destruction, error) {
	a, recs, err := e.startDestruction(ctx, actor, appraisalID)
	if err != nil {
		return Destruction{}, fmt.Errorf("destroy: %w", err)
	}
	d := Destruction{ID: NewID(), AppraisalID: a.ID, AgencyID: a.AgencyID, ExecutedBy: actor.UserID, Decision: a.DecisionNotation}
	dying := map[string]bool{}
	for _, r := range recs {
		dying[r.ID] = true
	}
	for _, r := range recs {
		line, err := e.eraseRecord(ctx, r, dying, blobs)
		if err != nil {
			return Destruction{}, fmt.Errorf("destroy %s: %w", r.Code, err)
		}
		d.Records = append(d.Records, line)
	}
	if err := e.finishDestruction(ctx, actor, a, &d); err != nil {
		return Destruction{}, fmt.Errorf("destroy: %w", err)
	}
	return d, nil
}

// startDestruction checks the decision and its records and marks them disposing, so that
// nobody puts a hold on a record whose bytes are going.
func (e *Engine) startDestruction(ctx context.Context, actor Actor, appraisalID string) (Appraisal, []Record, error) {
	var a Appraisal
	var recs []Record
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "destroy", now: e.timestamp()}
		var err error
		if a, err = c.appraisal(ctx, appraisalID); err != nil {
			return err
		}
		if actor.Role != RoleArchivist {
			return refuse(c.action, ReasonWrongRole, "the archivist carries out the destruction")
		}
		switch a.State {
		case AppraisalApproved, AppraisalExecuting, AppraisalExecuted:
		default:
			return refuse(c.action, ReasonWrongState, "the appraisal is %s, not approved by the head of the agency", a.State)
		}
		var why []string
		for _, id := range a.RecordIDs {
			r, err := q.RecordGetByID(ctx, id)
			if err != nil {
				return err
			}
			if r.State == RecordDisposing || r.State == RecordDestroyed {
				recs = append(recs, r)
				continue
			}
			if err := disposable(&r, c.now); err != nil {
				why = append(why, err.Error())
				continue
			}
			before, prev := r, r.Version
			r.State, r.Version = RecordDisposing, r.Version+1
			if err := q.RecordUpdate(ctx, &r, prev); err != nil {
				return err
			}
			c.audit(r.Custodian(), "record", r.ID, recordSummary(before), recordSummary(r))
			recs = append(recs, r)
		}
		if len(why) > 0 {
			return refuse(c.action, ReasonWrongState, "%s", strings.Join(why, "; "))
		}
		if a.State == AppraisalApproved {
			prev := a.Version
			a.State, a.Version = AppraisalExecuting, a.Version+1
			if err := q.AppraisalUpdate(ctx, &a, prev); err != nil {
				return err
			}
			c.audit(a.AgencyID, "appraisal", a.ID, map[string]any{"state": AppraisalApproved}, map[string]any{"state": a.State})
		}
		return c.finish(ctx, "", a.ID)
	})
	return a, recs, err
}

// eraseRecord deletes what belongs to the record alone: files of documents filed in no
// record that survives, unless another document shares the bytes, and its package.
func (e *Engine) eraseRecord(ctx context.Context, r Record, dying map[string]bool, blobs BlobEraser) (DestroyedRecord, error) {
	line := DestroyedRecord{RecordID: r.ID, FileCode: r.FileCode(), Title: r.Title, Retention: r.Retention.String()}
	docs, err := e.store.RecordDocumentList(ctx, r.ID)
	if err != nil {
		return line, err
	}
	dyingDocs := map[string]bool{}
	for _, id := range docs {
		others, err := e.store.RecordIDsByDocument(ctx, id)
		if err != nil {
			return line, err
		}
		if keeper := firstNotIn(others, dying); keeper != "" {
			line.Kept = append(line.Kept, RetainedObject{Key: id, Reason: "also filed in record " + keeper})
			continue
		}
		dyingDocs[id] = true
		line.Documents = append(line.Documents, id)
	}
	var keys []string
	for _, id := range line.Documents {
		files, err := e.store.FileListByDocument(ctx, id)
		if err != nil {
			return line, err
		}
		for _, f := range files {
			users, err := e.store.FileListByBlobKey(ctx, f.BlobKey)
			if err != nil {
				return line, err
			}
			if i := slices.IndexFunc(users, func(u File) bool { return !dyingDocs[u.DocumentID] }); i >= 0 {
				line.Kept = append(line.Kept, RetainedObject{Key: f.BlobKey, Reason: "shared with document " + users[i].DocumentID})
				continue
			}
			keys = append(keys, f.BlobKey)
		}
	}
	if r.PackageKey != "" {
		pkg, err := blobs.PackageObjects(ctx, r.PackageKey)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return line, fmt.Errorf("package %s: %w", r.PackageKey, err)
		default:
			keys = append(keys, pkg...)
		}
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		switch err := blobs.Delete(ctx, k); {
		case err == nil, errors.Is(err, ErrNotFound):
			line.Deleted = append(line.Deleted, k)
		case errors.Is(err, ErrRetained):
			line.Retained = append(line.Retained, RetainedObject{Key: k, Reason: err.Error()})
		default:
			line.Retained = append(line.Retained, RetainedObject{Key: k, Reason: "delete failed: " + err.Error()})
		}
	}
	return line, nil
}

func firstNotIn(ids []string, set map[string]bool) string {
	for _, id := range ids {
		if !set[id] {
			return id
		}
	}
	return ""
}

// finishDestruction marks the records destroyed, closes the decision and keeps the
// destruction record, in one transaction.
func (e *Engine) finishDestruction(ctx context.Context, actor Actor, a Appraisal, d *Destruction) error {
	return e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "destroy_record", now: e.timestamp()}
		d.ExecutedAt = c.now
		for _, line := range d.Records {
			r, err := q.RecordGetByID(ctx, line.RecordID)
			if err != nil {
				return err
			}
			before, prev := r, r.Version
			if r.State != RecordDestroyed {
				r.State, r.DestroyedAt = RecordDestroyed, &c.now
			}
			r.Version++
			if err := q.RecordUpdate(ctx, &r, prev); err != nil {
				return err
			}
			c.audit(r.Custodian(), "record", r.ID, recordSummary(before), map[string]any{"state": r.State, "destruction": d.ID,
				"decision": d.Decision, "deleted": len(line.Deleted), "retained": line.Retained})
		}
		if a.State != AppraisalExecuted {
			prev := a.Version
			a.State, a.Version = AppraisalExecuted, a.Version+1
			if err := q.AppraisalUpdate(ctx, &a, prev); err != nil {
				return err
			}
		}
		if err := q.DestructionInsert(ctx, d); err != nil {
			return err
		}
		c.audit(a.AgencyID, "destruction", d.ID, nil, map[string]any{"appraisal": a.ID, "decision": d.Decision,
			"records": len(d.Records), "complete": d.Complete()})
		return c.finish(ctx, "", d.ID)
	})
}

// Appraisal reads an appraisal of the actor's agency with its destruction records.
func (e *Engine) Appraisal(ctx context.Context, actor Actor, id string) (Appraisal, []Destruction, error) {
	var a Appraisal
	var ds []Destruction
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "read_appraisal", now: e.timestamp()}
		var err error
		if a, err = c.appraisal(ctx, id); err != nil {
			return err
		}
		ds, err = q.DestructionListByAppraisal(ctx, a.ID)
		return err
	})
	if err != nil {
		return Appraisal{}, nil, fmt.Errorf("appraisal %s: %w", id, err)
	}
	return a, ds, nil
}

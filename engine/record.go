package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Retention is how long a record is kept (thời hạn bảo quản, TT 10/2022): permanently, or
// a number of years counted from 1 January after the year its work ended.
type Retention struct {
	Permanent bool
	Years     int
}

func (r Retention) valid() bool {
	return (r.Permanent && r.Years == 0) || (!r.Permanent && r.Years > 0 && r.Years <= 100)
}

// String is the period as the register prints it.
func (r Retention) String() string {
	if r.Permanent {
		return "Vĩnh viễn"
	}
	return fmt.Sprintf("%d năm", r.Years)
}

// RecordState is where a record stands.
type RecordState string

const (
	RecordPlanned    RecordState = "planned"     // in the year's list, not opened yet
	RecordOpen       RecordState = "open"        // documents are being filed
	RecordClosed     RecordState = "closed"      // the work ended; waiting for hand-over
	RecordHandedOver RecordState = "handed_over" // in the agency archive (Lưu trữ cơ quan)
	RecordDisposing  RecordState = "disposing"   // its destruction under an approved decision has begun
	RecordDestroyed  RecordState = "destroyed"   // tiêu hủy: bytes gone, metadata and audit trail kept
)

// Record is a hồ sơ: the documents about one matter, with its code in the agency's yearly
// list (danh mục hồ sơ), its retention and its owner.
type Record struct {
	ID       string
	AgencyID string // the agency that formed it
	// FondsCode is the fonds (mã phông) it belongs to: its agency's code when formed, kept
	// when a successor takes custody after a merger or split.
	FondsCode string
	// CustodianID is the agency holding it now: AgencyID until a succession.
	CustodianID string
	Code        string // số và ký hiệu hồ sơ, e.g. "01.TCCB"
	Title       string
	Year        int
	Category    string // its line in the retention schedule, e.g. "nhan-su"
	Retention   Retention
	RecordMetadata
	OwnerID      string // người lập hồ sơ
	InPlan       bool   // opened from the year's list rather than outside it
	State        RecordState
	LegalHold    bool
	OpenedAt     *time.Time
	WorkEndedAt  *time.Time
	ClosedAt     *time.Time
	HandOverDue  *time.Time // a year after the work ended (Decree 30 Art. 31)
	HandedOverAt *time.Time
	DestroyedAt  *time.Time
	PackageKey   string // the manifest of its archival package in the blob store
	Version      int
	CreatedAt    time.Time
}

// DisposalDue is when a fixed-term record's retention ends, nil for a permanent one or
// one whose work has not ended.
func (r *Record) DisposalDue() *time.Time {
	if r.Retention.Permanent || r.WorkEndedAt == nil {
		return nil
	}
	end := r.WorkEndedAt.In(vietnam)
	due := time.Date(end.Year()+1+r.Retention.Years, time.January, 1, 0, 0, 0, 0, vietnam)
	return &due
}

var recordCode = regexp.MustCompile(`^[0-9]{1,4}\.[\p{L}0-9.-]{1,20}$`)

// Custodian is the agency holding the record now.
func (r *Record) Custodian() string {
	if r.CustodianID == "" {
		return r.AgencyID
	}
	return r.CustodianID
}

// RecordSpec is one record of the yearly list or opened outside it.
type RecordSpec struct {
	Code  string
	Title string
	// Category picks the retention from the agency's schedule; Retention, when set, may
	// only keep the record longer than its category says.
	Category  string
	Retention Retention
	OwnerID   string
	Metadata  RecordMetadata
}

var recordKeepers = []Role{RoleClerk, RoleArchivist, RoleLeader, RoleDeputyLeader}

// recordChange runs fn on a record in a transaction after checking that the actor works
// in its agency, then writes it with the version check and audits it.
func (e *Engine) recordChange(ctx context.Context, actor Actor, recordID string, action Action, fn func(c *change, r *Record) error) (Record, error) {
	var out Record
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: action, now: e.timestamp()}
		r, err := q.RecordGetByID(ctx, recordID)
		if err != nil {
			return err
		}
		if err := c.authorize(ctx, r.Custodian()); err != nil {
			return err
		}
		if r.State == RecordDestroyed {
			return refuse(action, ReasonWrongState, "record %s was destroyed", r.Code)
		}
		before, prev := r, r.Version
		if err := fn(c, &r); err != nil {
			return err
		}
		r.Version++
		if err := q.RecordUpdate(ctx, &r, prev); err != nil {
			return err
		}
		c.audit(r.Custodian(), "record", r.ID, recordSummary(before), recordSummary(r))
		out = r
		return c.finish(ctx, "", r.ID)
	})
	if err != nil {
		return Record{}, fmt.Errorf("%s record: %w", action, err)
	}
	return out, nil
}

func recordSummary(r Record) map[string]any {
	return map[string]any{"file_code": r.FileCode(), "state": r.State, "retention": r.Retention.String(),
		"legal_hold": r.LegalHold, "custodian": r.Custodian()}
}

// PlanRecords sets up the agency's list of records for a year (danh mục hồ sơ), issued
// at the start of the year.
func (e *Engine) PlanRecords(ctx context.Context, actor Actor, year int, specs []RecordSpec) ([]Record, error) {
	return e.createRecords(ctx, actor, year, specs, true)
}

// OpenRecord opens a record outside the year's list, or opens a planned one (when a
// record of that code is planned, it is opened instead of created).
func (e *Engine) OpenRecord(ctx context.Context, actor Actor, year int, spec RecordSpec) (Record, error) {
	existing, err := e.store.RecordListByAgency(ctx, actor.AgencyID, year)
	if err != nil {
		return Record{}, err
	}
	for _, r := range existing {
		if r.Code == spec.Code && r.State == RecordPlanned {
			return e.recordChange(ctx, actor, r.ID, "open_record", func(c *change, r *Record) error {
				r.State, r.OpenedAt = RecordOpen, &c.now
				if spec.OwnerID != "" {
					if err := ownerInAgency(ctx, c.q, r.Custodian(), spec.OwnerID, "owner_id"); err != nil {
						return err
					}
					r.OwnerID = spec.OwnerID
				}
				if r.OwnerID == "" {
					r.OwnerID = actor.UserID
				}
				return nil
			})
		}
	}
	if spec.OwnerID == "" {
		spec.OwnerID = actor.UserID
	}
	rs, err := e.createRecords(ctx, actor, year, []RecordSpec{spec}, false)
	if err != nil {
		return Record{}, err
	}
	return rs[0], nil
}

func (e *Engine) createRecords(ctx context.Context, actor Actor, year int, specs []RecordSpec, plan bool) ([]Record, error) {
	now := e.timestamp()
	out := make([]Record, len(specs))
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "plan_records", now: now}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if plan && !slices.Contains(recordKeepers, actor.Role) {
			return refuse("plan_records", ReasonWrongRole, "the list of records is kept by the clerk's office and the archivist")
		}
		agency, err := q.AgencyGetByID(ctx, actor.AgencyID)
		if err != nil {
			return err
		}
		if agency.ValidTo != nil && !now.Before(*agency.ValidTo) {
			return refuse("plan_records", ReasonWrongState, "%s ended on %s; its successor opens new records", agency.Name,
				agency.ValidTo.Format(time.DateOnly))
		}
		schedule, err := e.schedule(ctx, q, actor.AgencyID)
		if err != nil {
			return err
		}
		var bad ValidationErrors
		for i, s := range specs {
			out[i] = Record{ID: NewID(), AgencyID: actor.AgencyID, FondsCode: agency.Code, CustodianID: actor.AgencyID, Code: s.Code,
				Title: s.Title, Year: year, Category: s.Category, Retention: s.Retention, RecordMetadata: s.Metadata.withDefaults(),
				OwnerID: s.OwnerID, InPlan: plan, State: RecordPlanned, Version: 1, CreatedAt: now}
			if !plan {
				out[i].State, out[i].OpenedAt = RecordOpen, &now
			}
			bad = append(bad, prefixed(fmt.Sprintf("records[%d].", i), len(specs) > 1, recordEntryErrors(&out[i], schedule))...)
			if s.OwnerID != actor.UserID && s.OwnerID != "" {
				field := "owner_id"
				if len(specs) > 1 {
					field = fmt.Sprintf("records[%d].owner_id", i)
				}
				err := ownerInAgency(ctx, q, actor.AgencyID, s.OwnerID, field)
				var ve *ValidationError
				if errors.As(err, &ve) {
					bad = append(bad, ve)
				} else if err != nil {
					return err
				}
			}
		}
		if len(bad) > 0 {
			return bad
		}
		for i := range out {
			if err := q.RecordInsert(ctx, &out[i]); err != nil {
				return fmt.Errorf("record %s: %w", out[i].Code, err)
			}
			c.audit(actor.AgencyID, "record", out[i].ID, nil, recordSummary(out[i]))
		}
		return c.finish(ctx, "", actor.AgencyID)
	})
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	return out, nil
}

// ownerInAgency refuses a record owner (người lập hồ sơ) who works elsewhere: a record is
// kept by the agency's own staff.
func ownerInAgency(ctx context.Context, q Queries, agencyID, userID, field string) error {
	ms, err := q.MembershipListByUser(ctx, userID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	for _, m := range ms {
		if m.AgencyID == agencyID {
			return nil
		}
	}
	return invalid(field, "người lập hồ sơ phải là cán bộ của cơ quan / the owner must be a member of the agency")
}

// recordEntryErrors applies the schedule to a new record and checks every field.
func recordEntryErrors(r *Record, schedule map[string]RetentionRule) ValidationErrors {
	var c fieldCheck
	if r.Category != "" {
		rule, ok := schedule[r.Category]
		switch {
		case !ok:
			c.fail("category", "nhóm hồ sơ %q is not in the agency's retention schedule", r.Category)
		case r.Retention == (Retention{}):
			r.Retention = rule.Retention
		case r.Retention.shorterThan(rule.Retention):
			c.fail("retention", "%s is shorter than the schedule's %s for %s", r.Retention, rule.Retention, rule.Name)
		}
	}
	var bad ValidationErrors
	if errors.As(r.Validate(), &bad) {
		c.errs = append(c.errs, bad...)
	}
	return c.errs
}

// prefixed names fields of one entry among several ("records[1].title").
func prefixed(prefix string, on bool, errs ValidationErrors) ValidationErrors {
	if !on {
		return errs
	}
	out := make(ValidationErrors, len(errs))
	for i, e := range errs {
		out[i] = &ValidationError{Field: prefix + e.Field, Message: e.Message}
	}
	return out
}

// SetRecordMetadata completes or corrects a record's metadata (title and the national
// field list), as closing asks (Decree 30 Art. 30).
func (e *Engine) SetRecordMetadata(ctx context.Context, actor Actor, recordID, title string, m RecordMetadata) (Record, error) {
	return e.recordChange(ctx, actor, recordID, "record_metadata", func(c *change, r *Record) error {
		if actor.UserID != r.OwnerID && !slices.Contains(recordKeepers, actor.Role) {
			return refuse("record_metadata", ReasonWrongRole, "the record's owner or the archivist describes it")
		}
		if title != "" {
			r.Title = title
		}
		r.RecordMetadata = m.withDefaults()
		return r.Validate()
	})
}

// FileDocument puts a document of the agency into an open record (lập hồ sơ).
func (e *Engine) FileDocument(ctx context.Context, actor Actor, recordID, docID string) error {
	_, err := e.recordChange(ctx, actor, recordID, "file_document", func(c *change, r *Record) error {
		if r.State != RecordOpen {
			return refuse("file_document", ReasonWrongState, "record is %s", r.State)
		}
		d, err := c.q.DocumentGetByID(ctx, docID)
		if err != nil {
			return err
		}
		if d.AgencyID != r.Custodian() {
			return invalid("document_id", "the document belongs to another agency")
		}
		issuer, err := c.q.AgencyGetByID(ctx, d.AgencyID)
		if err != nil {
			return err
		}
		// What cannot change after filing is checked now; numbers and dates at closing.
		var fc fieldCheck
		DocumentMetadataOf(r, 1, &d, issuer.Name).check(&fc, "", "")
		if err := fc.err(); err != nil {
			return err
		}
		return c.q.RecordDocumentInsert(ctx, r.ID, d.ID, c.actor.UserID, c.now)
	})
	return err
}

// CloseRecord closes a record when its work has ended: it must hold documents and no
// drafts, and its hand-over to the agency archive falls due a year later.
func (e *Engine) CloseRecord(ctx context.Context, actor Actor, recordID string, workEnded time.Time) (Record, error) {
	return e.recordChange(ctx, actor, recordID, "close_record", func(c *change, r *Record) error {
		if r.State != RecordOpen {
			return refuse("close_record", ReasonWrongState, "record is %s", r.State)
		}
		if actor.UserID != r.OwnerID && !slices.Contains(recordKeepers, actor.Role) {
			return refuse("close_record", ReasonWrongRole, "the record's owner or the archivist closes it")
		}
		ids, err := c.q.RecordDocumentList(ctx, r.ID)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return invalid("documents", "an empty record cannot be closed")
		}
		docs := make([]Document, len(ids))
		for i, id := range ids {
			if docs[i], err = c.q.DocumentGetByID(ctx, id); err != nil {
				return err
			}
			if docs[i].Flow == Outgoing && docs[i].Number == 0 {
				return invalid("documents", "remove the draft %q before closing (Decree 30 Art. 30)", docs[i].Subject)
			}
		}
		if err := c.documentsMetadata(ctx, r, docs); err != nil {
			return err
		}
		ended := workEnded.UTC().Truncate(time.Microsecond)
		if ended.After(c.now) {
			return invalid("end_date", "thời gian kết thúc %s is in the future", ended.Format(time.DateOnly))
		}
		due := ended.AddDate(1, 0, 0)
		r.State, r.WorkEndedAt, r.ClosedAt, r.HandOverDue = RecordClosed, &ended, &c.now, &due
		return nil
	})
}

// HandOver records that the agency archive took the closed record in (nộp lưu).
func (e *Engine) HandOver(ctx context.Context, actor Actor, recordID string) (Record, error) {
	return e.recordChange(ctx, actor, recordID, "hand_over", func(c *change, r *Record) error {
		if r.State != RecordClosed {
			return refuse("hand_over", ReasonWrongState, "record is %s", r.State)
		}
		if actor.Role != RoleArchivist {
			return refuse("hand_over", ReasonWrongRole, "the archivist takes records into the agency archive")
		}
		r.State, r.HandedOverAt = RecordHandedOver, &c.now
		return nil
	})
}

// RecordArchived notes where the archivist stored the record's archival package.
func (e *Engine) RecordArchived(ctx context.Context, actor Actor, recordID, packageKey string) (Record, error) {
	return e.recordChange(ctx, actor, recordID, "archive_record", func(c *change, r *Record) error {
		if actor.Role != RoleArchivist {
			return refuse("archive_record", ReasonWrongRole, "the archivist stores archival packages")
		}
		if r.State != RecordClosed && r.State != RecordHandedOver {
			return refuse("archive_record", ReasonWrongState, "record is %s", r.State)
		}
		r.PackageKey = packageKey
		return nil
	})
}

// SetLegalHold puts a record on hold (nothing may dispose of it) or releases it.
func (e *Engine) SetLegalHold(ctx context.Context, actor Actor, recordID string, hold bool) (Record, error) {
	return e.recordChange(ctx, actor, recordID, "legal_hold", func(c *change, r *Record) error {
		if actor.Role != RoleArchivist && actor.Role != RoleLeader {
			return refuse("legal_hold", ReasonWrongRole, "the archivist or the head of the agency sets a hold")
		}
		if r.State == RecordDisposing {
			return refuse("legal_hold", ReasonWrongState, "record %s is being destroyed under an approved decision", r.Code)
		}
		r.LegalHold = hold
		return nil
	})
}

// HandOverNotices lists the closed records of an agency whose hand-over falls due within
// the next 30 days or is overdue (PL VI III.5.b asks for the notice 30 days ahead).
func (e *Engine) HandOverNotices(ctx context.Context, agencyID string) ([]Record, error) {
	all, err := e.store.RecordListByCustodian(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	horizon := e.now().AddDate(0, 0, 30)
	return slices.DeleteFunc(all, func(r Record) bool {
		return r.State != RecordClosed || r.HandOverDue == nil || r.HandOverDue.After(horizon)
	}), nil
}

// documentsMetadata checks the field-list entry of every document filed in r and reports
// all that are incomplete, each named by its place in the record.
func (c *change) documentsMetadata(ctx context.Context, r *Record, docs []Document) error {
	var fc fieldCheck
	issuers := map[string]string{} // agency id → name: a record's documents mostly share one
	for i := range docs {
		d := &docs[i]
		name, ok := issuers[d.AgencyID]
		if !ok {
			issuer, err := c.q.AgencyGetByID(ctx, d.AgencyID)
			if err != nil {
				return err
			}
			name, issuers[d.AgencyID] = issuer.Name, issuer.Name
		}
		DocumentMetadataOf(r, i+1, d, name).check(&fc, fmt.Sprintf("documents[%d].", i+1), d.Flow)
	}
	return fc.err()
}

// shorterThan reports whether r keeps a record for less time than o.
func (r Retention) shorterThan(o Retention) bool {
	switch {
	case r.Permanent:
		return false
	case o.Permanent:
		return true
	}
	return r.Years < o.Years
}

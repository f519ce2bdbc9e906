package engine

import (
	"context"
	"fmt"
	"slices"
)

// recordPageMax caps one page of the records workspace's lists.
const recordPageMax = 200

// RecordPage lists one page of the records the actor's agency holds. The clerk's office,
// the archivist and the leaders see the whole list; anyone else only the records they
// keep themselves (người lập hồ sơ).
func (e *Engine) RecordPage(ctx context.Context, actor Actor, f RecordFilter) ([]Record, error) {
	if err := e.member(ctx, actor, "list_records"); err != nil {
		return nil, err
	}
	f.CustodianID = actor.AgencyID
	if !slices.Contains(recordKeepers, actor.Role) {
		f.OwnerID = actor.UserID
	}
	f.Limit, f.Offset = pageBounds(f.Limit, f.Offset)
	recs, err := e.store.RecordPage(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	return recs, nil
}

// RemoveDocument takes a document filed by mistake out of an open record; a closed
// record keeps what it holds.
func (e *Engine) RemoveDocument(ctx context.Context, actor Actor, recordID, docID string) error {
	_, err := e.recordChange(ctx, actor, recordID, "remove_document", func(c *change, r *Record) error {
		if r.State != RecordOpen {
			return refuse("remove_document", ReasonWrongState, "record is %s", r.State)
		}
		if actor.UserID != r.OwnerID && !slices.Contains(recordKeepers, actor.Role) {
			return refuse("remove_document", ReasonWrongRole, "the record's owner or the archivist removes documents")
		}
		if err := c.q.RecordDocumentDelete(ctx, r.ID, docID); err != nil {
			return fmt.Errorf("document %s: %w", docID, err)
		}
		// The record's own event does not name the document; this one does.
		c.audit(r.Custodian(), "document", docID, map[string]any{"record": r.FileCode()}, map[string]any{"record": nil})
		return nil
	})
	return err
}

// RecordsOfDocument lists the records of the actor's agency that hold a document.
func (e *Engine) RecordsOfDocument(ctx context.Context, actor Actor, docID string) ([]Record, error) {
	if err := e.member(ctx, actor, "read"); err != nil {
		return nil, err
	}
	ids, err := e.store.RecordIDsByDocument(ctx, docID)
	if err != nil {
		return nil, fmt.Errorf("records of document %s: %w", docID, err)
	}
	var out []Record
	for _, id := range ids {
		r, err := e.store.RecordGetByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("records of document %s: %w", docID, err)
		}
		if r.Custodian() == actor.AgencyID {
			out = append(out, r)
		}
	}
	return out, nil
}

// RecordTrail lists one page of the audit trail of a record the actor's agency holds:
// its own events and those of the documents filed in it, newest first.
func (e *Engine) RecordTrail(ctx context.Context, actor Actor, recordID string, offset, limit int) ([]Event, error) {
	r, err := e.heldRecord(ctx, actor, recordID)
	if err != nil {
		return nil, err
	}
	limit, offset = pageBounds(limit, offset)
	evs, err := e.store.RecordEventPage(ctx, r.Custodian(), r.ID, offset, limit)
	if err != nil {
		return nil, fmt.Errorf("record %s trail: %w", r.Code, err)
	}
	return evs, nil
}

// Appraisals lists one page of the agency's appraisals for destruction, newest first,
// for the archivist who proposes them and the leaders who decide.
func (e *Engine) Appraisals(ctx context.Context, actor Actor, offset, limit int) ([]Appraisal, error) {
	if err := e.member(ctx, actor, "list_appraisals"); err != nil {
		return nil, err
	}
	if !slices.Contains(recordKeepers, actor.Role) {
		return nil, refuse("list_appraisals", ReasonWrongRole, "appraisals are the archivist's and the head's")
	}
	limit, offset = pageBounds(limit, offset)
	as, err := e.store.AppraisalPage(ctx, actor.AgencyID, offset, limit)
	if err != nil {
		return nil, fmt.Errorf("appraisals: %w", err)
	}
	return as, nil
}

// heldRecord reads a record the actor's agency holds; another agency's is not found.
func (e *Engine) heldRecord(ctx context.Context, actor Actor, recordID string) (Record, error) {
	r, err := e.store.RecordGetByID(ctx, recordID)
	if err != nil {
		return Record{}, fmt.Errorf("record %s: %w", recordID, err)
	}
	if r.Custodian() != actor.AgencyID {
		return Record{}, fmt.Errorf("record %s: %w", recordID, ErrNotFound)
	}
	if err := e.member(ctx, actor, "read"); err != nil {
		return Record{}, err
	}
	return r, nil
}

func pageBounds(limit, offset int) (int, int) {
	if limit <= 0 || limit > recordPageMax {
		limit = recordPageMax
	}
	return limit, max(offset, 0)
}

// RecordExported audits that the archivist took a copy of a record out as a bag: the
// bytes leave the system, so who took them and when is kept.
func (e *Engine) RecordExported(ctx context.Context, actor Actor, recordID string) error {
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "export_record", now: e.timestamp()}
		r, err := q.RecordGetByID(ctx, recordID)
		if err != nil {
			return err
		}
		if err := c.authorize(ctx, r.Custodian()); err != nil {
			return err
		}
		if actor.Role != RoleArchivist {
			return refuse(c.action, ReasonWrongRole, "the archivist exports records")
		}
		c.audit(r.Custodian(), "record", r.ID, nil, map[string]any{"file_code": r.FileCode(), "exported": true})
		return c.finish(ctx, "", r.ID)
	})
	if err != nil {
		return fmt.Errorf("export record %s: %w", recordID, err)
	}
	return nil
}

// HeldRecord reads a record the actor's agency holds now (its own, or one it took over
// from a predecessor) with its documents in filing order.
func (e *Engine) HeldRecord(ctx context.Context, actor Actor, recordID string) (Record, []string, error) {
	r, err := e.heldRecord(ctx, actor, recordID)
	if err != nil {
		return Record{}, nil, err
	}
	ids, err := e.store.RecordDocumentList(ctx, r.ID)
	if err != nil {
		return Record{}, nil, fmt.Errorf("record %s documents: %w", r.Code, err)
	}
	return r, ids, nil
}

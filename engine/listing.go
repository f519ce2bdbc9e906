package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// ListQuery selects a page of the actor's agency's documents. Zero fields do not filter.
type ListQuery struct {
	Flow  Flow
	State State
	Year  int
	// After is the Next of the previous page; empty for the first page.
	After string
	Limit int
}

// Page is one page of documents, newest first; Next is empty on the last page.
type Page struct {
	Documents []Document
	Next      string
}

// MaxPageSize bounds one page of any list.
const MaxPageSize = 200

// ListDocuments pages through the documents of the actor's agency (the registers: văn bản
// đến, văn bản đi), newest first, along an index: one range scan per page.
func (e *Engine) ListDocuments(ctx context.Context, actor Actor, q ListQuery) (Page, error) {
	if err := e.member(ctx, actor, "list"); err != nil {
		return Page{}, err
	}
	switch {
	case q.Flow != "" && q.Flow != Incoming && q.Flow != Outgoing:
		return Page{}, invalid("flow", "must be incoming or outgoing")
	case q.After != "" && uuid.Validate(q.After) != nil:
		return Page{}, invalid("cursor", "not a cursor of this list")
	case q.Limit < 0 || q.Limit > MaxPageSize:
		return Page{}, invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	// One row more than asked says whether another page follows.
	docs, err := e.store.DocumentPage(ctx, DocumentPageFilter{AgencyID: actor.AgencyID, Flow: q.Flow, State: q.State,
		Year: q.Year, Before: q.After, Limit: limit + 1})
	if err != nil {
		return Page{}, fmt.Errorf("list documents: %w", err)
	}
	p := Page{Documents: docs}
	if len(docs) > limit {
		p.Documents = docs[:limit]
		p.Next = docs[limit-1].ID
	}
	// Lists, like searches, show classified documents only to the roles that handle them,
	// and showing one (its subject) is a read of it, audited as Document audits one. A page
	// may so come out shorter than asked; its cursor still leads on.
	p.Documents = slices.DeleteFunc(p.Documents, func(d Document) bool {
		return d.Classification != Unclassified && !seesClassified(actor.Role)
	})
	if err := e.auditClassifiedReads(ctx, actor, p.Documents); err != nil {
		return Page{}, fmt.Errorf("list documents: %w", err)
	}
	return p, nil
}

// seesClassified says whether a role sees classified documents in lists and searches:
// the leaders, the clerk who registers them and the archivist who keeps them. Others
// reach a classified document only through their assignment, and every read is audited.
func seesClassified(r Role) bool {
	return r == RoleLeader || r == RoleDeputyLeader || r == RoleClerk || r == RoleArchivist
}

// auditClassifiedReads records the classified documents among docs as read by the actor.
func (e *Engine) auditClassifiedReads(ctx context.Context, actor Actor, docs []Document) error {
	var classified []Document
	for _, d := range docs {
		if d.Classification != Unclassified {
			classified = append(classified, d)
		}
	}
	if len(classified) == 0 {
		return nil
	}
	return e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "read", now: e.timestamp()}
		for _, d := range classified {
			c.audit(d.AgencyID, "document", d.ID, nil,
				map[string]any{"read": true, "listed": true, "classification": d.Classification})
		}
		return c.finish(ctx, "", classified[0].ID)
	})
}

// DocumentFiles lists a document's files for the actor (a foreign agency's: not found).
func (e *Engine) DocumentFiles(ctx context.Context, actor Actor, docID string) ([]File, error) {
	if _, err := e.Document(ctx, actor, docID); err != nil {
		return nil, err
	}
	return e.store.FileListByDocument(ctx, docID)
}

// DocumentAssignments lists who handles an incoming document, with their notes.
func (e *Engine) DocumentAssignments(ctx context.Context, actor Actor, docID string) ([]Assignment, error) {
	if _, err := e.Document(ctx, actor, docID); err != nil {
		return nil, err
	}
	return e.store.AssignmentListByDocument(ctx, docID)
}

// AssignmentNotes lists the progress notes and extension requests of an assignment.
func (e *Engine) AssignmentNotes(ctx context.Context, actor Actor, assignmentID string) ([]AssignmentNote, error) {
	a, err := e.store.AssignmentGetByID(ctx, assignmentID)
	if err != nil {
		return nil, err
	}
	if _, err := e.Document(ctx, actor, a.DocumentID); err != nil {
		return nil, err
	}
	return e.store.AssignmentNoteListByAssignment(ctx, assignmentID)
}

// Records lists the records (hồ sơ) of the actor's agency for a year (0: every year).
func (e *Engine) Records(ctx context.Context, actor Actor, year int) ([]Record, error) {
	if err := e.member(ctx, actor, "list"); err != nil {
		return nil, err
	}
	return e.store.RecordListByAgency(ctx, actor.AgencyID, year)
}

// Record reads one record with the ids of its documents; another agency's is not found.
func (e *Engine) Record(ctx context.Context, actor Actor, id string) (Record, []string, error) {
	r, err := e.store.RecordGetByID(ctx, id)
	if err != nil {
		return Record{}, nil, err
	}
	if r.AgencyID != actor.AgencyID {
		return Record{}, nil, fmt.Errorf("record %s: %w", id, ErrNotFound)
	}
	if err := e.member(ctx, actor, "read"); err != nil {
		return Record{}, nil, err
	}
	docs, err := e.store.RecordDocumentList(ctx, id)
	return r, docs, err
}

// member checks that the actor holds their role in their agency.
func (e *Engine) member(ctx context.Context, actor Actor, action Action) error {
	c := &change{e: e, q: e.store, actor: actor, action: action}
	err := c.authorize(ctx, actor.AgencyID)
	var te *TransitionError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %w", action, err)
	}
	return err
}

// Agencies lists every agency, parents before children: what a sender picks recipients
// from. Any user with a role somewhere may read it.
func (e *Engine) Agencies(ctx context.Context, actor Actor) ([]Agency, error) {
	if err := e.member(ctx, actor, "list"); err != nil {
		return nil, err
	}
	return e.store.AgencyList(ctx)
}

// Units lists the units of an agency, for directing and drafting.
func (e *Engine) Units(ctx context.Context, actor Actor, agencyID string) ([]Unit, error) {
	if err := e.member(ctx, actor, "list"); err != nil {
		return nil, err
	}
	if _, err := e.store.AgencyGetByID(ctx, agencyID); err != nil {
		return nil, err
	}
	return e.store.UnitListByAgency(ctx, agencyID)
}

// auditors may check their agency's audit chain.
var auditors = []Role{RoleAdmin, RoleArchivist, RoleLeader}

// AuditReport checks the audit chain of the actor's agency, for its admin, archivist
// or head.
func (e *Engine) AuditReport(ctx context.Context, actor Actor) ([]ChainProblem, int64, error) {
	if err := e.member(ctx, actor, "audit_verify"); err != nil {
		return nil, 0, err
	}
	if !slices.Contains(auditors, actor.Role) {
		return nil, 0, refuse("audit_verify", ReasonWrongRole, "a %s cannot verify the audit log", actor.Role)
	}
	return e.VerifyAudit(ctx, actor.AgencyID)
}

package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// AssignmentNote is a line in an assignment's history: progress reported, an extension
// asked for (with the deadline wanted), and the answer.
type AssignmentNote struct {
	ID           string
	AssignmentID string
	AuthorID     string
	Kind         string // progress, extension_request, extension_granted, extension_refused
	Body         string
	NewDeadline  *time.Time
	CreatedAt    time.Time
}

// Note kinds.
const (
	NoteProgress         = "progress"
	NoteExtensionRequest = "extension_request"
	NoteExtensionGranted = "extension_granted"
	NoteExtensionRefused = "extension_refused"
)

// assignmentChange runs fn on an assignment in a transaction, after checking that the
// actor works in the document's agency, and audits what fn returns.
func (e *Engine) assignmentChange(ctx context.Context, actor Actor, assignmentID string, action Action,
	fn func(c *change, d *Document, a *Assignment) (after any, err error)) error {
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: action, now: e.timestamp()}
		a, err := q.AssignmentGetByID(ctx, assignmentID)
		if err != nil {
			return err
		}
		d, err := q.DocumentGetByID(ctx, a.DocumentID)
		if err != nil {
			return err
		}
		if err := c.authorize(ctx, d.AgencyID); err != nil {
			return err
		}
		if d.State != StateDirected && d.State != StateInProgress {
			return refuse(action, ReasonWrongState, "document is %s", d.State)
		}
		before := a
		after, err := fn(c, &d, &a)
		if err != nil {
			return err
		}
		c.audit(d.AgencyID, "assignment", a.ID, assignmentSummary(before), after)
		return c.finish(ctx, "", a.ID)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}

func assignmentSummary(a Assignment) map[string]any {
	return map[string]any{"unit": a.UnitID, "user": a.UserID, "role": a.Role, "deadline": a.Deadline, "status": a.Status}
}

// isUnitMember reports whether user holds role in unit.
func (c *change) isUnitMember(ctx context.Context, userID, unitID string, roles ...Role) (bool, error) {
	ms, err := c.q.MembershipListByUser(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.UnitID == unitID && (len(roles) == 0 || slices.Contains(roles, m.Role)) {
			return true, nil
		}
	}
	return false, nil
}

// AssignWithin is the unit head's giving of the unit's part to one of their people (Phiếu
// giải quyết văn bản đến, mục 2): a sub-assignment with its own deadline.
func (e *Engine) AssignWithin(ctx context.Context, actor Actor, assignmentID, userID string, deadline *time.Time, workingDays int, note string) (Assignment, error) {
	var child Assignment
	err := e.assignmentChange(ctx, actor, assignmentID, "assign", func(c *change, d *Document, a *Assignment) (any, error) {
		if a.UnitID == "" {
			return nil, invalid("assignment", "only a unit's assignment is passed on within the unit")
		}
		if ok, err := c.isUnitMember(ctx, actor.UserID, a.UnitID, RoleUnitHead); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			return nil, refuse("assign", ReasonWrongRole, "only the head of the unit assigns its people")
		}
		if ok, err := c.isUnitMember(ctx, userID, a.UnitID); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			return nil, invalid("user_id", "the person does not work in this unit")
		}
		if deadline == nil && workingDays > 0 {
			cal, err := e.CalendarFor(ctx, d.AgencyID)
			if err != nil {
				return nil, err
			}
			due := cal.AddWorkingDays(c.now, workingDays)
			deadline = &due
		}
		if deadline == nil {
			deadline = a.Deadline
		}
		child = Assignment{ID: NewID(), DocumentID: a.DocumentID, ParentID: a.ID, UnitID: a.UnitID, UserID: userID,
			Role: a.Role, Deadline: truncate(deadline), Status: "open", Note: note, CreatedBy: actor.UserID, CreatedAt: c.now}
		if err := c.q.AssignmentInsert(ctx, &child); err != nil {
			return nil, err
		}
		return map[string]any{"sub_assignment": child.ID, "user": userID, "deadline": child.Deadline}, nil
	})
	return child, err
}

// canWorkOn reports whether the actor is the assignee or works in the assigned unit.
func (c *change) canWorkOn(ctx context.Context, a *Assignment) (bool, error) {
	if a.UserID == c.actor.UserID {
		return true, nil
	}
	if a.UnitID == "" {
		return false, nil
	}
	return c.isUnitMember(ctx, c.actor.UserID, a.UnitID)
}

// ReportProgress adds a progress note to an assignment (tiến độ giải quyết).
func (e *Engine) ReportProgress(ctx context.Context, actor Actor, assignmentID, text string) error {
	if text == "" {
		return invalid("body", "a progress note needs text")
	}
	return e.assignmentChange(ctx, actor, assignmentID, "progress", func(c *change, d *Document, a *Assignment) (any, error) {
		if ok, err := c.canWorkOn(ctx, a); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			return nil, refuse("progress", ReasonNotAssigned, "the assignment is not this user's")
		}
		n := AssignmentNote{ID: NewID(), AssignmentID: a.ID, AuthorID: actor.UserID, Kind: NoteProgress, Body: text, CreatedAt: c.now}
		return map[string]any{"note": text}, c.q.AssignmentNoteInsert(ctx, &n)
	})
}

// RequestExtension asks for a later deadline, with the reason.
func (e *Engine) RequestExtension(ctx context.Context, actor Actor, assignmentID string, until time.Time, reason string) (AssignmentNote, error) {
	var n AssignmentNote
	if reason == "" {
		return n, invalid("reason", "an extension request needs a reason")
	}
	err := e.assignmentChange(ctx, actor, assignmentID, "request_extension", func(c *change, d *Document, a *Assignment) (any, error) {
		if ok, err := c.canWorkOn(ctx, a); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			return nil, refuse("request_extension", ReasonNotAssigned, "the assignment is not this user's")
		}
		if a.Deadline != nil && !until.After(*a.Deadline) {
			return nil, invalid("until", "the new deadline must be after the current one")
		}
		n = AssignmentNote{ID: NewID(), AssignmentID: a.ID, AuthorID: actor.UserID, Kind: NoteExtensionRequest, Body: reason,
			NewDeadline: truncate(&until), CreatedAt: c.now}
		return map[string]any{"extension_to": n.NewDeadline, "reason": reason}, c.q.AssignmentNoteInsert(ctx, &n)
	})
	return n, err
}

// DecideExtension answers an extension request. Whoever gave the assignment decides (the
// leader for a unit's part, the unit head for a person's), or a leader of the agency.
func (e *Engine) DecideExtension(ctx context.Context, actor Actor, requestID string, grant bool, comment string) error {
	req, err := e.store.AssignmentNoteGetByID(ctx, requestID)
	if err != nil {
		return fmt.Errorf("decide extension: %w", err)
	}
	if req.Kind != NoteExtensionRequest {
		return invalid("request", "this note is not an extension request")
	}
	return e.assignmentChange(ctx, actor, req.AssignmentID, "decide_extension", func(c *change, d *Document, a *Assignment) (any, error) {
		if a.CreatedBy != actor.UserID && actor.Role != RoleLeader && actor.Role != RoleDeputyLeader {
			return nil, refuse("decide_extension", ReasonWrongRole, "only who gave the assignment, or a leader, decides")
		}
		notes, err := c.q.AssignmentNoteListByAssignment(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, n := range notes {
			if n.CreatedAt.After(req.CreatedAt) && (n.Kind == NoteExtensionGranted || n.Kind == NoteExtensionRefused) {
				return nil, fmt.Errorf("the request was already answered: %w", ErrConflict)
			}
		}
		kind := NoteExtensionRefused
		if grant {
			kind = NoteExtensionGranted
			a.Deadline = req.NewDeadline
			if err := c.q.AssignmentUpdate(ctx, a); err != nil {
				return nil, err
			}
			if a.Role == Lead && a.ParentID == "" {
				d.Deadline = a.Deadline
				prev := d.Version
				d.Version, d.UpdatedAt = d.Version+1, c.now
				if err := c.q.DocumentUpdate(ctx, d, prev); err != nil {
					return nil, err
				}
			}
		}
		n := AssignmentNote{ID: NewID(), AssignmentID: a.ID, AuthorID: actor.UserID, Kind: kind, Body: comment,
			NewDeadline: req.NewDeadline, CreatedAt: c.now}
		return map[string]any{"decision": kind, "deadline": a.Deadline}, c.q.AssignmentNoteInsert(ctx, &n)
	})
}

// DistributionList is a saved group of recipients (e.g. "Các sở, ngành").
type DistributionList struct {
	ID        string
	AgencyID  string
	Name      string
	Members   []string
	CreatedAt time.Time
}

// SaveDistributionList stores a named list of recipient agencies for the actor's agency.
func (e *Engine) SaveDistributionList(ctx context.Context, actor Actor, name string, members []string) (DistributionList, error) {
	l := DistributionList{ID: NewID(), AgencyID: actor.AgencyID, Name: name, Members: slices.Compact(slices.Sorted(slices.Values(members))),
		CreatedAt: e.timestamp()}
	if name == "" || len(l.Members) == 0 {
		return l, invalid("list", "a distribution list needs a name and members")
	}
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "save_list", now: l.CreatedAt}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if actor.Role != RoleClerk && actor.Role != RoleAdmin {
			return refuse("save_list", ReasonWrongRole, "distribution lists belong to the clerk's office")
		}
		if err := q.DistributionListInsert(ctx, &l); err != nil {
			return err
		}
		c.audit(actor.AgencyID, "distribution_list", l.ID, nil, map[string]any{"name": name, "members": l.Members})
		return c.finish(ctx, "", l.ID)
	})
	if err != nil {
		return DistributionList{}, fmt.Errorf("save distribution list: %w", err)
	}
	return l, nil
}

// Copy is an electronic copy (bản sao y, sao lục, trích sao) registered in the agency's
// one copy series.
type Copy struct {
	ID        string
	AgencyID  string
	SourceID  string
	Form      string // SY, SL, TrS
	Year      int
	Number    int
	Notation  string // "03/SY-UBND"
	CreatedBy string
	CreatedAt time.Time
}

// IssueCopy numbers an electronic copy of a document in the copy register.
func (e *Engine) IssueCopy(ctx context.Context, actor Actor, sourceID, form string) (Copy, error) {
	if form != "SY" && form != "SL" && form != "TrS" {
		return Copy{}, invalid("form", "a copy is SY (sao y), SL (sao lục) or TrS (trích sao), not %q", form)
	}
	var cp Copy
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "copy", now: e.timestamp()}
		d, err := q.DocumentGetByID(ctx, sourceID)
		if err != nil {
			return err
		}
		if err := c.authorize(ctx, d.AgencyID); err != nil {
			return err
		}
		if actor.Role != RoleClerk && actor.Role != RoleArchivist {
			return refuse("copy", ReasonWrongRole, "copies are made by the clerk or the archivist")
		}
		agency, err := q.AgencyGetByID(ctx, d.AgencyID)
		if err != nil {
			return err
		}
		year := c.now.In(vietnam).Year()
		n, err := q.RegisterNextNumber(ctx, d.AgencyID, year, RegisterCopy, "")
		if err != nil {
			return err
		}
		cp = Copy{ID: NewID(), AgencyID: d.AgencyID, SourceID: d.ID, Form: form, Year: year, Number: n,
			Notation: Notation(n, form, agency.ShortName, ""), CreatedBy: actor.UserID, CreatedAt: c.now}
		if err := q.CopyInsert(ctx, &cp); err != nil {
			return err
		}
		c.audit(d.AgencyID, "copy", cp.ID, nil, map[string]any{"source": d.ID, "notation": cp.Notation})
		return c.finish(ctx, "", cp.ID)
	})
	if err != nil {
		return Copy{}, fmt.Errorf("issue copy: %w", err)
	}
	return cp, nil
}

// Document reads one document for the actor: a document of another agency is not found,
// nor is a classified one the actor does not handle (see handlesClassified), and every
// read of a classified document is audited (who read which, when). Every read of a
// document and of what belongs to it (files, assignments, notes) goes through here.
func (e *Engine) Document(ctx context.Context, actor Actor, id string) (Document, error) {
	var d Document
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "read", now: e.timestamp()}
		var err error
		if d, err = q.DocumentGetByID(ctx, id); err != nil {
			return err
		}
		if err := c.authorize(ctx, d.AgencyID); err != nil {
			return err
		}
		if d.Classification == Unclassified {
			return nil
		}
		if ok, err := handlesClassified(ctx, q, actor, d); err != nil || !ok {
			return cmp.Or(err, fmt.Errorf("document %s: %w", id, ErrNotFound))
		}
		c.audit(d.AgencyID, "document", d.ID, nil, map[string]any{"read": true, "classification": d.Classification})
		return c.finish(ctx, "", d.ID)
	})
	var te *TransitionError
	if errors.As(err, &te) && te.Reason == ReasonNotYourAgency {
		return Document{}, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	return d, err
}

// handlesClassified says whether the actor may see a classified document: the roles that
// see them in lists (seesClassified), its drafter, and the people it was given to — an
// assignment to them or to a unit they head, or a review step. To anyone else it does not
// exist: hidden from lists and not found by id alike.
func handlesClassified(ctx context.Context, q Queries, actor Actor, d Document) (bool, error) {
	if seesClassified(actor.Role) || d.DrafterID == actor.UserID {
		return true, nil
	}
	as, err := q.AssignmentListByDocument(ctx, d.ID)
	if err != nil {
		return false, err
	}
	var headOf []string
	if actor.Role == RoleUnitHead {
		ms, err := q.MembershipListByUser(ctx, actor.UserID)
		if err != nil {
			return false, err
		}
		for _, m := range ms {
			if m.AgencyID == actor.AgencyID && m.Role == RoleUnitHead && m.UnitID != "" {
				headOf = append(headOf, m.UnitID)
			}
		}
	}
	for _, a := range as {
		if a.UserID == actor.UserID || (a.UserID == "" && slices.Contains(headOf, a.UnitID)) {
			return true, nil
		}
	}
	steps, err := q.ReviewStepListByDocument(ctx, d.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(steps, func(s ReviewStep) bool { return s.ReviewerID == actor.UserID }), nil
}

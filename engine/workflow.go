package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Actor is a user acting in one of their roles in one agency. Every change of state
// names one; the engine checks that the user really holds that role there.
type Actor struct {
	UserID   string
	AgencyID string
	Role     Role
}

// Reason says why a transition was refused.
type Reason string

const (
	ReasonWrongState        Reason = "wrong_state"
	ReasonWrongRole         Reason = "wrong_role"
	ReasonNotYourAgency     Reason = "not_your_agency"
	ReasonDelegationExpired Reason = "delegation_expired"
	ReasonNotAssigned       Reason = "not_assigned"
	ReasonUnknownAction     Reason = "unknown_action"
)

// TransitionError is a refused transition: nothing was changed.
type TransitionError struct {
	Action Action
	Reason Reason
	Detail string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s refused: %s: %s", e.Action, e.Reason, e.Detail)
}

// Unwrap maps the refusal onto an error kind: a foreign agency's document is "not found".
func (e *TransitionError) Unwrap() error {
	if e.Reason == ReasonNotYourAgency {
		return ErrNotFound
	}
	if e.Reason == ReasonWrongState {
		return ErrConflict
	}
	return ErrForbidden
}

func refuse(a Action, r Reason, format string, args ...any) error {
	return &TransitionError{Action: a, Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// change is one transition in progress inside a transaction.
type change struct {
	e      *Engine
	q      Queries
	actor  Actor
	action Action
	now    time.Time
	events []Event
	// reserved is the sequence numbers of one agency's chain taken early, with a number
	// (takeNumber): finish links that agency's events to them rather than advancing its
	// head again.
	reserved *chainReservation
}

// chainReservation is a run of an agency's audit sequence numbers held by a change.
type chainReservation struct {
	agencyID string
	first    int64
	prevHash string
	events   int
}

// audit records an event to append when the transaction ends.
func (c *change) audit(agencyID, objectType, objectID string, before, after any) {
	c.events = append(c.events, Event{AgencyID: agencyID, At: c.now, ActorID: c.actor.UserID, Role: c.actor.Role,
		Action: string(c.action), ObjectType: objectType, ObjectID: objectID, Before: snapshot(before), After: snapshot(after)})
}

// transition runs one lifecycle step on a document: it checks the actor, the table and
// the state, lets effect do the step's work, writes the document only if nobody changed
// it meanwhile, and appends the audit events — all in one transaction. With a request id,
// a retry of a step that already happened returns the document instead of acting twice.
func (e *Engine) transition(ctx context.Context, actor Actor, docID string, action Action, requestID string,
	effect func(c *change, d *Document) error) (Document, error) {
	return e.transitionAs(ctx, actor, false, docID, action, requestID, effect)
}

// transitionAs is transition for an actor whose right to act comes from a delegation
// rather than from their role.
func (e *Engine) transitionAs(ctx context.Context, actor Actor, delegated bool, docID string, action Action, requestID string,
	effect func(c *change, d *Document) error) (Document, error) {
	return e.documentTx(ctx, actor, docID, action, requestID, func(c *change, d *Document) error {
		return c.step(ctx, d, delegated, effect)
	})
}

// documentTx runs steps on a document the actor may act on, in one transaction under
// action's request id: a retry of a request already done returns the document; else
// steps run, then the audit events, the request id and the answer are written.
func (e *Engine) documentTx(ctx context.Context, actor Actor, docID string, action Action, requestID string,
	steps func(c *change, d *Document) error) (Document, error) {
	var out Document
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: action, now: e.timestamp()}
		if done, err := c.replayed(ctx, requestID, docID); err != nil || done {
			if err == nil {
				out, err = q.DocumentGetByID(ctx, docID)
			}
			return err
		}
		d, err := c.documentForActor(ctx, docID)
		if err != nil {
			return err
		}
		if err := steps(c, &d); err != nil {
			return err
		}
		c.action = action
		if err := c.finish(ctx, requestID, d.ID); err != nil {
			return err
		}
		out = d
		return c.reply(ctx, requestID, d)
	})
	if err != nil {
		return Document{}, fmt.Errorf("%s %s: %w", action, docID, err)
	}
	return out, nil
}

// step applies the change's action to d and writes the document, only if nobody
// changed it meanwhile.
func (c *change) step(ctx context.Context, d *Document, delegated bool, effect func(c *change, d *Document) error) error {
	prevVersion := d.Version
	if err := c.apply(d, delegated, effect); err != nil {
		return err
	}
	return c.q.DocumentUpdate(ctx, d, prevVersion)
}

// apply is step without the write, for a document the transaction is still to insert:
// it checks the lifecycle table, the role (unless delegated) and the state, moves d on,
// lets effect do the step's work and appends the audit event.
func (c *change) apply(d *Document, delegated bool, effect func(c *change, d *Document) error) error {
	t, ok := lifecycleOf(d.Flow)[c.action]
	switch {
	case !ok:
		return refuse(c.action, ReasonUnknownAction, "%s documents have no %s step", d.Flow, c.action)
	case !t.allowsRole(c.actor.Role) && !delegated:
		return refuse(c.action, ReasonWrongRole, "a %s cannot %s", c.actor.Role, c.action)
	case !t.allowsFrom(d.State):
		return refuse(c.action, ReasonWrongState, "document is %s", d.State)
	}
	before := *d
	d.State, d.Version, d.UpdatedAt = t.To, d.Version+1, c.now
	if effect != nil {
		if err := effect(c, d); err != nil {
			return err
		}
	}
	c.audit(d.AgencyID, "document", d.ID, summary(before), summary(*d))
	return nil
}

// authorize checks that the actor holds their role in their agency and that the object
// belongs to that agency.
func (c *change) authorize(ctx context.Context, agencyID string) error {
	if c.actor == System {
		return nil
	}
	if c.actor.AgencyID != agencyID {
		return refuse(c.action, ReasonNotYourAgency, "the document belongs to another agency")
	}
	return c.q.MembershipRequire(ctx, c.actor.UserID, c.actor.AgencyID, c.actor.Role,
		refuse(c.action, ReasonWrongRole, "the user is not a %s of this agency", c.actor.Role))
}

// replayedCreation is replayed for requests that create a document: a retry returns
// the document the first attempt created.
func (c *change) replayedCreation(ctx context.Context, requestID string) (Document, bool, error) {
	done, err := c.replayed(ctx, requestID, "")
	if err != nil || !done {
		return Document{}, false, err
	}
	rec, err := c.q.RequestLogGet(ctx, requestID)
	if err != nil {
		return Document{}, true, err
	}
	d, err := c.q.DocumentGetByID(ctx, rec.ObjectID)
	return d, true, err
}

// documentForActor reads a document and checks, in the same round trip, that the actor
// holds their role in the document's agency.
func (c *change) documentForActor(ctx context.Context, docID string) (Document, error) {
	if c.actor == System {
		return c.q.DocumentGetByID(ctx, docID)
	}
	d, held, err := c.q.DocumentGetForActor(ctx, docID, c.actor.UserID, c.actor.Role)
	switch {
	case err != nil:
		return Document{}, err
	case c.actor.AgencyID != d.AgencyID:
		return Document{}, refuse(c.action, ReasonNotYourAgency, "the document belongs to another agency")
	case !held:
		return Document{}, refuse(c.action, ReasonWrongRole, "the user is not a %s of this agency", c.actor.Role)
	}
	if d.Classification != Unclassified {
		// To those who do not handle it, a classified document does not exist.
		if ok, err := handlesClassified(ctx, c.q, c.actor, d); err != nil || !ok {
			return Document{}, cmp.Or(err, fmt.Errorf("document %s: %w", docID, ErrNotFound))
		}
	}
	return d, expected(ctx, d)
}

// replayed reports whether requestID was already done for the same actor, action and
// object; a request id reused for something else is a conflict.
func (c *change) replayed(ctx context.Context, requestID, objectID string) (bool, error) {
	if requestID == "" {
		return false, nil
	}
	rec, err := c.q.RequestLogGet(ctx, requestID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if rec.ActorID != c.actor.UserID || rec.Action != c.action || (objectID != "" && rec.ObjectID != objectID) {
		return false, fmt.Errorf("request id %q was used for another request: %w", requestID, ErrConflict)
	}
	return true, nil
}

// finish appends the audit events, agencies in a fixed order so that concurrent
// transactions touching several chains never wait on each other in a circle, and
// records the request id.
func (c *change) finish(ctx context.Context, requestID, objectID string) error {
	slices.SortStableFunc(c.events, func(a, b Event) int { return cmp.Compare(a.AgencyID, b.AgencyID) })
	for from := 0; from < len(c.events); {
		to := from + 1
		for to < len(c.events) && c.events[to].AgencyID == c.events[from].AgencyID {
			to++
		}
		if err := c.appendEvents(ctx, c.events[from:to]); err != nil {
			return err
		}
		from = to
	}
	if r := c.reserved; r != nil {
		// Reserved numbers left without events would be a gap in the chain.
		return fmt.Errorf("audit: %d events reserved in the chain of %s and none appended", r.events, r.agencyID)
	}
	if requestID == "" {
		return nil
	}
	return c.q.RequestLogInsert(ctx, RequestRecord{RequestID: requestID, ActorID: c.actor.UserID, Action: c.action,
		ObjectID: objectID, CreatedAt: c.now})
}

// appendEvents chains events, all of one agency, onto that agency's audit log: one
// advance of its head, or the numbers the change reserved, give their sequence numbers,
// and each links to the one before.
func (c *change) appendEvents(ctx context.Context, events []Event) error {
	var seq int64
	var prev string
	if r := c.reserved; r != nil && r.agencyID == events[0].AgencyID {
		if len(events) != r.events {
			return fmt.Errorf("audit: %d events for the chain of %s, which has %d reserved", len(events), r.agencyID, r.events)
		}
		seq, prev, c.reserved = r.first, r.prevHash, nil
	} else {
		var err error
		if seq, prev, err = c.q.AuditHeadAdvance(ctx, events[0].AgencyID, len(events)); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	for i := range events {
		e := &events[i]
		e.Seq, e.PrevHash = seq+int64(i), prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		// The database moves the chain head to the last event's hash (a trigger on insert).
		if err := c.q.AuditInsert(ctx, e); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	return nil
}

// VerifyAudit checks an agency's whole audit chain.
func (e *Engine) VerifyAudit(ctx context.Context, agencyID string) ([]ChainProblem, int64, error) {
	head, err := e.store.AuditHeadGet(ctx, agencyID)
	if errors.Is(err, ErrNotFound) {
		head = ChainHead{AgencyID: agencyID, Hash: genesisHash}
	} else if err != nil {
		return nil, 0, err
	}
	var all []Event
	after := int64(0)
	for {
		page, err := e.store.AuditListByAgency(ctx, agencyID, after, 1000)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, page...)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].Seq
	}
	return VerifyChain(head, all), int64(len(all)), nil
}

// documentSummary is what the audit log keeps of a document's state.
type documentSummary struct {
	State          State  `json:"state"`
	Version        int    `json:"version"`
	Number         int    `json:"number,omitempty"`
	Notation       string `json:"notation,omitempty"`
	IncomingNumber int    `json:"incoming_number,omitempty"`
	Subject        string `json:"subject"`
	// Note and Direction keep the reason, comment or direction a step gave, for the
	// document's history.
	Note      string `json:"note,omitempty"`
	Direction string `json:"direction,omitempty"`
	// IntendedSigner is the leader named to sign, so that naming or changing them is audited.
	IntendedSigner string `json:"intended_signer,omitempty"`
}

func summary(d Document) documentSummary {
	return documentSummary{State: d.State, Version: d.Version, Number: d.Number, Notation: d.Notation,
		IncomingNumber: d.IncomingNumber, Subject: d.Subject, Note: d.Note, Direction: d.Direction,
		IntendedSigner: d.IntendedSignerID}
}

func snapshot(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

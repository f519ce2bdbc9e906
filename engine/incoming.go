package engine

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// ExternalInput is an incoming document that did not come through this instance: an
// uploaded scan of a paper document, or a message from the national exchange.
type ExternalInput struct {
	TypeCode       string
	Subject        string
	Urgency        Urgency
	Classification Classification
	SenderName     string
	SenderNotation string
	// DocumentDate (ngày văn bản), SignerName (người ký) and PageCount (số trang) are what
	// the document itself says; the incoming register prints them.
	DocumentDate *time.Time
	SignerName   string
	PageCount    int
	Files        []FileInput
	// Integrity is the result of checking the files' digital signatures on receipt
	// (Decree 30 Art. 21: xác thực, toàn vẹn); the clerk sees it on the document.
	Integrity string
	// AgencyID is the receiving agency when the system receives for it (a message from
	// the national exchange); a clerk receives for their own agency.
	AgencyID string
	// Register asks for the document to be registered (vào sổ, số đến) in the same step,
	// as a clerk does with a paper document they have checked on receipt: both are
	// audited, and either both happen or neither does.
	Register bool
}

// ReceiveExternal is the tiếp nhận of a document from outside: by the clerk, or by the
// system for the agency a national-exchange message is addressed to.
func (e *Engine) ReceiveExternal(ctx context.Context, actor Actor, in ExternalInput, requestID string) (Document, error) {
	now := e.timestamp()
	agencyID := actor.AgencyID
	if actor == System {
		agencyID = in.AgencyID
	}
	d, err := newExternalDocument(in, agencyID, now)
	if err != nil {
		return Document{}, err
	}
	err = e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "receive", now: now}
		if replay, done, err := c.replayedCreation(ctx, requestID); err != nil || done {
			d = replay
			return err
		}
		if err := c.authorize(ctx, agencyID); err != nil {
			return err
		}
		if actor.Role != RoleClerk && actor != System {
			return refuse("receive", ReasonWrongRole, "only the clerk receives documents")
		}
		c.audit(d.AgencyID, "document", d.ID, nil, summary(d))
		if in.Register {
			// The registration is applied before the one insert, so that the document is
			// written once, as registered. A new document is a row no other transaction
			// can hold, and the number is the last lock the step takes, so the chain's head
			// comes with it (withChain): the step then costs one round trip before COMMIT.
			c.action = ActionRegister
			if err := c.apply(&d, false, registerIncoming(ctx, true)); err != nil {
				return err
			}
			c.action = "receive"
		}
		if err := c.insertExternal(ctx, &d, in.Files); err != nil {
			return err
		}
		if err := c.finish(ctx, requestID, d.ID); err != nil {
			return err
		}
		return c.reply(ctx, requestID, d)
	})
	if err != nil {
		return Document{}, fmt.Errorf("receive: %w", err)
	}
	return d, nil
}

// newExternalDocument is the incoming document in describes, checked, in state received.
func newExternalDocument(in ExternalInput, agencyID string, now time.Time) (Document, error) {
	d := Document{ID: NewID(), AgencyID: agencyID, Flow: Incoming, State: StateReceived, Version: 1,
		TypeCode: in.TypeCode, Subject: in.Subject, Urgency: in.Urgency, Classification: in.Classification,
		SenderName: in.SenderName, SenderNotation: in.SenderNotation, ReceivedAt: &now, Year: now.In(vietnam).Year(),
		DocumentDate: truncate(in.DocumentDate), SignerName: in.SignerName, PageCount: in.PageCount,
		Note: in.Integrity, CreatedAt: now, UpdatedAt: now}
	if err := d.Validate(); err != nil {
		return Document{}, err
	}
	switch {
	case in.PageCount < 0 || in.PageCount > 100000:
		return Document{}, invalid("page_count", "the page count must be between 0 and 100000")
	case in.DocumentDate != nil && in.DocumentDate.After(now.Add(24*time.Hour)):
		return Document{}, invalid("document_date", "the document's date cannot be after the day it is received")
	}
	if d.SenderName == "" {
		return Document{}, invalid("sender_name", "the sending agency is required")
	}
	if len(in.Files) == 0 {
		return Document{}, invalid("files", "a received document has at least one file")
	}
	return d, nil
}

// insertExternal stores a received document with its files; its receipt is audited by
// the caller.
func (c *change) insertExternal(ctx context.Context, d *Document, files []FileInput) error {
	if err := c.q.DocumentInsert(ctx, d); err != nil {
		return err
	}
	for _, f := range files {
		if err := c.addFile(ctx, d.ID, f, "scan"); err != nil {
			return err
		}
	}
	return nil
}

// Register gives an incoming document its số đến: the next number of the agency's
// incoming register for the year (classified documents in their own series).
func (e *Engine) Register(ctx context.Context, actor Actor, docID, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionRegister, requestID, registerIncoming(ctx, false))
}

// registerIncoming is the register step's work: the number, and the sender told. With
// withChain the number comes with the head of the agency's audit chain, for the step's
// events so far and its own (takeNumber).
func registerIncoming(ctx context.Context, withChain bool) func(c *change, d *Document) error {
	return func(c *change, d *Document) error {
		d.Year = c.now.In(vietnam).Year()
		d.Series = ""
		if d.Classification != Unclassified {
			d.Series = SeriesSecret
		}
		n, err := c.takeNumber(ctx, d.AgencyID, d.Year, RegisterIncoming, d.Series, withChain)
		if err != nil {
			return fmt.Errorf("incoming number: %w", err)
		}
		d.IncomingNumber = n
		return c.setDelivery(ctx, d, DeliveryRegistered, "")
	}
}

// takeNumber takes the next number of a register. withChain also reserves, in the same
// round trip, the agency's chain for the events the change has recorded there and the
// one its step is about to: finish then needs no round trip of its own. It is for steps
// whose events all go to that agency and that lock nothing after the number: the chain's
// head is locked from here to COMMIT, and a row locked after it could be waited on by a
// transaction that holds it and waits for the head.
func (c *change) takeNumber(ctx context.Context, agencyID string, year int, kind RegisterKind, series string, withChain bool) (int, error) {
	if !withChain {
		return c.q.RegisterNextNumber(ctx, agencyID, year, kind, series)
	}
	events := 1
	for _, e := range c.events {
		if e.AgencyID != agencyID {
			return 0, fmt.Errorf("number with the chain of %s: the step also audits in %s", agencyID, e.AgencyID)
		}
		events++
	}
	n, first, prev, err := c.q.RegisterNextNumberWithChain(ctx, agencyID, year, kind, series, events)
	if err != nil {
		return 0, err
	}
	c.reserved = &chainReservation{agencyID: agencyID, first: first, prevHash: prev, events: events}
	return n, nil
}

// Reject returns a received document to its sender with the reason (wrong recipient,
// failed integrity check).
func (e *Engine) Reject(ctx context.Context, actor Actor, docID, reason, requestID string) (Document, error) {
	if reason == "" {
		return Document{}, invalid("reason", "returning a document needs a reason")
	}
	return e.transition(ctx, actor, docID, ActionReject, requestID, func(c *change, d *Document) error {
		d.Note = reason
		return c.setDelivery(ctx, d, DeliveryReturned, reason)
	})
}

// Present hands a registered document to the leader (trình).
func (e *Engine) Present(ctx context.Context, actor Actor, docID, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionPresent, requestID, nil)
}

// UnitTask is one unit's or person's part in a direction. The deadline is a date, or a
// number of working days from now counted on the engine's calendar.
type UnitTask struct {
	UnitID      string
	UserID      string
	Role        AssignmentRole
	Deadline    *time.Time
	WorkingDays int
}

// DirectInput is the leader's direction on an incoming document.
type DirectInput struct {
	Text  string // ý kiến chỉ đạo
	Tasks []UnitTask
}

// Direct records the leader's direction: one lead unit (chủ trì), co-operating units
// (phối hợp) and units for information (để biết), each with its deadline.
func (e *Engine) Direct(ctx context.Context, actor Actor, docID string, in DirectInput, requestID string) (Document, error) {
	leads := 0
	for _, t := range in.Tasks {
		switch t.Role {
		case Lead:
			leads++
		case Cooperate, ForInformation:
		default:
			return Document{}, invalid("tasks", "unknown role %q", t.Role)
		}
		if t.UnitID == "" && t.UserID == "" {
			return Document{}, invalid("tasks", "a task names a unit or a person")
		}
	}
	if leads != 1 {
		return Document{}, invalid("tasks", "a direction names exactly one lead unit (chủ trì), not %d", leads)
	}
	cal, err := e.CalendarFor(ctx, actor.AgencyID)
	if err != nil {
		return Document{}, fmt.Errorf("direct: %w", err)
	}
	return e.transition(ctx, actor, docID, ActionDirect, requestID, func(c *change, d *Document) error {
		d.Direction = in.Text
		for _, t := range in.Tasks {
			if t.UnitID != "" {
				unit, err := c.q.UnitGetByID(ctx, t.UnitID)
				if err != nil {
					return fmt.Errorf("unit: %w", err)
				}
				if unit.AgencyID != d.AgencyID {
					return invalid("tasks", "unit %s belongs to another agency", unit.ShortName)
				}
			}
			if t.UserID != "" {
				// A named person must work in the agency the document is handled in.
				ms, err := c.q.MembershipListByUser(ctx, t.UserID)
				if err != nil {
					return fmt.Errorf("person: %w", err)
				}
				if !slices.ContainsFunc(ms, func(m Membership) bool { return m.AgencyID == d.AgencyID }) {
					return invalid("tasks", "the person does not work in this agency")
				}
			}
			deadline := t.Deadline
			if deadline == nil && t.WorkingDays > 0 {
				due := cal.AddWorkingDays(c.now, t.WorkingDays)
				deadline = &due
			}
			a := Assignment{ID: NewID(), DocumentID: d.ID, UnitID: t.UnitID, UserID: t.UserID, Role: t.Role,
				Deadline: truncate(deadline), Status: "open", CreatedBy: c.actor.UserID, CreatedAt: c.now}
			if err := c.q.AssignmentInsert(ctx, &a); err != nil {
				return err
			}
			if t.Role == Lead {
				d.Deadline = a.Deadline
			}
		}
		return nil
	})
}

// Start marks that the assignees have begun (đang xử lý).
func (e *Engine) Start(ctx context.Context, actor Actor, docID, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionStart, requestID, func(c *change, d *Document) error {
		return c.setDelivery(ctx, d, DeliveryInProgress, "")
	})
}

// Complete closes an incoming document's handling; its open assignments are done with it.
func (e *Engine) Complete(ctx context.Context, actor Actor, docID, result, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionComplete, requestID, func(c *change, d *Document) error {
		as, err := c.q.AssignmentListByDocument(ctx, d.ID)
		if err != nil {
			return err
		}
		for i := range as {
			if as[i].Status == "open" {
				as[i].Status, as[i].DoneAt = "done", &c.now
				if err := c.q.AssignmentUpdate(ctx, &as[i]); err != nil {
					return err
				}
			}
		}
		if result != "" {
			d.Note = result
		}
		return c.setDelivery(ctx, d, DeliveryDone, "")
	})
}

// File closes a document's handling (lưu): a completed incoming document or a
// dispatched outgoing one; the lifecycle of its flow says which, and who may.
func (e *Engine) File(ctx context.Context, actor Actor, docID, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionFile, requestID, nil)
}

// setDelivery tells the sender, when it is on this instance, where its document stands.
func (c *change) setDelivery(ctx context.Context, d *Document, status DeliveryStatus, reason string) error {
	if d.SourceID == "" {
		return nil
	}
	del, err := c.q.DeliveryGetByIncoming(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	del.Status, del.Reason, del.UpdatedAt = status, reason, c.now
	return c.q.DeliveryUpdate(ctx, &del)
}

func truncate(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine/edxml"
)

// The national document exchange axis (trục liên thông văn bản quốc gia): what a
// document message read by edxml does to this instance's documents (new, revocation,
// update, replacement), and what a status message does to the sender's view of its
// recipients. Unusual values are warnings on the result, never the loss of a message.

// ExchangeBusiness is what a document message does (Bussiness/BussinessDocType).
type ExchangeBusiness string

const (
	BusinessNew         ExchangeBusiness = "new"         // 0 văn bản mới
	BusinessRevocation  ExchangeBusiness = "revocation"  // 1 thu hồi
	BusinessUpdate      ExchangeBusiness = "update"      // 2 cập nhật
	BusinessReplacement ExchangeBusiness = "replacement" // 3 thay thế
)

var businessOf = map[edxml.BusinessDocType]ExchangeBusiness{
	edxml.BusinessNew: BusinessNew, edxml.BusinessRevoke: BusinessRevocation,
	edxml.BusinessUpdate: BusinessUpdate, edxml.BusinessReplace: BusinessReplacement,
}

// ExchangeDocument links an incoming document to the edXML DocumentId it arrived under.
type ExchangeDocument struct {
	DocumentID string
	AgencyID   string
	SenderCode string // From/OrganId as written
	ExternalID string // the edXML DocumentId
	Business   ExchangeBusiness
	ReceivedAt time.Time
}

// ExchangeQueries find documents by what the axis calls them.
type ExchangeQueries interface {
	ExchangeDocumentInsert(ctx context.Context, x *ExchangeDocument) error
	// ExchangeDocumentListByExternalID lists the incoming documents received under an
	// edXML DocumentId, in every agency, oldest first.
	ExchangeDocumentListByExternalID(ctx context.Context, externalID string) ([]ExchangeDocument, error)
	// OutgoingListByNotation lists the ids of an agency's issued documents with that số,
	// ký hiệu, oldest first.
	OutgoingListByNotation(ctx context.Context, agencyID, notation string) ([]string, error)
}

// What handling a message did, as `vanthu receive --json` reports it. Registered keeps
// the meaning it has for every received document: taken in, waiting for the clerk.
const (
	ExchangeRegistered      = "registered"
	ExchangeDuplicate       = "duplicate"
	ExchangeRecalled        = "recalled"
	ExchangeUpdated         = "updated"
	ExchangeReplaced        = "replaced"
	ExchangeApplied         = "applied"
	ExchangeUnknownDocument = "unknown_document"
)

// ExchangeResult is what one message did.
type ExchangeResult struct {
	Business  ExchangeBusiness // documents only
	Result    string
	Documents []Document // incoming documents created or changed
	Warnings  []string
}

// ExchangeInput is a document message with the files the caller stored (unzipped).
type ExchangeInput struct {
	Message   *edxml.Message
	Files     []FileInput
	Integrity string // the signature check, for the clerk
}

// NoticeRecalled tells whoever holds an incoming document that its sender revoked it.
const NoticeRecalled = "recalled"

// ReceiveExchange takes in a document message for every addressee on this instance,
// in one transaction. A retried message changes nothing (result duplicate); a
// revocation, update or replacement of a document this instance does not know is
// handled with a warning.
func (e *Engine) ReceiveExchange(ctx context.Context, in ExchangeInput) (ExchangeResult, error) {
	m := in.Message
	res := ExchangeResult{Business: businessOf[m.Business.DocType], Warnings: slices.Clone(m.Warnings)}
	recipients, warnings, err := e.exchangeRecipients(ctx, m.To)
	if err != nil {
		return res, fmt.Errorf("receive exchange: %w", err)
	}
	res.Warnings = append(res.Warnings, warnings...)
	if len(recipients) == 0 {
		return res, fmt.Errorf("receive exchange: %w", invalid("to", "no addressee of the message is on this instance"))
	}
	ext, warnings := externalInputOf(m, in)
	res.Warnings = append(res.Warnings, warnings...)
	if len(res.Warnings) > 0 {
		ext.Integrity += "\nCảnh báo khi tiếp nhận: " + strings.Join(res.Warnings, "; ")
	}
	msg := exchangeMessage{externalID: externalIDOf(m), target: targetOf(m), sender: m.From.OrganID, reason: m.Business.DocReason}
	base := res.Warnings
	err = e.store.InTx(ctx, func(q Queries) error {
		res.Result, res.Documents, res.Warnings = "", nil, slices.Clone(base)
		for _, a := range recipients {
			ext.AgencyID = a.ID
			out, err := e.receiveFor(ctx, q, res.Business, msg, ext)
			if err != nil {
				return fmt.Errorf("for %s: %w", a.Name, err)
			}
			res.merge(out)
		}
		return nil
	})
	if err != nil {
		return ExchangeResult{}, fmt.Errorf("receive exchange: %w", err)
	}
	return res, nil
}

// exchangeMessage is what the business steps need of a document message.
type exchangeMessage struct {
	externalID string // this document's DocumentId
	target     string // the DocumentId a revocation, update or replacement is about
	sender     string
	reason     string
}

// resultRank orders outcomes so that the one that did something wins over the others
// when a message is addressed to several agencies here.
var resultRank = map[string]int{ExchangeDuplicate: 1, ExchangeUnknownDocument: 2, ExchangeApplied: 3,
	ExchangeRegistered: 3, ExchangeRecalled: 3, ExchangeUpdated: 3, ExchangeReplaced: 3}

func (r *ExchangeResult) merge(o ExchangeResult) {
	if resultRank[o.Result] > resultRank[r.Result] {
		r.Result = o.Result
	}
	r.Documents = append(r.Documents, o.Documents...)
	r.Warnings = append(r.Warnings, o.Warnings...)
}

// receiveFor does the message's business for one addressee.
func (e *Engine) receiveFor(ctx context.Context, q Queries, business ExchangeBusiness, msg exchangeMessage, in ExternalInput) (ExchangeResult, error) {
	if business == BusinessRevocation {
		// A retried revocation finds its documents cancelled already: nothing is logged.
		c := &change{e: e, q: q, actor: System, action: ActionCancel, now: e.timestamp()}
		out, err := c.revoke(ctx, in.AgencyID, msg.target, msg.sender, "Thu hồi: "+msg.reason)
		if err != nil {
			return out, err
		}
		return out, c.finish(ctx, "", "")
	}
	c := &change{e: e, q: q, actor: System, action: "receive", now: e.timestamp()}
	if d, done, err := c.receivedBefore(ctx, in.AgencyID, msg.externalID, business); err != nil || done {
		return ExchangeResult{Result: ExchangeDuplicate, Documents: []Document{d}}, err
	}
	d, err := newExternalDocument(in, in.AgencyID, c.now)
	if err != nil {
		return ExchangeResult{}, err
	}
	out := ExchangeResult{Result: ExchangeRegistered}
	var originals []Document
	if business == BusinessUpdate || business == BusinessReplacement {
		originals, out.Warnings, err = c.exchangeTargets(ctx, in.AgencyID, msg.target, msg.sender)
		if err != nil {
			return out, err
		}
		out.Result = ExchangeUnknownDocument
		if len(originals) > 0 {
			out.Result = map[ExchangeBusiness]string{BusinessUpdate: ExchangeUpdated, BusinessReplacement: ExchangeReplaced}[business]
			d.ReplacesID, d.ReplaceKind = originals[0].ID, replaceKindOf(business)
		}
	}
	if err := c.insertExternal(ctx, &d, in.Files); err != nil {
		return out, err
	}
	c.audit(d.AgencyID, "document", d.ID, nil, summary(d))
	x := ExchangeDocument{DocumentID: d.ID, AgencyID: d.AgencyID, SenderCode: msg.sender, ExternalID: msg.externalID,
		Business: business, ReceivedAt: c.now}
	if err := c.q.ExchangeDocumentInsert(ctx, &x); err != nil {
		return out, err
	}
	out.Documents = []Document{d}
	for _, o := range originals {
		changed, err := c.supersede(ctx, o, d, business)
		if err != nil {
			return out, err
		}
		out.Documents = append(out.Documents, changed)
	}
	return out, c.finish(ctx, "", d.ID)
}

// receivedBefore finds the document an agency took in from the same message: the same
// DocumentId for the same business (so a second, different update under the same
// DocumentId counts as a retry), or, for a new document, the request id under which
// messages were received before business types were read.
func (c *change) receivedBefore(ctx context.Context, agencyID, externalID string, business ExchangeBusiness) (Document, bool, error) {
	rows, err := c.q.ExchangeDocumentListByExternalID(ctx, externalID)
	if err != nil {
		return Document{}, false, err
	}
	for _, x := range rows {
		if x.AgencyID == agencyID && x.Business == business {
			d, err := c.q.DocumentGetByID(ctx, x.DocumentID)
			return d, true, err
		}
	}
	if business != BusinessNew {
		return Document{}, false, nil
	}
	return c.replayedCreation(ctx, "edxml:"+externalID+":"+agencyID)
}

func replaceKindOf(b ExchangeBusiness) string {
	if b == BusinessReplacement {
		return "replace"
	}
	return "correct"
}

// supersede marks an original as updated or replaced by d, keeping it: the link is
// d.ReplacesID, the note tells whoever opens the original.
func (c *change) supersede(ctx context.Context, o, d Document, business ExchangeBusiness) (Document, error) {
	word := "Cập nhật bởi văn bản đến "
	if business == BusinessReplacement {
		word = "Thay thế bởi văn bản "
	}
	prev := o.Version
	o.Note, o.Version, o.UpdatedAt = strings.TrimSpace(o.Note+"\n"+word+d.SenderNotation+" (nhận "+
		c.now.In(vietnam).Format("02/01/2006")+")"), o.Version+1, c.now
	if err := c.q.DocumentUpdate(ctx, &o, prev); err != nil {
		return o, err
	}
	c.events = append(c.events, Event{AgencyID: o.AgencyID, At: c.now, ActorID: c.actor.UserID, Role: c.actor.Role, Action: replaceKindOf(business),
		ObjectType: "document", ObjectID: o.ID, After: snapshot(map[string]any{"note": o.Note, "superseded_by": d.ID})})
	return o, nil
}

// exchangeTargets finds an agency's incoming documents received under externalID from
// sender. None is not an error: the result says so with a warning.
func (c *change) exchangeTargets(ctx context.Context, agencyID, externalID, sender string) ([]Document, []string, error) {
	rows, err := c.q.ExchangeDocumentListByExternalID(ctx, externalID)
	if err != nil {
		return nil, nil, err
	}
	var docs []Document
	var warnings []string
	for _, x := range rows {
		if x.AgencyID != agencyID {
			continue
		}
		if x.SenderCode != sender {
			warnings = append(warnings, fmt.Sprintf("document %s came from %s, not from %s: left as it is", externalID, x.SenderCode, sender))
			continue
		}
		d, err := c.q.DocumentGetByID(ctx, x.DocumentID)
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		warnings = append(warnings, fmt.Sprintf("document %s is not known here", externalID))
	}
	return docs, warnings, nil
}

// revoke cancels an agency's copies of a document its sender revoked (or took back with
// status 13) and tells everyone who holds them.
func (c *change) revoke(ctx context.Context, agencyID, externalID, sender, note string) (ExchangeResult, error) {
	docs, warnings, err := c.exchangeTargets(ctx, agencyID, externalID, sender)
	out := ExchangeResult{Result: ExchangeUnknownDocument, Warnings: warnings}
	if err != nil || len(docs) == 0 {
		return out, err
	}
	out.Result = ExchangeDuplicate
	for _, d := range docs {
		if d.State == StateCancelled {
			continue
		}
		if !IncomingLifecycle[ActionCancel].allowsFrom(d.State) {
			out.Warnings = append(out.Warnings, fmt.Sprintf("document %s is already %s: not cancelled", d.SenderNotation, d.State))
			if err := c.refuseRevocation(ctx, d); err != nil {
				return out, err
			}
			continue
		}
		before, prev := summary(d), d.Version
		d.State, d.Version, d.Note, d.UpdatedAt = StateCancelled, d.Version+1, strings.TrimSpace(d.Note+"\n"+note), c.now
		if err := c.q.DocumentUpdate(ctx, &d, prev); err != nil {
			return out, err
		}
		c.events = append(c.events, Event{AgencyID: d.AgencyID, At: c.now, ActorID: c.actor.UserID, Role: c.actor.Role, Action: string(ActionCancel),
			ObjectType: "document", ObjectID: d.ID, Before: snapshot(before), After: snapshot(map[string]any{"state": d.State, "reason": note})})
		if err := c.notifyHolders(ctx, d, note); err != nil {
			return out, err
		}
		out.Result = ExchangeRecalled
		out.Documents = append(out.Documents, d)
	}
	return out, nil
}

// ActionRefuseChange records that a revocation or a recall (13) of a document received
// over the axis could not be applied; its sender is told (16).
const ActionRefuseChange = "refuse_change"

// refuseRevocation notes on d, once, that its sender's revocation was not applied, with
// an event the axis's status is sent from.
func (c *change) refuseRevocation(ctx context.Context, d Document) error {
	note := "Không thu hồi được: " + closedWords(d.State)
	if strings.Contains(d.Note, note) {
		return nil // a retried revocation: refused and told before
	}
	prev := d.Version
	d.Note, d.Version, d.UpdatedAt = strings.TrimSpace(d.Note+"\n"+note), d.Version+1, c.now
	if err := c.q.DocumentUpdate(ctx, &d, prev); err != nil {
		return err
	}
	c.events = append(c.events, Event{AgencyID: d.AgencyID, At: c.now, ActorID: c.actor.UserID, Role: c.actor.Role, Action: ActionRefuseChange,
		ObjectType: "document", ObjectID: d.ID, After: snapshot(map[string]any{"reason": note})})
	return nil
}

// closedWords says in Vietnamese why a received document can no longer be cancelled:
// the reason goes to the sender in status 16 and on the document's note.
func closedWords(s State) string {
	switch s {
	case StateFiled:
		return "văn bản đã được lưu hồ sơ"
	case StateReturnedToSender:
		return "văn bản đã được trả lại nơi gửi"
	case StateCancelled:
		return "văn bản đã bị hủy"
	}
	return "văn bản đã được xử lý xong"
}

// notifyHolders tells the agency's clerks and everyone assigned to d.
func (c *change) notifyHolders(ctx context.Context, d Document, note string) error {
	ms, err := c.q.MembershipListByAgency(ctx, d.AgencyID)
	if err != nil {
		return err
	}
	as, err := c.q.AssignmentListByDocument(ctx, d.ID)
	if err != nil {
		return err
	}
	var users []string
	for _, m := range ms {
		held := m.Role == RoleClerk
		for _, a := range as {
			held = held || a.UserID == m.UserID || (a.UnitID != "" && a.UnitID == m.UnitID && (m.Role == RoleUnitHead || m.Role == RoleSpecialist))
		}
		if held {
			users = append(users, m.UserID)
		}
	}
	for _, a := range as {
		users = append(users, a.UserID)
	}
	slices.Sort(users)
	for _, u := range slices.Compact(users) {
		if u == "" {
			continue
		}
		n := Notification{ID: NewID(), UserID: u, Kind: NoticeRecalled, DocumentID: d.ID,
			Body: fmt.Sprintf("Văn bản %s của %s đã bị thu hồi: %s", d.SenderNotation, d.SenderName, d.Subject), CreatedAt: c.now}
		if _, err := c.q.NotificationInsert(ctx, &n); err != nil {
			return err
		}
	}
	return nil
}

// exchangeRecipients are the addressees on this instance; the others are warnings.
func (e *Engine) exchangeRecipients(ctx context.Context, to []edxml.Organization) ([]Agency, []string, error) {
	var out []Agency
	var warnings []string
	for _, o := range to {
		a, err := e.AgencyByOrganID(ctx, o.OrganID)
		switch {
		case errors.Is(err, ErrNotFound):
			warnings = append(warnings, fmt.Sprintf("addressee %s %s is not on this instance", o.OrganID, o.OrganName))
		case err != nil:
			return nil, nil, err
		case !slices.ContainsFunc(out, func(b Agency) bool { return b.ID == a.ID }):
			out = append(out, a)
		}
	}
	return out, warnings, nil
}

// AgencyByOrganID finds an agency by an axis code: its QĐ 20/2020 code or its legacy
// QCVN 102 code.
func (e *Engine) AgencyByOrganID(ctx context.Context, id string) (Agency, error) {
	return agencyByOrganID(ctx, e.store, id)
}

func agencyByOrganID(ctx context.Context, q Queries, id string) (Agency, error) {
	if id == "" {
		return Agency{}, ErrNotFound
	}
	if a, err := q.AgencyGetByCode(ctx, id); err == nil {
		return a, nil
	}
	all, err := q.AgencyList(ctx)
	if err != nil {
		return Agency{}, err
	}
	for _, a := range all {
		if a.Code102 == id {
			return a, nil
		}
	}
	return Agency{}, ErrNotFound
}

// externalInputOf maps the header onto an incoming document; what does not map is a warning.
func externalInputOf(m *edxml.Message, in ExchangeInput) (ExternalInput, []string) {
	var warnings []string
	urgency, err := edxml.UrgencyFromPriority(m.OtherInfo.Priority)
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("OtherInfo/Priority %d is not 0–3: read as thường", m.OtherInfo.Priority))
	}
	sender := m.From.OrganName
	if sender == "" {
		sender = m.From.OrganID
		warnings = append(warnings, "MessageHeader/From/OrganName is empty: the sender is shown by its code")
	}
	typeCode := ""
	if t, ok := typeByName(m.DocumentType.TypeName); ok {
		typeCode = t.Code
	} else if m.DocumentType.TypeName != "" {
		warnings = append(warnings, fmt.Sprintf("document type %q is not one of Decree 30: registered as công văn", m.DocumentType.TypeName))
	}
	return ExternalInput{TypeCode: typeCode, Subject: m.Subject, Urgency: Urgency(urgency), SenderName: sender,
		SenderNotation: m.Code.String(), Files: in.Files, Integrity: in.Integrity}, warnings
}

func typeByName(name string) (DocumentType, bool) {
	for _, t := range DocumentTypes {
		if strings.EqualFold(strings.TrimSpace(name), t.Name) {
			return t, true
		}
	}
	return DocumentType{}, false
}

// externalIDOf is the message's own DocumentId: built from the header as QCVN 102 says,
// else as the sender wrote it.
func externalIDOf(m *edxml.Message) string {
	for _, id := range []string{m.DocumentID(), m.DeclaredID, m.Business.DocumentID} {
		if id != "" {
			return id
		}
	}
	return m.From.OrganID + ",," + m.Code.String()
}

// targetOf is the DocumentId a revocation, update or replacement is about: the
// replacement list, then Bussiness/DocumentId, then ResponseFor, then the message's own.
func targetOf(m *edxml.Message) string {
	for _, r := range m.Business.Replacements {
		if r.DocumentID != "" {
			return r.DocumentID
		}
	}
	if m.Business.DocumentID != "" && (m.Business.DocType != edxml.BusinessReplace || m.Business.DocumentID != externalIDOf(m)) {
		return m.Business.DocumentID
	}
	for _, r := range m.ResponseFor {
		if r.DocumentID != "" {
			return r.DocumentID
		}
	}
	return externalIDOf(m)
}

package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qRegisterNextNumber        = sqlFor("RegisterNextNumber")
	qAgencySetNumberingPerType = sqlFor("AgencySetNumberingPerType")
	qDocumentInsert            = sqlFor("DocumentInsert")
	qDocumentUpdate            = sqlFor("DocumentUpdate")
	qDocumentGetByID           = sqlFor("DocumentGetByID")
	qDocumentList              = sqlFor("DocumentList")
	qDocumentPage              = sqlFor("DocumentPage")
	qDocumentListByIDs         = sqlFor("DocumentListByIDs")
	qDocumentCountByMonth      = sqlFor("DocumentCountByMonth")
	qDocumentCountHandled      = sqlFor("DocumentCountHandled")
	qDocumentGetForActor       = sqlFor("DocumentGetForActor")
	qFileInsert                = sqlFor("FileInsert")
	qFileListByDocument        = sqlFor("FileListByDocument")
	qReviewStepInsert          = sqlFor("ReviewStepInsert")
	qReviewStepUpdate          = sqlFor("ReviewStepUpdate")
	qReviewStepListByDocument  = sqlFor("ReviewStepListByDocument")
	qDeliveryInsert            = sqlFor("DeliveryInsert")
	qDeliveryUpdate            = sqlFor("DeliveryUpdate")
	qDeliveryListByOutgoing    = sqlFor("DeliveryListByOutgoing")
	qDeliveryListByOutgoings   = sqlFor("DeliveryListByOutgoings")
	qDeliveryGetByIncoming     = sqlFor("DeliveryGetByIncoming")
	qAssignmentInsert          = sqlFor("AssignmentInsert")
	qAssignmentUpdate          = sqlFor("AssignmentUpdate")
	qAssignmentListByDocument  = sqlFor("AssignmentListByDocument")
	qAssignmentListByDocuments = sqlFor("AssignmentListByDocuments")
	qDelegationInsert          = sqlFor("DelegationInsert")
	qDelegationListTo          = sqlFor("DelegationListTo")
	qRequestLogInsert          = sqlFor("RequestLogInsert")
	qRequestLogGet             = sqlFor("RequestLogGet")
	qRequestReplyInsert        = sqlFor("RequestReplyInsert")
	qRequestReplyGet           = sqlFor("RequestReplyGet")
	qRequestReplyPrune         = sqlFor("RequestReplyPrune")
	qRequestLogPrune           = sqlFor("RequestLogPrune")
)

func (q queries) RegisterNextNumber(ctx context.Context, agencyID string, year int, kind engine.RegisterKind, series string) (int, error) {
	var n int
	err := q.get(ctx, "register next number", qRegisterNextNumber, func(r Row) error { return r.Scan(&n) },
		agencyID, year, string(kind), series)
	return n, err
}

func (q queries) RegisterNextNumberWithChain(ctx context.Context, agencyID string, year int, kind engine.RegisterKind, series string,
	events int) (int, int64, string, error) {
	var n int
	err := q.getLater(ctx, "register next number", qRegisterNextNumber, func(r Row) error { return r.Scan(&n) },
		agencyID, year, string(kind), series)
	if err != nil {
		return 0, 0, "", err
	}
	first, prev, err := q.AuditHeadAdvance(ctx, agencyID, events)
	return n, first, prev, err
}

func (q queries) AgencySetNumberingPerType(ctx context.Context, agencyID string, perType bool) error {
	return q.execOne(ctx, "agency set numbering", qAgencySetNumberingPerType, agencyID, perType)
}

func (q queries) DocumentInsert(ctx context.Context, d *engine.Document) error {
	return q.execLater(ctx, "document insert", qDocumentInsert, nil, d.ID, d.AgencyID, string(d.Flow), string(d.State), d.Version,
		d.TypeCode, d.Subject, string(d.Urgency), string(d.Classification), nullable(d.DrafterID), nullable(d.DraftingUnitID),
		nullable(d.SignerID), string(d.SigningForm), d.SignerTitle, d.Year, d.Series, nullInt(d.Number), d.Notation,
		utcPtr(d.IssuedAt), nullInt(d.IncomingNumber), utcPtr(d.ReceivedAt), nullable(d.SourceID), d.SenderName,
		d.SenderNotation, d.Direction, utcPtr(d.Deadline), d.Note, d.CreatedAt.UTC(), d.UpdatedAt.UTC(),
		nullable(d.ReplyToID), nullable(d.ReplacesID), d.ReplaceKind, utcPtr(d.DocumentDate), d.SignerName, d.PageCount, nullable(d.IntendedSignerID))
}

func (q queries) DocumentUpdate(ctx context.Context, d *engine.Document, prevVersion int) error {
	changed := func(n int64) error {
		if n == 0 {
			return fmt.Errorf("document %s: %w: changed by someone else", d.ID, engine.ErrConflict)
		}
		return nil
	}
	return q.execLater(ctx, "document update", qDocumentUpdate, changed, d.ID, string(d.State), d.Version, d.TypeCode, d.Subject,
		string(d.Urgency), string(d.Classification), nullable(d.DrafterID), nullable(d.DraftingUnitID), nullable(d.SignerID),
		string(d.SigningForm), d.SignerTitle, d.Year, d.Series, nullInt(d.Number), d.Notation, utcPtr(d.IssuedAt),
		nullInt(d.IncomingNumber), utcPtr(d.ReceivedAt), d.SenderName, d.SenderNotation, d.Direction, utcPtr(d.Deadline),
		d.Note, d.UpdatedAt.UTC(), prevVersion, nullable(d.ReplyToID), nullable(d.ReplacesID), d.ReplaceKind,
		utcPtr(d.DocumentDate), d.SignerName, d.PageCount, nullable(d.IntendedSignerID))
}

func (q queries) DocumentGetByID(ctx context.Context, id string) (engine.Document, error) {
	var d engine.Document
	err := q.get(ctx, "document get", qDocumentGetByID, func(r Row) (err error) { d, err = scanDocument(r); return }, id)
	return d, err
}

func (q queries) DocumentGetForActor(ctx context.Context, id, userID string, role engine.Role) (engine.Document, bool, error) {
	var d engine.Document
	var held bool
	err := q.get(ctx, "document get for actor", qDocumentGetForActor, func(r Row) (err error) {
		d, err = scanDocumentWith(r, &held)
		return err
	}, id, userID, string(role))
	return d, held, err
}

func (q queries) DocumentList(ctx context.Context, f engine.DocumentFilter) ([]engine.Document, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	return list(ctx, q, "document list", qDocumentList, scanDocument, f.AgencyID, string(f.Flow), f.SourceID, f.Year, limit)
}

// idSlots is how many ids the ...ByIDs queries take at a time: neither database binds a
// list the same way, so a longer list goes in several queries.
const idSlots = 50

// listByIDs runs a query of idSlots id parameters over ids, a chunk at a time, the unused
// slots NULL.
func listByIDs[T any](ctx context.Context, q queries, op, query string, scan func(Row) (T, error), ids []string) ([]T, error) {
	var out []T
	for chunk := range slices.Chunk(ids, idSlots) {
		args := make([]any, idSlots)
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := list(ctx, q, op, query, scan, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

func (q queries) DocumentListByIDs(ctx context.Context, ids []string) ([]engine.Document, error) {
	return listByIDs(ctx, q, "document list by ids", qDocumentListByIDs, scanDocument, ids)
}

func (q queries) DocumentCountByMonth(ctx context.Context, f engine.ActivityFilter) ([]engine.MonthCount, error) {
	args := []any{f.AgencyID, f.FromYear, f.ToYear}
	for _, m := range f.Months {
		args = append(args, m.UTC())
	}
	return list(ctx, q, "document count by month", qDocumentCountByMonth, func(r Row) (engine.MonthCount, error) {
		var c engine.MonthCount
		err := r.Scan(&c.What, &c.Slot, &c.Count)
		return c, err
	}, args...)
}

func (q queries) DocumentCountHandled(ctx context.Context, f engine.ActivityFilter) (handled, online int, err error) {
	err = q.get(ctx, "document count handled", qDocumentCountHandled, func(r Row) error { return r.Scan(&handled, &online) },
		f.AgencyID, f.FromYear, f.ToYear)
	return handled, online, err
}

func scanDocument(r Row) (engine.Document, error) { return scanDocumentWith(r) }

// scanDocumentWith scans a document row followed by extra columns.
func scanDocumentWith(r Row, extra ...any) (engine.Document, error) {
	var d engine.Document
	var flow, state, urgency, class, form string
	var drafter, unit, signer, source, replyTo, replaces, intended *string
	var number, incoming *int
	dest := []any{&d.ID, &d.AgencyID, &flow, &state, &d.Version, &d.TypeCode, &d.Subject, &urgency, &class,
		&drafter, &unit, &signer, &form, &d.SignerTitle, &d.Year, &d.Series, &number, &d.Notation, &d.IssuedAt,
		&incoming, &d.ReceivedAt, &source, &d.SenderName, &d.SenderNotation, &d.Direction, &d.Deadline, &d.Note,
		&d.CreatedAt, &d.UpdatedAt, &replyTo, &replaces, &d.ReplaceKind, &d.DocumentDate, &d.SignerName, &d.PageCount, &intended}
	err := r.Scan(append(dest, extra...)...)
	d.ReplyToID, d.ReplacesID, d.IntendedSignerID = deref(replyTo), deref(replaces), deref(intended)
	d.Flow, d.State, d.Urgency, d.Classification, d.SigningForm = engine.Flow(flow), engine.State(state),
		engine.Urgency(urgency), engine.Classification(class), engine.SigningForm(form)
	d.DrafterID, d.DraftingUnitID, d.SignerID, d.SourceID = deref(drafter), deref(unit), deref(signer), deref(source)
	d.Number, d.IncomingNumber = derefInt(number), derefInt(incoming)
	d.IssuedAt, d.ReceivedAt, d.Deadline = utcPtr(d.IssuedAt), utcPtr(d.ReceivedAt), utcPtr(d.Deadline)
	d.DocumentDate = utcPtr(d.DocumentDate)
	d.CreatedAt, d.UpdatedAt = utc(d.CreatedAt), utc(d.UpdatedAt)
	return d, err
}

func (q queries) FileInsert(ctx context.Context, f *engine.File) error {
	return q.execLater(ctx, "file insert", qFileInsert, nil, f.DocumentID, f.Kind, f.Name, f.BlobKey, f.SHA256, f.Size,
		nullable(f.CreatedBy), f.CreatedAt.UTC())
}

func (q queries) FileListByDocument(ctx context.Context, documentID string) ([]engine.File, error) {
	return list(ctx, q, "file list", qFileListByDocument, func(r Row) (engine.File, error) {
		var f engine.File
		var by *string
		err := r.Scan(&f.DocumentID, &f.Seq, &f.Kind, &f.Name, &f.BlobKey, &f.SHA256, &f.Size, &by, &f.CreatedAt)
		f.CreatedBy, f.CreatedAt = deref(by), utc(f.CreatedAt)
		return f, err
	}, documentID)
}

func (q queries) ReviewStepInsert(ctx context.Context, s *engine.ReviewStep) error {
	_, err := q.exec(ctx, "review step insert", qReviewStepInsert, s.DocumentID, s.Seq, s.ReviewerID, s.Kind, s.Status,
		s.Comment, utcPtr(s.DecidedAt))
	return err
}

func (q queries) ReviewStepUpdate(ctx context.Context, s *engine.ReviewStep) error {
	return q.execOne(ctx, "review step update", qReviewStepUpdate, s.DocumentID, s.Seq, s.ReviewerID, s.Kind, s.Status,
		s.Comment, utcPtr(s.DecidedAt))
}

func (q queries) ReviewStepListByDocument(ctx context.Context, documentID string) ([]engine.ReviewStep, error) {
	return list(ctx, q, "review step list", qReviewStepListByDocument, scanReviewStep, documentID)
}

func scanReviewStep(r Row) (engine.ReviewStep, error) {
	var s engine.ReviewStep
	err := r.Scan(&s.DocumentID, &s.Seq, &s.ReviewerID, &s.Kind, &s.Status, &s.Comment, &s.DecidedAt)
	s.DecidedAt = utcPtr(s.DecidedAt)
	return s, err
}

func (q queries) DeliveryInsert(ctx context.Context, d *engine.Delivery) error {
	_, err := q.exec(ctx, "delivery insert", qDeliveryInsert, d.ID, d.OutgoingID, d.RecipientAgencyID, nullable(d.IncomingID),
		string(d.Status), d.Reason, d.UpdatedAt.UTC())
	return err
}

func (q queries) DeliveryUpdate(ctx context.Context, d *engine.Delivery) error {
	return q.execOne(ctx, "delivery update", qDeliveryUpdate, d.ID, nullable(d.IncomingID), string(d.Status), d.Reason, d.UpdatedAt.UTC())
}

func (q queries) DeliveryListByOutgoing(ctx context.Context, outgoingID string) ([]engine.Delivery, error) {
	return list(ctx, q, "delivery list", qDeliveryListByOutgoing, scanDelivery, outgoingID)
}

func (q queries) DeliveryListByOutgoings(ctx context.Context, outgoingIDs []string) ([]engine.Delivery, error) {
	return listByIDs(ctx, q, "delivery list by outgoings", qDeliveryListByOutgoings, scanDelivery, outgoingIDs)
}

func (q queries) DeliveryGetByIncoming(ctx context.Context, incomingID string) (engine.Delivery, error) {
	var d engine.Delivery
	err := q.get(ctx, "delivery get", qDeliveryGetByIncoming, func(r Row) (err error) { d, err = scanDelivery(r); return }, incomingID)
	return d, err
}

func scanDelivery(r Row) (engine.Delivery, error) {
	var d engine.Delivery
	var incoming *string
	var status string
	err := r.Scan(&d.ID, &d.OutgoingID, &d.RecipientAgencyID, &incoming, &status, &d.Reason, &d.UpdatedAt)
	d.IncomingID, d.Status, d.UpdatedAt = deref(incoming), engine.DeliveryStatus(status), utc(d.UpdatedAt)
	return d, err
}

func (q queries) AssignmentInsert(ctx context.Context, a *engine.Assignment) error {
	_, err := q.exec(ctx, "assignment insert", qAssignmentInsert, a.ID, a.DocumentID, nullable(a.ParentID), nullable(a.UnitID),
		nullable(a.UserID), string(a.Role), utcPtr(a.Deadline), a.Status, a.Note, a.CreatedBy, a.CreatedAt.UTC(), utcPtr(a.DoneAt))
	return err
}

func (q queries) AssignmentUpdate(ctx context.Context, a *engine.Assignment) error {
	return q.execOne(ctx, "assignment update", qAssignmentUpdate, a.ID, nullable(a.UserID), utcPtr(a.Deadline), a.Status, a.Note, utcPtr(a.DoneAt))
}

func (q queries) AssignmentListByDocument(ctx context.Context, documentID string) ([]engine.Assignment, error) {
	return list(ctx, q, "assignment list", qAssignmentListByDocument, scanAssignment, documentID)
}

func (q queries) AssignmentListByDocuments(ctx context.Context, documentIDs []string) ([]engine.Assignment, error) {
	return listByIDs(ctx, q, "assignment list by documents", qAssignmentListByDocuments, scanAssignment, documentIDs)
}

func scanAssignment(r Row) (engine.Assignment, error) {
	var a engine.Assignment
	var parent, unit, user *string
	var role string
	err := r.Scan(&a.ID, &a.DocumentID, &parent, &unit, &user, &role, &a.Deadline, &a.Status, &a.Note, &a.CreatedBy,
		&a.CreatedAt, &a.DoneAt)
	a.ParentID, a.UnitID, a.UserID, a.Role = deref(parent), deref(unit), deref(user), engine.AssignmentRole(role)
	a.Deadline, a.DoneAt, a.CreatedAt = utcPtr(a.Deadline), utcPtr(a.DoneAt), utc(a.CreatedAt)
	return a, err
}

func (q queries) DelegationInsert(ctx context.Context, d *engine.Delegation) error {
	_, err := q.exec(ctx, "delegation insert", qDelegationInsert, d.ID, d.AgencyID, d.FromUser, d.ToUser, string(d.Form),
		strings.Join(d.TypeCodes, ","), d.ValidFrom.UTC(), d.ValidTo.UTC(), utcPtr(d.RevokedAt), d.CreatedAt.UTC())
	return err
}

func (q queries) DelegationListTo(ctx context.Context, toUser, agencyID string) ([]engine.Delegation, error) {
	return list(ctx, q, "delegation list", qDelegationListTo, func(r Row) (engine.Delegation, error) {
		var d engine.Delegation
		var form, types string
		err := r.Scan(&d.ID, &d.AgencyID, &d.FromUser, &d.ToUser, &form, &types, &d.ValidFrom, &d.ValidTo, &d.RevokedAt, &d.CreatedAt)
		d.Form = engine.SigningForm(form)
		if types != "" {
			d.TypeCodes = strings.Split(types, ",")
		}
		d.ValidFrom, d.ValidTo, d.RevokedAt, d.CreatedAt = utc(d.ValidFrom), utc(d.ValidTo), utcPtr(d.RevokedAt), utc(d.CreatedAt)
		return d, err
	}, toUser, agencyID)
}

func (q queries) RequestLogInsert(ctx context.Context, r engine.RequestRecord) error {
	return q.execLater(ctx, "request log insert", qRequestLogInsert, nil, r.RequestID, r.ActorID, string(r.Action), r.ObjectID,
		r.CreatedAt.UTC())
}

func (q queries) RequestLogGet(ctx context.Context, requestID string) (engine.RequestRecord, error) {
	var rec engine.RequestRecord
	var action string
	err := q.get(ctx, "request log get", qRequestLogGet, func(r Row) error {
		return r.Scan(&rec.RequestID, &rec.ActorID, &action, &rec.ObjectID, &rec.CreatedAt)
	}, requestID)
	rec.Action, rec.CreatedAt = engine.Action(action), utc(rec.CreatedAt)
	return rec, err
}

func (q queries) RequestReplyInsert(ctx context.Context, r engine.RequestReply) error {
	return q.execLater(ctx, "request reply insert", qRequestReplyInsert, nil, r.RequestID, r.Digest, r.Reply, r.CreatedAt.UTC())
}

func (q queries) RequestReplyGet(ctx context.Context, requestID string) (engine.RequestReply, error) {
	var rep engine.RequestReply
	err := q.get(ctx, "request reply get", qRequestReplyGet, func(r Row) error {
		return r.Scan(&rep.RequestID, &rep.Digest, &rep.Reply, &rep.CreatedAt)
	}, requestID)
	rep.CreatedAt = utc(rep.CreatedAt)
	return rep, err
}

func (q queries) RequestsPrune(ctx context.Context, before time.Time, limit int) (requests, replies int64, err error) {
	if requests, err = q.exec(ctx, "request log prune", qRequestLogPrune, before.UTC(), limit); err != nil {
		return 0, 0, err
	}
	replies, err = q.exec(ctx, "request reply prune", qRequestReplyPrune, before.UTC(), limit)
	return requests, replies, err
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func derefInt(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// maxUUID sorts after every id, so the first page needs no special query.
const maxUUID = "ffffffff-ffff-ffff-ffff-ffffffffffff"

func (q queries) DocumentPage(ctx context.Context, f engine.DocumentPageFilter) ([]engine.Document, error) {
	if f.AgencyID == "" {
		return nil, fmt.Errorf("document page: %w: agency is required", engine.ErrInvalid)
	}
	before := f.Before
	if before == "" {
		before = maxUUID
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	return list(ctx, q, "document page", qDocumentPage, scanDocument,
		f.AgencyID, string(f.Flow), string(f.State), f.Year, before, limit)
}

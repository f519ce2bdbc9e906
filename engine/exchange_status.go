package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/vanthu/vanthu/engine/edxml"
)

// deliveryOf maps the axis's status codes onto what the sender sees of a recipient.
var deliveryOf = map[edxml.StatusCode]DeliveryStatus{
	edxml.StatusArrived: DeliveryDelivered, edxml.StatusRejected: DeliveryReturned, edxml.StatusAccepted: DeliveryRegistered,
	edxml.StatusAssigned: DeliveryAssigned, edxml.StatusProcessing: DeliveryInProgress, edxml.StatusCompleted: DeliveryDone,
	edxml.StatusChangeAccepted: DeliveryChangeAccepted, edxml.StatusChangeRejected: DeliveryChangeRejected,
}

// ApplyExchangeStatus applies a status message. 13 (lấy lại) comes from the sender of
// a document this instance received, and cancels it like a revocation; every other
// code comes from a recipient of a document this instance issued, and updates that
// recipient's delivery and the document's audit trail. A status about a document this
// instance does not know is a warning (result unknown_document), not an error.
func (e *Engine) ApplyExchangeStatus(ctx context.Context, s *edxml.StatusMessage) (ExchangeResult, error) {
	target := s.ResponseFor.DocumentID
	if target == "" {
		target = s.ResponseFor.OrganID + "," + formatAxisDate(s.ResponseFor) + "," + s.ResponseFor.Code
	}
	var res ExchangeResult
	err := e.store.InTx(ctx, func(q Queries) error {
		var err error
		if s.Code == edxml.StatusRecallRequested {
			res, err = e.takeBack(ctx, q, s, target)
		} else {
			res, err = e.applyRecipientStatus(ctx, q, s, target)
		}
		return err
	})
	if err != nil {
		return ExchangeResult{}, fmt.Errorf("apply exchange status %s: %w", s.Code, err)
	}
	res.Warnings = append(slices.Clone(s.Warnings), res.Warnings...)
	return res, nil
}

func formatAxisDate(r edxml.ResponseFor) string {
	if r.PromulgationDate.IsZero() {
		return ""
	}
	return r.PromulgationDate.In(vietnam).Format("2006/01/02")
}

// takeBack cancels, in every agency here, the copies of the document the sender takes back.
func (e *Engine) takeBack(ctx context.Context, q Queries, s *edxml.StatusMessage, target string) (ExchangeResult, error) {
	rows, err := q.ExchangeDocumentListByExternalID(ctx, target)
	if err != nil {
		return ExchangeResult{}, err
	}
	res := ExchangeResult{Result: ExchangeUnknownDocument}
	var agencies []string
	for _, x := range rows {
		if !slices.Contains(agencies, x.AgencyID) {
			agencies = append(agencies, x.AgencyID)
		}
	}
	if len(agencies) == 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("document %s is not known here", target))
	}
	c := &change{e: e, q: q, actor: System, action: ActionCancel, now: e.timestamp()}
	for _, a := range agencies {
		out, err := c.revoke(ctx, a, target, s.From.OrganID, "Lấy lại (13): "+s.Description)
		if err != nil {
			return res, err
		}
		if out.Result == ExchangeRecalled || out.Result == ExchangeDuplicate {
			out.Result = ExchangeApplied
		}
		res.merge(out)
	}
	return res, c.finish(ctx, "", "")
}

// applyRecipientStatus records a recipient's status on the document this instance issued.
func (e *Engine) applyRecipientStatus(ctx context.Context, q Queries, s *edxml.StatusMessage, target string) (ExchangeResult, error) {
	d, err := e.issuedDocument(ctx, q, target)
	if errors.Is(err, ErrNotFound) {
		return ExchangeResult{Result: ExchangeUnknownDocument, Warnings: []string{fmt.Sprintf("document %s was not issued here", target)}}, nil
	}
	if err != nil {
		return ExchangeResult{}, err
	}
	res := ExchangeResult{Result: ExchangeApplied}
	c := &change{e: e, q: q, actor: System, action: "exchange_status", now: e.timestamp()}
	recipient, err := agencyByOrganID(ctx, q, s.From.OrganID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return res, err
	}
	dels, err := q.DeliveryListByOutgoing(ctx, d.ID)
	if err != nil {
		return res, err
	}
	i := slices.IndexFunc(dels, func(del Delivery) bool { return recipient.ID != "" && del.RecipientAgencyID == recipient.ID })
	onAxis, added := false, false
	if i < 0 {
		if onAxis, added, err = c.applyAxisStatus(ctx, d, s); err != nil {
			return res, err
		}
	}
	switch {
	case onAxis && !added:
		res.Warnings = append(res.Warnings, "this status was applied before")
		return res, nil
	case onAxis:
	case i < 0:
		res.Warnings = append(res.Warnings, fmt.Sprintf("no delivery of %s to %s is recorded here: the status is kept in the audit trail",
			d.Notation, s.From.OrganID))
	default:
		del := dels[i]
		if del.Status == deliveryOf[s.Code] && del.Reason == s.Description {
			// A retried status: the recipient's view and the trail have it already.
			res.Warnings = append(res.Warnings, "this status was applied before")
			return res, nil
		}
		del.Status, del.Reason, del.UpdatedAt = deliveryOf[s.Code], s.Description, c.now
		if err := q.DeliveryUpdate(ctx, &del); err != nil {
			return res, err
		}
	}
	c.audit(d.AgencyID, "document", d.ID, nil, map[string]any{"status_code": s.Code, "status": s.Code.Meaning(),
		"from": s.From.OrganID, "from_name": s.From.OrganName, "description": s.Description, "staff": s.Staff.Staff,
		"department": s.Staff.Department, "at": s.Timestamp})
	return res, c.finish(ctx, "", d.ID)
}

// issuedDocument finds the document a DocumentId names among the documents issued here.
func (e *Engine) issuedDocument(ctx context.Context, q Queries, documentID string) (Document, error) {
	organID, date, code, err := edxml.ParseDocumentID(documentID)
	if err != nil {
		return Document{}, fmt.Errorf("document id %q: %w", documentID, ErrNotFound)
	}
	agency, err := agencyByOrganID(ctx, q, organID)
	if err != nil {
		return Document{}, err
	}
	ids, err := q.OutgoingListByNotation(ctx, agency.ID, code.String())
	if err != nil {
		return Document{}, err
	}
	// The same số, ký hiệu comes back each year: the date tells them apart.
	for i := len(ids) - 1; i >= 0; i-- {
		d, err := q.DocumentGetByID(ctx, ids[i])
		if err != nil {
			return Document{}, err
		}
		if d.IssuedAt != nil && d.IssuedAt.In(vietnam).Format("2006/01/02") == date.Format("2006/01/02") {
			return d, nil
		}
	}
	return Document{}, ErrNotFound
}

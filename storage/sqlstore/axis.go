package sqlstore

import (
	"context"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/search"
)

var (
	qAxisAgencyUpsert             = sqlFor("AxisAgencyUpsert")
	qAxisAgencyDeleteSyncedBefore = sqlFor("AxisAgencyDeleteSyncedBefore")
	qAxisAgencyGet                = sqlFor("AxisAgencyGet")
	qAxisAgencySearch             = sqlFor("AxisAgencySearch")
	qAxisDeliveryInsert           = sqlFor("AxisDeliveryInsert")
	qAxisDeliveryUpdate           = sqlFor("AxisDeliveryUpdate")
	qAxisDeliveryGet              = sqlFor("AxisDeliveryGet")
	qAxisDeliveryListByOutgoing   = sqlFor("AxisDeliveryListByOutgoing")
	qAxisDeliveryEventInsert      = sqlFor("AxisDeliveryEventInsert")
	qAxisDeliveryEventList        = sqlFor("AxisDeliveryEventList")
	qExchangeDocumentGet          = sqlFor("ExchangeDocumentGet")
)

func (q queries) AxisAgencyUpsert(ctx context.Context, a *engine.AxisAgency) error {
	_, err := q.exec(ctx, "axis agency upsert", qAxisAgencyUpsert, a.Code, a.Name, a.ParentCode, a.Email, a.Phone, a.Address,
		a.SystemID, a.Folded(), a.SyncedAt.UTC())
	return err
}

func (q queries) AxisAgencyDeleteSyncedBefore(ctx context.Context, t time.Time) (int, error) {
	n, err := q.exec(ctx, "axis agency delete", qAxisAgencyDeleteSyncedBefore, t.UTC())
	return int(n), err
}

func (q queries) AxisAgencyGet(ctx context.Context, code string) (engine.AxisAgency, error) {
	var a engine.AxisAgency
	err := q.get(ctx, "axis agency get", qAxisAgencyGet, func(r Row) (err error) { a, err = scanAxisAgency(r); return }, code)
	return a, err
}

// AxisAgencySearch matches the query, in search form, anywhere in an entry's code and name.
func (q queries) AxisAgencySearch(ctx context.Context, p engine.AxisAgencySearch) ([]engine.AxisAgency, error) {
	pattern := "%"
	if f := search.Fold(p.Query); f != "" {
		pattern = "%" + likeEscape(f) + "%"
	}
	return list(ctx, q, "axis agency search", qAxisAgencySearch, scanAxisAgency, pattern, p.After, p.Limit)
}

func scanAxisAgency(r Row) (engine.AxisAgency, error) {
	var a engine.AxisAgency
	err := r.Scan(&a.Code, &a.Name, &a.ParentCode, &a.Email, &a.Phone, &a.Address, &a.SystemID, &a.SyncedAt)
	a.SyncedAt = utc(a.SyncedAt)
	return a, err
}

func (q queries) AxisDeliveryInsert(ctx context.Context, d *engine.AxisDelivery) error {
	_, err := q.exec(ctx, "axis delivery insert", qAxisDeliveryInsert, d.ID, d.OutgoingID, d.RecipientCode, d.RecipientName,
		string(d.Status), d.Reason, d.StatusCode, d.StatusAt.UTC(), d.PackageID, d.UpdatedAt.UTC())
	return err
}

func (q queries) AxisDeliveryUpdate(ctx context.Context, d *engine.AxisDelivery) error {
	return q.execOne(ctx, "axis delivery update", qAxisDeliveryUpdate, d.ID, string(d.Status), d.Reason, d.StatusCode,
		d.StatusAt.UTC(), d.PackageID, d.UpdatedAt.UTC())
}

func (q queries) AxisDeliveryGet(ctx context.Context, id string) (engine.AxisDelivery, error) {
	var d engine.AxisDelivery
	err := q.get(ctx, "axis delivery get", qAxisDeliveryGet, func(r Row) (err error) { d, err = scanAxisDelivery(r); return }, id)
	return d, err
}

func (q queries) AxisDeliveryListByOutgoing(ctx context.Context, outgoingID string) ([]engine.AxisDelivery, error) {
	return list(ctx, q, "axis delivery list", qAxisDeliveryListByOutgoing, scanAxisDelivery, outgoingID)
}

func scanAxisDelivery(r Row) (engine.AxisDelivery, error) {
	var d engine.AxisDelivery
	var status string
	err := r.Scan(&d.ID, &d.OutgoingID, &d.RecipientCode, &d.RecipientName, &status, &d.Reason, &d.StatusCode, &d.StatusAt,
		&d.PackageID, &d.UpdatedAt)
	d.Status, d.StatusAt, d.UpdatedAt = engine.DeliveryStatus(status), utc(d.StatusAt), utc(d.UpdatedAt)
	return d, err
}

func (q queries) AxisDeliveryEventInsert(ctx context.Context, e *engine.AxisDeliveryEvent) (bool, error) {
	n, err := q.exec(ctx, "axis delivery event insert", qAxisDeliveryEventInsert, e.DeliveryID, e.StatusCode, e.At.UTC(),
		string(e.Status), e.Reason, e.Staff, e.RecordedAt.UTC())
	return n > 0, err
}

func (q queries) AxisDeliveryEventList(ctx context.Context, deliveryID string) ([]engine.AxisDeliveryEvent, error) {
	return list(ctx, q, "axis delivery event list", qAxisDeliveryEventList, func(r Row) (engine.AxisDeliveryEvent, error) {
		var e engine.AxisDeliveryEvent
		var status string
		err := r.Scan(&e.DeliveryID, &e.StatusCode, &e.At, &status, &e.Reason, &e.Staff, &e.RecordedAt)
		e.Status, e.At, e.RecordedAt = engine.DeliveryStatus(status), utc(e.At), utc(e.RecordedAt)
		return e, err
	}, deliveryID)
}

func (q queries) ExchangeDocumentGet(ctx context.Context, documentID string) (engine.ExchangeDocument, error) {
	var x engine.ExchangeDocument
	err := q.get(ctx, "exchange document get", qExchangeDocumentGet, func(r Row) error {
		var business string
		err := r.Scan(&x.DocumentID, &x.AgencyID, &x.SenderCode, &x.ExternalID, &business, &x.ReceivedAt)
		x.Business, x.ReceivedAt = engine.ExchangeBusiness(business), utc(x.ReceivedAt)
		return err
	}, documentID)
	return x, err
}

var (
	qAxisSentList      = sqlFor("AxisSentList")
	qAxisReceivedList  = sqlFor("AxisReceivedList")
	qAxisRefusalInsert = sqlFor("AxisRefusalInsert")
	qAxisRefusalList   = sqlFor("AxisRefusalList")
)

func (q queries) AxisSentList(ctx context.Context, p engine.AxisListPage) ([]engine.AxisSentDocument, error) {
	return list(ctx, q, "axis sent list", qAxisSentList, func(r Row) (engine.AxisSentDocument, error) {
		var d engine.AxisSentDocument
		var issued *time.Time
		err := r.Scan(&d.DocumentID, &d.Notation, &d.Subject, &issued, &d.IssuedAt)
		if issued != nil {
			d.IssuedAt = *issued // else when it was created
		}
		d.IssuedAt = utc(d.IssuedAt)
		return d, err
	}, p.AgencyID, p.Limit, p.Offset)
}

func (q queries) AxisReceivedList(ctx context.Context, p engine.AxisListPage) ([]engine.AxisReceivedDocument, error) {
	return list(ctx, q, "axis received list", qAxisReceivedList, func(r Row) (engine.AxisReceivedDocument, error) {
		var x engine.AxisReceivedDocument
		var business, state string
		err := r.Scan(&x.DocumentID, &x.AgencyID, &x.SenderCode, &x.ExternalID, &business, &x.ReceivedAt,
			&x.SenderName, &x.SenderNotation, &x.Subject, &state, &x.Note)
		x.Business, x.State, x.ReceivedAt = engine.ExchangeBusiness(business), engine.State(state), utc(x.ReceivedAt)
		return x, err
	}, p.AgencyID, p.Limit, p.Offset)
}

func (q queries) AxisRefusalInsert(ctx context.Context, r *engine.AxisRefusal) (bool, error) {
	n, err := q.exec(ctx, "axis refusal insert", qAxisRefusalInsert, r.PackageID, r.ToCode, r.FromCode, r.Reason, r.RefusedAt.UTC())
	return n > 0, err
}

func (q queries) AxisRefusalList(ctx context.Context, codes []string, offset, limit int) ([]engine.AxisRefusal, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	second := codes[0]
	if len(codes) > 1 {
		second = codes[1]
	}
	return list(ctx, q, "axis refusal list", qAxisRefusalList, func(r Row) (engine.AxisRefusal, error) {
		var x engine.AxisRefusal
		err := r.Scan(&x.PackageID, &x.ToCode, &x.FromCode, &x.Reason, &x.RefusedAt)
		x.RefusedAt = utc(x.RefusedAt)
		return x, err
	}, codes[0], second, limit, offset)
}

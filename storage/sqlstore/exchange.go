package sqlstore

import (
	"context"

	"github.com/vanthu/vanthu/engine"
)

var (
	qExchangeDocumentInsert           = sqlFor("ExchangeDocumentInsert")
	qExchangeDocumentListByExternalID = sqlFor("ExchangeDocumentListByExternalID")
	qOutgoingListByNotation           = sqlFor("OutgoingListByNotation")
)

func (q queries) ExchangeDocumentInsert(ctx context.Context, x *engine.ExchangeDocument) error {
	_, err := q.exec(ctx, "exchange document insert", qExchangeDocumentInsert, x.DocumentID, x.AgencyID, x.SenderCode,
		x.ExternalID, string(x.Business), x.ReceivedAt.UTC())
	return err
}

func (q queries) ExchangeDocumentListByExternalID(ctx context.Context, externalID string) ([]engine.ExchangeDocument, error) {
	return list(ctx, q, "exchange document list", qExchangeDocumentListByExternalID, func(r Row) (engine.ExchangeDocument, error) {
		var x engine.ExchangeDocument
		var business string
		err := r.Scan(&x.DocumentID, &x.AgencyID, &x.SenderCode, &x.ExternalID, &business, &x.ReceivedAt)
		x.Business, x.ReceivedAt = engine.ExchangeBusiness(business), utc(x.ReceivedAt)
		return x, err
	}, externalID)
}

func (q queries) OutgoingListByNotation(ctx context.Context, agencyID, notation string) ([]string, error) {
	return list(ctx, q, "outgoing list by notation", qOutgoingListByNotation, func(r Row) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, agencyID, notation)
}

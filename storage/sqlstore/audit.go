package sqlstore

import (
	"context"
	"fmt"

	"github.com/vanthu/vanthu/engine"
)

var (
	qAuditHeadAdvance  = sqlFor("AuditHeadAdvance")
	qAuditHeadGet      = sqlFor("AuditHeadGet")
	qAuditInsert       = sqlFor("AuditInsert")
	qAuditListByAgency = sqlFor("AuditListByAgency")
	qAuditCount        = sqlFor("AuditCount")
	qAuditListByDoc    = sqlFor("AuditListByDocument")
)

func (q queries) AuditHeadAdvance(ctx context.Context, agencyID string, n int) (int64, string, error) {
	if n < 1 {
		return 0, "", fmt.Errorf("audit head advance: %d events", n)
	}
	var last int64
	var hash string
	err := q.get(ctx, "audit head advance", qAuditHeadAdvance, func(r Row) error { return r.Scan(&last, &hash) }, agencyID, int64(n))
	return last - int64(n) + 1, hash, err
}

func (q queries) AuditHeadGet(ctx context.Context, agencyID string) (engine.ChainHead, error) {
	var h engine.ChainHead
	err := q.get(ctx, "audit head get", qAuditHeadGet, func(r Row) error { return r.Scan(&h.AgencyID, &h.Seq, &h.Hash) }, agencyID)
	return h, err
}

func (q queries) AuditInsert(ctx context.Context, e *engine.Event) error {
	err := q.execLater(ctx, "audit insert", qAuditInsert, nil, e.AgencyID, e.Seq, e.At.UTC(), e.ActorID, string(e.Role), e.Action,
		e.ObjectType, e.ObjectID, e.Before, e.After, e.PrevHash, e.Hash)
	if err == nil {
		q.recordEvent(e)
	}
	return err
}

func (q queries) AuditListByAgency(ctx context.Context, agencyID string, afterSeq int64, limit int) ([]engine.Event, error) {
	return list(ctx, q, "audit list", qAuditListByAgency, scanEvent, agencyID, afterSeq, limit)
}

func (q queries) AuditListByDocument(ctx context.Context, documentID string, limit int) ([]engine.Event, error) {
	return list(ctx, q, "audit list by document", qAuditListByDoc, scanEvent, documentID, documentID, limit)
}

func (q queries) AuditCount(ctx context.Context) (int, error) {
	var n int
	err := q.get(ctx, "audit count", qAuditCount, func(r Row) error { return r.Scan(&n) })
	return n, err
}

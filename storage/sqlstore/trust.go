package sqlstore

import (
	"context"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qTrustAnchorInsert     = sqlFor("TrustAnchorInsert")
	qTrustAnchorGetByID    = sqlFor("TrustAnchorGetByID")
	qTrustAnchorPage       = sqlFor("TrustAnchorPage")
	qTrustAnchorCount      = sqlFor("TrustAnchorCount")
	qTrustAnchorListActive = sqlFor("TrustAnchorListActive")
	qTrustAnchorRemove     = sqlFor("TrustAnchorRemove")
	qTrustAnchorVersion    = sqlFor("TrustAnchorVersion")
)

func (q queries) TrustAnchorInsert(ctx context.Context, a *engine.TrustAnchor) error {
	_, err := q.exec(ctx, "trust anchor insert", qTrustAnchorInsert, a.ID, a.Subject, a.SHA256, a.DER, a.NotAfter.UTC(),
		a.AddedBy, a.AddedAt.UTC())
	return err
}

func (q queries) TrustAnchorGetByID(ctx context.Context, id string) (engine.TrustAnchor, error) {
	var a engine.TrustAnchor
	err := q.get(ctx, "trust anchor get", qTrustAnchorGetByID, func(r Row) (err error) { a, err = scanTrustAnchor(r); return }, id)
	return a, err
}

func (q queries) TrustAnchorPage(ctx context.Context, after string, limit int) ([]engine.TrustAnchor, error) {
	if after == "" {
		after = maxUUID
	}
	return list(ctx, q, "trust anchor page", qTrustAnchorPage, scanTrustAnchor, after, limit)
}

func (q queries) TrustAnchorCount(ctx context.Context) (int, error) {
	var n int
	err := q.get(ctx, "trust anchor count", qTrustAnchorCount, func(r Row) error { return r.Scan(&n) })
	return n, err
}

func (q queries) TrustAnchorListActive(ctx context.Context) ([]engine.TrustAnchor, error) {
	return list(ctx, q, "trust anchor list", qTrustAnchorListActive, scanTrustAnchor)
}

func (q queries) TrustAnchorRemove(ctx context.Context, id, by string, at time.Time) error {
	return q.execOne(ctx, "trust anchor remove", qTrustAnchorRemove, id, by, at.UTC())
}

func (q queries) TrustAnchorVersion(ctx context.Context) (int64, error) {
	var v int64
	err := q.get(ctx, "trust anchor version", qTrustAnchorVersion, func(r Row) error { return r.Scan(&v) })
	return v, err
}

func scanTrustAnchor(r Row) (engine.TrustAnchor, error) {
	var a engine.TrustAnchor
	var removedBy *string
	err := r.Scan(&a.ID, &a.Subject, &a.SHA256, &a.DER, &a.NotAfter, &a.AddedBy, &a.AddedAt, &removedBy, &a.RemovedAt)
	a.NotAfter, a.AddedAt, a.RemovedAt = utc(a.NotAfter), utc(a.AddedAt), utcPtr(a.RemovedAt)
	if removedBy != nil {
		a.RemovedBy = *removedBy
	}
	return a, err
}

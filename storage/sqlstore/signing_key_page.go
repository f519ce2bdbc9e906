package sqlstore

import (
	"context"

	"github.com/vanthu/vanthu/engine"
)

var (
	qSigningKeyPageByAgency  = sqlFor("SigningKeyPageByAgency")
	qSigningKeyCountByAgency = sqlFor("SigningKeyCountByAgency")
)

func (q queries) SigningKeyPageByAgency(ctx context.Context, agencyID, after string, limit int) ([]engine.SigningKey, error) {
	if after == "" {
		after = maxUUID
	}
	return list(ctx, q, "signing key page", qSigningKeyPageByAgency, scanSigningKey, agencyID, after, limit)
}

func (q queries) SigningKeyCountByAgency(ctx context.Context, agencyID string) (int, error) {
	var n int
	err := q.get(ctx, "signing key count", qSigningKeyCountByAgency, func(r Row) error { return r.Scan(&n) }, agencyID)
	return n, err
}

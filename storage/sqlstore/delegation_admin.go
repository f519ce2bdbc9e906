package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qDelegationPageByAgency  = sqlFor("DelegationPageByAgency")
	qDelegationCountByAgency = sqlFor("DelegationCountByAgency")
	qDelegationGetByID       = sqlFor("DelegationGetByID")
	qDelegationRevoke        = sqlFor("DelegationRevoke")
)

func (q queries) DelegationPageByAgency(ctx context.Context, agencyID, after string, limit int) ([]engine.Delegation, error) {
	if after == "" {
		after = maxUUID
	}
	return list(ctx, q, "delegation page", qDelegationPageByAgency, scanDelegation, agencyID, after, limit)
}

func (q queries) DelegationCountByAgency(ctx context.Context, agencyID string) (int, error) {
	var n int
	err := q.get(ctx, "delegation count", qDelegationCountByAgency, func(r Row) error { return r.Scan(&n) }, agencyID)
	return n, err
}

func (q queries) DelegationGetByID(ctx context.Context, id string) (engine.Delegation, error) {
	var d engine.Delegation
	err := q.get(ctx, "delegation get", qDelegationGetByID, func(r Row) (err error) { d, err = scanDelegation(r); return }, id)
	return d, err
}

func (q queries) DelegationRevoke(ctx context.Context, id string, at time.Time) error {
	return q.execOne(ctx, "delegation revoke", qDelegationRevoke, id, at.UTC())
}

func scanDelegation(r Row) (engine.Delegation, error) {
	var d engine.Delegation
	var form, types string
	err := r.Scan(&d.ID, &d.AgencyID, &d.FromUser, &d.ToUser, &form, &types, &d.ValidFrom, &d.ValidTo, &d.RevokedAt, &d.CreatedAt)
	d.Form = engine.SigningForm(form)
	if types != "" {
		d.TypeCodes = strings.Split(types, ",")
	}
	d.ValidFrom, d.ValidTo, d.RevokedAt, d.CreatedAt = utc(d.ValidFrom), utc(d.ValidTo), utcPtr(d.RevokedAt), utc(d.CreatedAt)
	return d, err
}

package engine

import (
	"context"
	"fmt"
)

// SigningKeyPage is one page of the signing keys an agency's administrator manages.
type SigningKeyPage struct {
	Keys  []SigningKey
	Total int
	Next  string // the after of the next page; "" on the last
}

// maxSigningKeyPage bounds a page of signing keys.
const maxSigningKeyPage = 100

// ListSigningKeys lists one page of the keys of an agency (its seal) and of its people,
// newest first, for an admin of that agency or of one above it.
func (e *Engine) ListSigningKeys(ctx context.Context, actor Actor, agencyID, after string, limit int) (SigningKeyPage, error) {
	if limit <= 0 || limit > maxSigningKeyPage {
		limit = maxSigningKeyPage
	}
	c := &change{e: e, q: e.store, actor: actor, action: "list_signing_keys"}
	if err := c.adminOf(ctx, agencyID); err != nil {
		return SigningKeyPage{}, fmt.Errorf("list signing keys: %w", err)
	}
	keys, err := e.store.SigningKeyPageByAgency(ctx, agencyID, after, limit+1)
	if err != nil {
		return SigningKeyPage{}, fmt.Errorf("list signing keys: %w", err)
	}
	var p SigningKeyPage
	if len(keys) > limit {
		keys = keys[:limit]
		p.Next = keys[limit-1].ID
	}
	p.Keys = keys
	if p.Total, err = e.store.SigningKeyCountByAgency(ctx, agencyID); err != nil {
		return SigningKeyPage{}, fmt.Errorf("list signing keys: %w", err)
	}
	return p, nil
}

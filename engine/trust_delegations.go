package engine

import (
	"context"
	"fmt"
)

// The administration screen's view of signing delegations: the head of an agency and its
// administrators list them and revoke one before its end.

// DelegationPage is one page of an agency's delegations, newest first.
type DelegationPage struct {
	Delegations []Delegation
	Total       int
	Next        string // the after of the next page; "" on the last
}

// maxDelegationPage bounds a page of delegations.
const maxDelegationPage = 100

// ListDelegations lists one page of the delegations of the actor's agency, for its head
// (leader) or an admin of it or of an agency above it.
func (e *Engine) ListDelegations(ctx context.Context, actor Actor, after string, limit int) (DelegationPage, error) {
	if limit <= 0 || limit > maxDelegationPage {
		limit = maxDelegationPage
	}
	c := &change{e: e, q: e.store, actor: actor, action: "list_delegations"}
	if err := c.delegationManager(ctx, actor.AgencyID, ""); err != nil {
		return DelegationPage{}, fmt.Errorf("list delegations: %w", err)
	}
	ds, err := e.store.DelegationPageByAgency(ctx, actor.AgencyID, after, limit+1)
	if err != nil {
		return DelegationPage{}, fmt.Errorf("list delegations: %w", err)
	}
	var p DelegationPage
	if len(ds) > limit {
		ds = ds[:limit]
		p.Next = ds[limit-1].ID
	}
	p.Delegations = ds
	if p.Total, err = e.store.DelegationCountByAgency(ctx, actor.AgencyID); err != nil {
		return DelegationPage{}, fmt.Errorf("list delegations: %w", err)
	}
	return p, nil
}

// RevokeDelegation ends a delegation now: the delegate can no longer sign under it. The
// head who gave it or an admin of the agency may; the agency's chain records it.
func (e *Engine) RevokeDelegation(ctx context.Context, actor Actor, id string) error {
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "revoke_delegation", now: e.timestamp()}
		d, err := q.DelegationGetByID(ctx, id)
		if err != nil {
			return err
		}
		if d.AgencyID != actor.AgencyID {
			return fmt.Errorf("delegation of another agency: %w", ErrNotFound)
		}
		if err := c.delegationManager(ctx, d.AgencyID, d.FromUser); err != nil {
			return err
		}
		if err := q.DelegationRevoke(ctx, id, c.now); err != nil {
			return err
		}
		c.audit(d.AgencyID, "delegation", d.ID, nil, map[string]any{"to": d.ToUser, "form": d.Form, "revoked_at": c.now})
		return c.finish(ctx, "", d.ID)
	})
	if err != nil {
		return fmt.Errorf("revoke delegation: %w", err)
	}
	return nil
}

// delegationManager checks that the actor is the agency's head (the delegator himself when
// from is given) or an admin of it or of an agency above it.
func (c *change) delegationManager(ctx context.Context, agencyID, from string) error {
	if c.actor.Role == RoleLeader {
		if err := c.authorize(ctx, agencyID); err != nil {
			return err
		}
		if from != "" && from != c.actor.UserID {
			return refuse(c.action, ReasonWrongRole, "only the head who gave the delegation or an admin revokes it")
		}
		return nil
	}
	return c.adminOf(ctx, agencyID)
}

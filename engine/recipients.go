package engine

import (
	"context"
	"fmt"
	"slices"
)

// Recipients names who receives a document: agencies by id, and groups such as "all
// districts of the province" (Below: the province, Tier: district) or "all communes of
// district X" (Below: X, Tier: commune). The tree's depth is data: in a two-tier province
// "all communes" is simply Below: the province, Tier: commune.
type Recipients struct {
	AgencyIDs []string
	Groups    []RecipientGroup
	ListIDs   []string // saved distribution lists of the sender
}

// RecipientGroup is every agency of a tier under an agency.
type RecipientGroup struct {
	Below string
	Tier  Tier
}

// ResolveRecipients expands groups into agency ids, sorted and without duplicates; the
// sender itself and agencies that have ended are left out.
func (e *Engine) ResolveRecipients(ctx context.Context, senderID string, r Recipients) ([]string, error) {
	// A dissolved agency's mail goes to its successor (groups list only agencies in force).
	ids, err := e.currentAgencies(ctx, r.AgencyIDs)
	if err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	for _, g := range r.Groups {
		if !g.Tier.valid() {
			return nil, invalid("groups", "unknown tier %q", g.Tier)
		}
		tree, err := e.store.AgencyListSubtree(ctx, g.Below)
		if err != nil {
			return nil, fmt.Errorf("recipients: %w", err)
		}
		if len(tree) == 0 {
			return nil, fmt.Errorf("recipients: agency %s: %w", g.Below, ErrNotFound)
		}
		for _, a := range tree[1:] {
			if a.Tier == g.Tier && a.ValidTo == nil {
				ids = append(ids, a.ID)
			}
		}
	}
	for _, id := range r.ListIDs {
		l, err := e.store.DistributionListGet(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("recipients: list %s: %w", id, err)
		}
		if l.AgencyID != senderID {
			return nil, fmt.Errorf("recipients: list %s: %w", id, ErrNotFound)
		}
		members, err := e.currentAgencies(ctx, l.Members)
		if err != nil {
			return nil, fmt.Errorf("recipients: list %s: %w", id, err)
		}
		ids = append(ids, members...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return slices.DeleteFunc(ids, func(id string) bool { return id == senderID }), nil
}

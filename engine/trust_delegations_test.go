package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestDelegationAdministration(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		provinceAdmin, districtAdmin := admins(t, b)
		p := b.province
		first, err := b.eng.Delegate(ctx, p.leader, p.head.UserID, engine.SignsByAuthorization, []string{"GM"}, time.Now().Add(48*time.Hour))
		must(t, err)
		second, err := b.eng.Delegate(ctx, p.leader, p.deputy.UserID, engine.SignsOnBehalf, nil, time.Now().Add(24*time.Hour))
		must(t, err)

		t.Run("TheHeadAndTheAdminListThemNewestFirst", func(t *testing.T) {
			for _, actor := range []engine.Actor{p.leader, provinceAdmin} {
				page, err := b.eng.ListDelegations(ctx, actor, "", 1)
				if err != nil || len(page.Delegations) != 1 || page.Delegations[0].ID != second.ID || page.Total != 2 || page.Next == "" {
					t.Fatalf("%s, first page: %+v, %v", actor.Role, page, err)
				}
				next, err := b.eng.ListDelegations(ctx, actor, page.Next, 1)
				if err != nil || len(next.Delegations) != 1 || next.Delegations[0].ID != first.ID || next.Next != "" {
					t.Fatalf("%s, second page: %+v, %v", actor.Role, next, err)
				}
			}
			for _, actor := range []engine.Actor{p.clerk, p.deputy} {
				if _, err := b.eng.ListDelegations(ctx, actor, "", 10); !errors.Is(err, engine.ErrForbidden) {
					t.Fatalf("%s lists delegations: %v", actor.Role, err)
				}
			}
		})

		t.Run("OnlyTheHeadOrAnAdminRevokesAndItIsAudited", func(t *testing.T) {
			if err := b.eng.RevokeDelegation(ctx, p.clerk, first.ID); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("a clerk revokes: %v", err)
			}
			if err := b.eng.RevokeDelegation(ctx, districtAdmin, first.ID); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("another agency's admin revokes: %v, want not found", err)
			}
			must(t, b.eng.RevokeDelegation(ctx, p.leader, first.ID))
			must(t, b.eng.RevokeDelegation(ctx, provinceAdmin, second.ID))
			if err := b.eng.RevokeDelegation(ctx, p.leader, first.ID); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("revoked twice: %v, want not found", err)
			}
			ds, err := b.store.DelegationListTo(ctx, p.head.UserID, p.agency.ID)
			must(t, err)
			if len(ds) != 1 || ds[0].RevokedAt == nil || ds[0].Covers("GM", time.Now()) {
				t.Fatalf("the revoked delegation still covers: %+v", ds)
			}
			events, err := b.store.AuditListByAgency(ctx, p.agency.ID, 0, 1000)
			must(t, err)
			revoked := 0
			for _, e := range events {
				if e.Action == "revoke_delegation" && e.ObjectType == "delegation" {
					revoked++
				}
			}
			if revoked != 2 {
				t.Fatalf("%d revocations audited, want 2", revoked)
			}
		})
	})
}

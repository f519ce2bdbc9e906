package seed_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/storage/sqlite"
)

func TestDemoProvince(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := seed.Demo(ctx, store, "demo-pass")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("HasThreeTiersWithCommunesUnderEveryDistrict", func(t *testing.T) {
		all, err := store.AgencyList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byTier := map[engine.Tier]int{}
		children := map[string]int{}
		for _, a := range all {
			byTier[a.Tier]++
			children[a.ParentID]++
		}
		if byTier[engine.TierDistrict] < 3 {
			t.Fatalf("%d districts, want at least 3", byTier[engine.TierDistrict])
		}
		for _, a := range all {
			if a.Tier == engine.TierDistrict && (children[a.ID] < 2 || children[a.ID] > 3) {
				t.Errorf("%s has %d communes, want 2-3", a.Name, children[a.ID])
			}
		}
		if res.Agencies != len(all) {
			t.Fatalf("result says %d agencies, database has %d", res.Agencies, len(all))
		}
	})

	t.Run("EveryAgencyHasEveryRole", func(t *testing.T) {
		all, _ := store.AgencyList(ctx)
		for _, a := range all {
			ms, err := store.MembershipListByAgency(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			have := map[engine.Role]bool{}
			for _, m := range ms {
				have[m.Role] = true
			}
			for _, r := range engine.Roles {
				if !have[r] {
					t.Errorf("%s has no %s", a.Name, r)
				}
			}
		}
	})

	t.Run("DemoUsersLogInWithTheDemoPassword", func(t *testing.T) {
		e := engine.New(store)
		if _, err := e.Authenticate(ctx, "vanthu.tinh", "demo-pass"); err != nil {
			t.Fatalf("clerk login: %v", err)
		}
		if _, err := e.Authenticate(ctx, "vanthu.tinh", "wrong"); err != engine.ErrBadLogin {
			t.Fatalf("wrong password: %v", err)
		}
	})

	t.Run("RefusesToSeedTwice", func(t *testing.T) {
		if _, err := seed.Demo(ctx, store, "x"); err == nil {
			t.Fatal("second seed succeeded")
		}
	})
}

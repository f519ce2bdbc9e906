package seed_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/storage/sqlite"
)

// A second demo instance takes codes of its own, so that two instances can exchange
// over the axis without claiming each other's agencies.
func TestDemoAsAnotherAgency(t *testing.T) {
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
	if _, err := seed.DemoAs(ctx, store, "demo-pass", seed.Identity{Code: "G12", Code102: "000.00.00.G12", Name: "Bộ Tài chính"}); err != nil {
		t.Fatal(err)
	}
	root, err := store.AgencyGetByCode(ctx, "G12")
	if err != nil {
		t.Fatal(err)
	}
	if root.Code102 != "000.00.00.G12" || root.Name != "Bộ Tài chính" || root.ParentID != "" {
		t.Fatalf("root %+v", root)
	}
	all, err := store.AgencyList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if !strings.HasPrefix(a.Code, "G12") || strings.Contains(a.Code102, "H23") {
			t.Errorf("agency %s (%s) keeps a demo province code", a.Code, a.Code102)
		}
	}
	if len(all) < 20 {
		t.Fatalf("%d agencies: the whole tree is seeded", len(all))
	}
	if _, err := store.UserGetByUsername(ctx, "vanthu.tinh"); err != nil {
		t.Fatalf("the demo logins stay: %v", err)
	}
}

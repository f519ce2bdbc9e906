package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
)

func TestDemoSeedIssuesSigningKeysOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	cfg := &config{Data: data, LogFormat: "text", LogLevel: "warn"}
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := seed.Demo(ctx, store, "mat-khau-demo"); err != nil {
		t.Fatal(err)
	}
	blobs, err := cfg.openBlobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n, err := issueDemoKeys(ctx, cfg, store, blobs, nil, "mat-khau-demo")
	if err != nil {
		t.Fatal(err)
	}
	agencies, _ := store.AgencyList(ctx)
	if n <= len(agencies) {
		t.Fatalf("issued %d keys for %d agencies and their leaders", n, len(agencies))
	}
	for _, who := range []string{"lanhdao.tinh", "pholanhdao.tinh", "lanhdao.dongbang"} {
		u, err := store.UserGetByUsername(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SigningKeyGetActive(ctx, engine.KeyOwnerUser, u.ID); err != nil {
			t.Fatalf("%s has no key: %v", who, err)
		}
	}
	clerk, _ := store.UserGetByUsername(ctx, "vanthu.tinh")
	if _, err := store.SigningKeyGetActive(ctx, engine.KeyOwnerUser, clerk.ID); err == nil {
		t.Fatal("a clerk got a personal signing key")
	}
	if again, err := issueDemoKeys(ctx, cfg, store, blobs, nil, "mat-khau-demo"); err != nil || again != 0 {
		t.Fatalf("second start issued %d keys, %v", again, err)
	}
	// the demo root is trusted, so that what the demo keys sign verifies
	if _, err := os.Stat(filepath.Join(data, "trust", "vanthu-demo-root-NOT-FOR-PRODUCTION.pem")); err != nil {
		t.Fatal(err)
	}
}

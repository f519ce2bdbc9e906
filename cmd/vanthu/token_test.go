package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
)

func TestTokenCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	cfg := &config{Data: data, LogFormat: "text", LogLevel: "warn"}
	dbtest.MigratedSQLiteAt(t, filepath.Join(data, "vanthu.db"))
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	u, err := engine.New(store).CreateUserWithHash(ctx, engine.System, engine.User{Username: "truc.lien.thong", FullName: "Trục liên thông"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	vanthu := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, append(args, "--data", data, "--log-format", "text", "--log-level", "warn"), &out, &errOut)
		return code, out.String(), errOut.String()
	}

	code, out, stderr := vanthu("token", "create", "--user", "truc.lien.thong", "--scope", "documents:read,archive:read",
		"--expires", "90d", "--name", "LGSP", "--json")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	var created struct {
		ID, Token string
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || !strings.HasPrefix(created.Token, "vt_") {
		t.Fatalf("create printed %q: %v", out, err)
	}
	if d := time.Until(created.ExpiresAt); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Fatalf("expires in %v, want 90 days", d)
	}
	sum := sha256.Sum256([]byte(created.Token))
	stored, _, _, err := store.APITokenGetByHash(ctx, hex.EncodeToString(sum[:]))
	if err != nil || stored.UserID != u.ID || strings.Join(stored.Scopes, " ") != "archive:read documents:read" {
		t.Fatalf("stored token %+v, %v", stored, err)
	}

	t.Run("ListShowsItWithoutTheSecret", func(t *testing.T) {
		code, out, _ := vanthu("token", "list", "--user", "truc.lien.thong")
		if code != 0 || !strings.Contains(out, created.ID) || strings.Contains(out, created.Token) || !strings.Contains(out, "expires") {
			t.Fatalf("list: exit %d\n%s", code, out)
		}
	})
	t.Run("RevokeEndsIt", func(t *testing.T) {
		if code, _, stderr := vanthu("token", "revoke", "--id", created.ID); code != 0 {
			t.Fatalf("revoke: exit %d: %s", code, stderr)
		}
		if got, _ := store.APITokenGetByID(ctx, created.ID); got.RevokedAt == nil {
			t.Fatal("not revoked")
		}
		if _, out, _ := vanthu("token", "list", "--user", "truc.lien.thong"); !strings.Contains(out, "revoked") {
			t.Fatalf("list after revoke:\n%s", out)
		}
	})
	t.Run("BadInputIsAUsageError", func(t *testing.T) {
		for _, args := range [][]string{
			{"token", "create", "--user", "truc.lien.thong", "--scope", "everything"},
			{"token", "create", "--user", "truc.lien.thong", "--scope", "read", "--expires", "forever"},
			{"token", "create", "--scope", "read"},
			{"token", "drop"},
		} {
			if code, _, stderr := vanthu(args...); code != 2 || strings.Contains(stderr, "\n\n") {
				t.Errorf("%v: exit %d, %s", args, code, stderr)
			}
		}
		if code, _, _ := vanthu("token", "create", "--user", "khong.co", "--scope", "read"); code != 1 {
			t.Errorf("unknown user: exit %d", code)
		}
	})
}

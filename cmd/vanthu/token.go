package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
)

func init() {
	commands["token"] = command{"create, list or revoke API tokens for integrations (token create|list|revoke)", runToken}
}

const tokenUsage = `usage: vanthu token create --user NAME --scope SCOPE[,SCOPE…] [--name TEXT] [--expires 90d]
       vanthu token list --user NAME [--json]
       vanthu token revoke --id TOKEN-ID`

// runToken is `vanthu token`: API tokens are created for a user, shown once, and kept
// only as their SHA-256.
func runToken(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(tokenUsage)}
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	cfg := bindConfig(fs)
	user := fs.String("user", "", "the user the token acts as (username)")
	var scopes []string
	fs.Func("scope", "scopes, comma-separated or repeated: "+strings.Join(auth.Scopes, ", "), func(v string) error {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				scopes = append(scopes, s)
			}
		}
		return nil
	})
	name := fs.String("name", "", "what the token is for, e.g. the integration's name")
	expires := fs.String("expires", "", "lifetime such as 90d or 12h; empty: does not expire")
	id := fs.String("id", "", "the token's id (token revoke)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := auth.New(auth.Config{Engine: engine.New(store), Store: store})
	userID := func() (string, error) {
		if *user == "" {
			return "", usageError{errors.New("--user is required")}
		}
		u, err := store.UserGetByUsername(ctx, *user)
		if err != nil {
			return "", fmt.Errorf("user %s: %w", *user, err)
		}
		return u.ID, nil
	}
	switch args[0] {
	case "create":
		ttl, err := parseLifetime(*expires)
		if err != nil {
			return usageError{err}
		}
		uid, err := userID()
		if err != nil {
			return err
		}
		t, err := svc.CreateToken(ctx, uid, *name, scopes, ttl)
		if errors.Is(err, auth.ErrUnknownScope) {
			return usageError{err}
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(map[string]any{"id": t.ID, "token": t.Secret, "scopes": t.Scopes,
				"expires_at": t.ExpiresAt})
		}
		fmt.Fprintf(stdout, "Token %s for %s (%s)", t.ID, *user, strings.Join(t.Scopes, " "))
		if t.ExpiresAt != nil {
			fmt.Fprintf(stdout, ", expires %s", t.ExpiresAt.Format(time.RFC3339))
		}
		fmt.Fprintf(stdout, ":\n%s\nIt is shown only now; keep it as a secret (Authorization: Bearer …).\n", t.Secret)
		return nil
	case "list":
		uid, err := userID()
		if err != nil {
			return err
		}
		ts, err := svc.Tokens(ctx, uid)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(ts)
		}
		for _, t := range ts {
			status := "active"
			switch {
			case t.RevokedAt != nil:
				status = "revoked " + t.RevokedAt.Format(time.RFC3339)
			case t.ExpiresAt != nil:
				status = "expires " + t.ExpiresAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%s  %-24s %-30s %s\n", t.ID, t.Name, strings.Join(t.Scopes, " "), status)
		}
		return nil
	case "revoke":
		if *id == "" {
			return usageError{errors.New("--id is required")}
		}
		t, err := store.APITokenGetByID(ctx, *id)
		if err != nil {
			return fmt.Errorf("token %s: %w", *id, err)
		}
		if err := svc.RevokeToken(ctx, t.UserID, t.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Token %s revoked.\n", t.ID)
		return nil
	}
	return usageError{errors.New(tokenUsage)}
}

// parseLifetime reads "90d", "12h", "30m"; "" and "0" mean no expiry.
func parseLifetime(s string) (time.Duration, error) {
	if s == "" || s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 3650 {
			return 0, fmt.Errorf("--expires %q: days must be 1 to 3650", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--expires %q: give a lifetime such as 90d or 12h", s)
	}
	return d, nil
}

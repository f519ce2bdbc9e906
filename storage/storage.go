// Package storage opens vanthu's stores from their URLs: the metadata database
// (PostgreSQL or SQLite, see sqlstore) and the blob store (see blob).
package storage

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// OpenDatabase opens the metadata database a URL names and checks that it answers:
//
//	postgres://user@host:5432/vanthu?sslmode=disable   (also postgresql://)
//	sqlite:///var/lib/vanthu/vanthu.db                 (absolute path)
//	sqlite://vanthu-data/vanthu.db                     (relative path)
func OpenDatabase(ctx context.Context, rawURL string) (*sqlstore.Store, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("%q is not a database URL (postgres://… or sqlite:///path)", Redact(rawURL))
	}
	switch scheme {
	case "postgres", "postgresql":
		return postgres.Open(ctx, rawURL)
	case "sqlite", "sqlite3":
		path, _, _ := strings.Cut(rest, "?")
		if path == "" {
			return nil, fmt.Errorf("sqlite URL %q has no file path", rawURL)
		}
		return sqlite.Open(ctx, path)
	}
	return nil, fmt.Errorf("database scheme %q is not supported (use postgres:// or sqlite://)", scheme)
}

// Redact hides a password in a URL so that it can be logged.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

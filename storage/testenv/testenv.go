// Package testenv finds the real servers the tests talk to (PostgreSQL, an S3 server)
// and gives each test its own schema or bucket, so runs never collide.
//
// `make test` starts what is missing and exports VANTHU_TEST_DATABASE_URL and
// VANTHU_TEST_S3_*. With CI=true a missing server fails the test; elsewhere it skips.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultDatabaseURL is the PostgreSQL these machines run.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Unavailable fails under CI and skips elsewhere.
func Unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s not available (run `make test`): %v", what, err)
}

// Name returns a short random lower-case name with a prefix, valid as a schema or bucket.
func Name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PostgresURL creates a fresh schema on the test server and returns a URL whose
// connections use it; the schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("VANTHU_TEST_DATABASE_URL")
	if base == "" {
		base = DefaultDatabaseURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		Unavailable(t, "PostgreSQL", err)
	}
	defer admin.Close(ctx)
	schema := Name("test_")
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("VANTHU_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresNamedURL is PostgresURL whose connections also carry the schema's name as their
// application_name, returned too: a test can find its own connections in pg_stat_activity
// (to cut them) and nobody else's.
func PostgresNamedURL(t testing.TB) (rawURL, name string) {
	t.Helper()
	u, err := url.Parse(PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	name = q.Get("search_path")
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), name
}

// S3 is a test server's address and credentials with a bucket name of the test's own.
type S3 struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
}

// URL is the blob URL vanthu takes for this bucket (credentials travel in the environment).
func (s S3) URL() string {
	return "s3://" + s.Bucket + "?endpoint=" + url.QueryEscape(s.Endpoint) + "&secure=false"
}

// S3Server returns the test S3 server and a fresh bucket name (not yet created: the blob
// store creates its bucket on first use).
func S3Server(t testing.TB) S3 {
	t.Helper()
	s := S3{
		Endpoint:  os.Getenv("VANTHU_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("VANTHU_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("VANTHU_TEST_S3_SECRET_KEY"),
		Bucket:    strings.ReplaceAll(Name("test-"), "_", "-"),
	}
	if s.Endpoint == "" {
		Unavailable(t, "S3 server", errSetting("VANTHU_TEST_S3_ENDPOINT is not set"))
	}
	return s
}

type errSetting string

func (e errSetting) Error() string { return string(e) }

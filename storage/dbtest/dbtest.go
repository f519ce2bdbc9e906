// Package dbtest opens the real databases tests run against: a SQLite file of the test's
// own, or a PostgreSQL schema of its own (storage/testenv); the caller migrates them.
package dbtest

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/testenv"
)

// Opener opens a database of one test's own.
type Opener func(t testing.TB) *sqlstore.Store

// SQLite opens a database in a file under the test's temporary directory.
func SQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	quiet(t)
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Postgres opens a schema of the test's own on the test PostgreSQL.
func Postgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	quiet(t)
	s, err := postgres.Open(context.Background(), testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// quiet silences the default logger for a benchmark, whose migrations would otherwise log
// into the middle of its result line. Tests keep their logs.
func quiet(t testing.TB) {
	if _, ok := t.(*testing.B); !ok {
		return
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(prev) })
}

// ForEach runs a test on SQLite and on PostgreSQL, in parallel. The test migrates the
// database it opens; on SQLite it comes migrated already (MigratedSQLite), so that costs
// nothing.
func ForEach(t *testing.T, test func(t *testing.T, open Opener)) {
	t.Run("SQLite", func(t *testing.T) { t.Parallel(); test(t, MigratedSQLite) })
	t.Run("PostgreSQL", func(t *testing.T) { t.Parallel(); test(t, Postgres) })
}

// ForEachEmpty is ForEach with both databases empty, for tests of the migrations themselves.
func ForEachEmpty(t *testing.T, test func(t *testing.T, open Opener)) {
	t.Run("SQLite", func(t *testing.T) { t.Parallel(); test(t, SQLite) })
	t.Run("PostgreSQL", func(t *testing.T) { t.Parallel(); test(t, Postgres) })
}

// Exec runs SQL straight on s's database, past the store: what a test sets up that the
// store has no statement for, such as rows of an older schema or a deliberate corruption.
func Exec(t testing.TB, s *sqlstore.Store, query string, args ...any) {
	t.Helper()
	var err error
	switch db := s.Raw().(type) {
	case *pgxpool.Pool:
		_, err = db.Exec(context.Background(), query, args...)
	case *sql.DB:
		_, err = db.ExecContext(context.Background(), query, args...)
	default:
		t.Fatalf("database handle %T", db)
	}
	if err != nil {
		t.Fatal(err)
	}
}

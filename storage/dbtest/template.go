package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// MigratedSQLite opens a database of the test's own with every migration applied. The
// schema is built once per test binary and each test gets a copy of its file: migrating
// SQLite under the race detector costs seconds of CPU, copying it a millisecond.
func MigratedSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	return open(t, MigratedSQLiteAt(t, filepath.Join(t.TempDir(), "v.db")))
}

// MigratedSQLiteAt writes a migrated database to path, for a program under test to open.
func MigratedSQLiteAt(t testing.TB, path string) string {
	t.Helper()
	return write(t, path, "migrated", migrate)
}

func migrate(ctx context.Context, s *sqlstore.Store) error {
	_, err := s.Migrate(ctx)
	return err
}

// DemoSQLite is MigratedSQLite with the demo province seeded, its people's password set
// to password.
func DemoSQLite(t testing.TB, password string) *sqlstore.Store {
	t.Helper()
	return open(t, DemoSQLiteAt(t, filepath.Join(t.TempDir(), "v.db"), password))
}

// DemoSQLiteAt writes a seeded demo database to path, for a program under test to open.
func DemoSQLiteAt(t testing.TB, path, password string) string {
	t.Helper()
	return write(t, path, "demo\x00"+password, func(ctx context.Context, s *sqlstore.Store) error {
		if err := migrate(ctx, s); err != nil {
			return err
		}
		_, err := seed.Demo(ctx, s, password)
		return err
	})
}

// image is a built database's files, kept in memory so that nothing outlives the test
// binary: the main file and, when SQLite left one, its write-ahead log.
type image struct {
	once      sync.Once
	main, wal []byte
	err       error
}

var images sync.Map // key → *image

// write puts a copy of the database that build makes (once per key) at path.
func write(t testing.TB, path, key string, build func(context.Context, *sqlstore.Store) error) string {
	t.Helper()
	quiet(t)
	v, _ := images.LoadOrStore(key, &image{})
	img := v.(*image)
	img.once.Do(func() { img.main, img.wal, img.err = buildImage(context.Background(), build) })
	if img.err != nil {
		t.Fatalf("build the template database: %v", img.err)
	}
	if err := os.WriteFile(path, img.main, 0o600); err != nil {
		t.Fatal(err)
	}
	if img.wal != nil {
		if err := os.WriteFile(path+"-wal", img.wal, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func open(t testing.TB, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func buildImage(ctx context.Context, build func(context.Context, *sqlstore.Store) error) (main, wal []byte, err error) {
	dir, err := os.MkdirTemp("", "vanthu-dbtest-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "v.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	if err := build(ctx, s); err != nil {
		s.Close()
		return nil, nil, err
	}
	if err := s.Close(); err != nil {
		return nil, nil, fmt.Errorf("close: %w", err)
	}
	if main, err = os.ReadFile(path); err != nil {
		return nil, nil, err
	}
	wal, err = os.ReadFile(path + "-wal")
	if os.IsNotExist(err) {
		return main, nil, nil
	}
	return main, wal, err
}

package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) func() storetest.Store {
		path := filepath.Join(t.TempDir(), "vanthu.db")
		return func() storetest.Store {
			s, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

func TestOpenRefusesAPathThatCannotHoldADatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := sqlite.Open(context.Background(), dir) // a directory, not a file
	if err == nil {
		t.Fatal("Open succeeded on a directory")
	}
}

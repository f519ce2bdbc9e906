package bagit_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/storage/bagit"
)

func TestReadTagFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "bag")
	w, err := bagit.NewWriter(dir, bagit.WriterOptions{})
	mustDo(t, err)
	mustDo(t, w.AddTagFile("metadata/record.json", []byte(`{"title":"Hồ sơ"}`)))
	mustDo(t, w.Close())

	t.Run("ReadsWhatTheTagManifestProtects", func(t *testing.T) {
		bag, err := bagit.Open(dir)
		mustDo(t, err)
		got, err := bag.ReadTagFile("metadata/record.json", 1<<10)
		if err != nil || string(got) != `{"title":"Hồ sơ"}` {
			t.Fatalf("read %q, %v", got, err)
		}
	})

	t.Run("RefusesAnEditedFile", func(t *testing.T) {
		edited := filepath.Join(t.TempDir(), "bag")
		copyTree(t, dir, edited)
		mustDo(t, os.WriteFile(filepath.Join(edited, "metadata", "record.json"), []byte(`{"title":"Khác"}`), 0o600))
		bag, err := bagit.Open(edited)
		mustDo(t, err)
		if _, err := bag.ReadTagFile("metadata/record.json", 1<<10); !errors.Is(err, bagit.ErrChecksumMismatch) {
			t.Fatalf("err = %v, want ErrChecksumMismatch", err)
		}
	})

	t.Run("RefusesAFileNoManifestLists", func(t *testing.T) {
		added := filepath.Join(t.TempDir(), "bag")
		copyTree(t, dir, added)
		mustDo(t, os.WriteFile(filepath.Join(added, "metadata", "extra.json"), []byte(`{}`), 0o600))
		bag, err := bagit.Open(added)
		mustDo(t, err)
		if _, err := bag.ReadTagFile("metadata/extra.json", 1<<10); !errors.Is(err, bagit.ErrTagNotProtected) {
			t.Fatalf("err = %v, want ErrTagNotProtected", err)
		}
	})

	t.Run("RefusesPathsOutsideTheBagAndOversizedFiles", func(t *testing.T) {
		bag, err := bagit.Open(dir)
		mustDo(t, err)
		if _, err := bag.ReadTagFile("../bag/metadata/record.json", 1<<10); !errors.Is(err, bagit.ErrUnsafePath) {
			t.Fatalf("err = %v, want ErrUnsafePath", err)
		}
		if _, err := bag.ReadTagFile("metadata/record.json", 4); err == nil {
			t.Fatal("a file over the limit was read")
		}
	})
}

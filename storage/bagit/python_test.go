package bagit_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/storage/bagit"
)

// bagitPy finds the Library of Congress validator bagit.py: an independent implementation
// to check our bags against. Debian 13 packages it as python3-bagit and make test installs
// it there; Debian 12 has no package for it and its registry is out of reach, so where it
// cannot be installed the test skips, even in CI (the coreutils checksum test still runs).
func bagitPy(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("bagit.py")
	if err == nil {
		return p
	}
	const hint = "bagit.py not found: apt-get install -y python3-bagit (Debian 13+), or put bagit-python's bagit.py on PATH"
	t.Skipf("%s: %v", hint, err)
	return ""
}

func runBagitPy(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), bagitPy(t), args...).CombinedOutput()
	return string(out), err
}

func TestIndependentValidatorAcceptsOurBags(t *testing.T) {
	t.Parallel()
	bagitPy(t)
	dir := filepath.Join(t.TempDir(), "hồ sơ 01")
	writeSampleBag(t, dir, bagit.WriterOptions{})

	t.Run("bagit.py --validate accepts the sample bag", func(t *testing.T) {
		if out, err := runBagitPy(t, "--validate", dir); err != nil {
			t.Fatalf("bagit.py --validate: %v\n%s", err, out)
		}
	})

	t.Run("bagit.py --validate accepts names percent-encoded for CR and LF", func(t *testing.T) {
		// Not %: bagit-python (1.9) decodes only %0D and %0A, so a name containing "%",
		// which RFC 8493 requires to be written %25, looks missing to it.
		crlf := filepath.Join(t.TempDir(), "bag")
		w, err := bagit.NewWriter(crlf, bagit.WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		for _, n := range []string{"line\nbreak.txt", "carriage\rreturn.txt", "ổ đĩa/tên có  hai dấu cách.txt"} {
			mustDo(t, w.AddFile(t.Context(), n, strings.NewReader(n)))
		}
		mustDo(t, w.Close())
		if out, err := runBagitPy(t, "--validate", crlf); err != nil {
			t.Fatalf("bagit.py --validate: %v\n%s", err, out)
		}
	})

	t.Run("bagit.py --validate rejects it once a byte changes", func(t *testing.T) {
		damaged := filepath.Join(t.TempDir(), "bag")
		copyTree(t, dir, damaged)
		editFile(t, damaged, "data/Quyết định số 15.pdf", replaceOnce(t, "%PDF-1.7", "%PDF-1.6"))
		out, err := runBagitPy(t, "--validate", damaged)
		if err == nil {
			t.Fatalf("bagit.py accepted a damaged bag:\n%s", out)
		}
		if !strings.Contains(out, "Quyết định số 15.pdf") {
			t.Errorf("bagit.py did not name the damaged file:\n%s", out)
		}
	})
}

func TestOurValidatorAcceptsPythonBags(t *testing.T) {
	t.Parallel()
	bagitPy(t)
	dir := filepath.Join(t.TempDir(), "hồ sơ py")
	files := map[string]string{
		"Quyết định số 15.pdf":                 "%PDF-1.7 quyết định",
		"văn bản đến/2026/Công văn 12.pdf":     "%PDF-1.4 công văn",
		"văn bản đến/2026/phụ lục/empty.txt":   "",
		"văn bản đến/2026/phụ lục/bảng kê.csv": "STT,Tên\n1,Nguyễn Văn A\n",
	}
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		mustDo(t, os.MkdirAll(filepath.Dir(full), 0o755))
		mustDo(t, os.WriteFile(full, []byte(content), 0o644))
	}
	if out, err := runBagitPy(t, "--sha256", "--sha512", "--source-organization", "Sở Nội vụ tỉnh Bắc Ninh", dir); err != nil {
		t.Fatalf("bagit.py: %v\n%s", err, out)
	}

	b, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the bag validates", func(t *testing.T) {
		r, err := b.Validate(context.Background(), bagit.ValidateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Valid() || len(r.Warnings) > 0 {
			t.Fatalf("report:\n%s", r)
		}
	})

	t.Run("Files and Info read what bagit.py wrote", func(t *testing.T) {
		var got []string
		for e := range b.Files() {
			got = append(got, e.Path)
			if len(e.Digests) != 2 {
				t.Errorf("%q has digests %v, want sha256 and sha512", e.Path, e.Digests)
			}
		}
		want := slices.Sorted(func(yield func(string) bool) {
			for p := range files {
				if !yield(p) {
					return
				}
			}
		})
		if !slices.Equal(got, want) {
			t.Errorf("Files = %q, want %q", got, want)
		}
		if org := b.InfoValues("Source-Organization"); !slices.Equal(org, []string{"Sở Nội vụ tỉnh Bắc Ninh"}) {
			t.Errorf("Source-Organization = %q", org)
		}
	})

	t.Run("damage to a bagit.py bag is found", func(t *testing.T) {
		damaged := filepath.Join(t.TempDir(), "bag")
		copyTree(t, dir, damaged)
		mustDo(t, os.Remove(filepath.Join(damaged, "data", "văn bản đến", "2026", "phụ lục", "empty.txt")))
		r := validate(t, damaged)
		if !r.Has(bagit.KindMissingFile, "data/văn bản đến/2026/phụ lục/empty.txt") {
			t.Errorf("report:\n%s", r)
		}
	})
}

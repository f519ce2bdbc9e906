package bagit_test

import (
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vanthu/vanthu/storage/bagit"
	"golang.org/x/text/unicode/norm"
)

// pristine is one small valid bag that every damage test copies.
var pristine = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "bagit-pristine-")
	if err != nil {
		return "", err
	}
	bag := filepath.Join(dir, "bag")
	w, err := bagit.NewWriter(bag, bagit.WriterOptions{Now: fixedNow})
	if err != nil {
		return "", err
	}
	defer w.Abort()
	ctx := context.Background()
	for p, content := range map[string]string{
		"Quyết định số 15.pdf":         "%PDF-1.7 quyết định số 15",
		"văn bản đến/Công văn 12.pdf":  "%PDF-1.4 công văn",
		"văn bản đến/phụ lục/empty.md": "",
	} {
		if err := w.AddFile(ctx, p, strings.NewReader(content)); err != nil {
			return "", err
		}
	}
	if err := w.AddTagFile("metadata/record.json", recordJSON); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return bag, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := pristine(); err == nil {
		os.RemoveAll(filepath.Dir(dir))
	}
	os.Exit(code)
}

// damagedBag copies the pristine bag and applies damage to the copy.
func damagedBag(t *testing.T, damage func(t *testing.T, dir string)) string {
	t.Helper()
	src, err := pristine()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bag")
	copyTree(t, src, dir)
	damage(t, dir)
	return dir
}

func TestValidateReportsDamage(t *testing.T) {
	t.Parallel()
	const quyetDinh = "data/Quyết định số 15.pdf"
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		kind   bagit.Kind
		path   string // the file the problem must name
	}{
		{"a flipped byte in a payload file", func(t *testing.T, dir string) {
			editFile(t, dir, quyetDinh, replaceOnce(t, "số 15", "số 16"))
		}, bagit.KindChecksumMismatch, quyetDinh},
		{"a missing payload file", func(t *testing.T, dir string) {
			mustDo(t, os.Remove(filepath.Join(dir, "data", "văn bản đến", "Công văn 12.pdf")))
		}, bagit.KindMissingFile, "data/văn bản đến/Công văn 12.pdf"},
		{"an extra payload file", func(t *testing.T, dir string) {
			mustDo(t, os.WriteFile(filepath.Join(dir, "data", "thêm.pdf"), []byte("x"), 0o644))
		}, bagit.KindExtraFile, "data/thêm.pdf"},
		{"an extra tag file", func(t *testing.T, dir string) {
			mustDo(t, os.WriteFile(filepath.Join(dir, "metadata", "note.txt"), []byte("x"), 0o644))
		}, bagit.KindExtraFile, "metadata/note.txt"},
		{"a changed manifest line", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha256.txt", func(s string) string {
				i := strings.Index(s, "  "+quyetDinh)
				return s[:i-1] + flipHex(s[i-1:i]) + s[i:]
			})
		}, bagit.KindChecksumMismatch, quyetDinh},
		{"a manifest edited so its tag manifest no longer matches", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha512.txt", func(s string) string { return s + "\n" })
		}, bagit.KindChecksumMismatch, "manifest-sha512.txt"},
		{"a bad Payload-Oxum", func(t *testing.T, dir string) {
			editFile(t, dir, "bag-info.txt", replaceOnce(t, "Payload-Oxum: 51.3", "Payload-Oxum: 51.4"))
		}, bagit.KindOxumMismatch, "bag-info.txt"},
		{"a malformed Payload-Oxum", func(t *testing.T, dir string) {
			editFile(t, dir, "bag-info.txt", replaceOnce(t, "Payload-Oxum: 51.3", "Payload-Oxum: 51"))
		}, bagit.KindBagInfo, "bag-info.txt"},
		{"an edited tag file", func(t *testing.T, dir string) {
			editFile(t, dir, "metadata/record.json", replaceOnce(t, "chuyển đổi số", "chuyen doi so"))
		}, bagit.KindChecksumMismatch, "metadata/record.json"},
		{"an edited bag-info.txt", func(t *testing.T, dir string) {
			editFile(t, dir, "bag-info.txt", replaceOnce(t, "Bagging-Date: 2026-01-05", "Bagging-Date: 2026-01-06"))
		}, bagit.KindChecksumMismatch, "bag-info.txt"},
		{"a path traversal in a manifest", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha256.txt", func(s string) string {
				return s + strings.Repeat("a", 64) + "  data/../../etc/passwd\n"
			})
		}, bagit.KindUnsafePath, "data/../../etc/passwd"},
		{"an absolute path in a tag manifest", func(t *testing.T, dir string) {
			editFile(t, dir, "tagmanifest-sha256.txt", func(s string) string {
				return s + strings.Repeat("a", 64) + "  /etc/passwd\n"
			})
		}, bagit.KindUnsafePath, "/etc/passwd"},
		{"a payload manifest listing a tag file", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha256.txt", func(s string) string {
				return s + strings.Repeat("a", 64) + "  bagit.txt\n"
			})
		}, bagit.KindUnsafePath, "bagit.txt"},
		{"a manifest line without a path", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha256.txt", func(s string) string { return s + strings.Repeat("a", 64) + "\n" })
		}, bagit.KindMalformedLine, ""},
		{"a digest of the wrong length", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha512.txt", func(s string) string { return s + "abcd  data/x\n" })
		}, bagit.KindMalformedLine, ""},
		{"a file listed twice", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha256.txt", func(s string) string { return s + strings.SplitAfter(s, "\n")[0] })
		}, bagit.KindDuplicateEntry, ""},
		{"a payload file missing from one manifest only", func(t *testing.T, dir string) {
			editFile(t, dir, "manifest-sha512.txt", func(s string) string {
				lines := strings.SplitAfter(s, "\n")
				return strings.Join(lines[1:], "")
			})
		}, bagit.KindExtraFile, ""},
		{"a wrong BagIt version", func(t *testing.T, dir string) {
			editFile(t, dir, "bagit.txt", replaceOnce(t, "1.0", "2.0"))
		}, bagit.KindDeclaration, "bagit.txt"},
		{"a tag-file encoding other than UTF-8", func(t *testing.T, dir string) {
			editFile(t, dir, "bagit.txt", replaceOnce(t, "UTF-8", "ISO-8859-1"))
		}, bagit.KindDeclaration, "bagit.txt"},
		{"no payload manifest at all", func(t *testing.T, dir string) {
			mustDo(t, os.Remove(filepath.Join(dir, "manifest-sha256.txt")))
			mustDo(t, os.Remove(filepath.Join(dir, "manifest-sha512.txt")))
		}, bagit.KindNoManifest, ""},
		{"a manifest of an unknown algorithm", func(t *testing.T, dir string) {
			mustDo(t, os.WriteFile(filepath.Join(dir, "manifest-blake9.txt"), []byte("ab  data/Quyết định số 15.pdf\n"), 0o644))
		}, bagit.KindUnsupportedAlgorithm, "manifest-blake9.txt"},
		{"a symbolic link in the payload", func(t *testing.T, dir string) {
			mustDo(t, os.Symlink("/etc/passwd", filepath.Join(dir, "data", "link.pdf")))
		}, bagit.KindSpecialFile, "data/link.pdf"},
		{"a fetch.txt", func(t *testing.T, dir string) {
			mustDo(t, os.WriteFile(filepath.Join(dir, "fetch.txt"), []byte("https://example.org/x 1 data/x\n"), 0o644))
		}, bagit.KindFetch, "fetch.txt"},
	}
	for _, tt := range tests {
		t.Run("reports "+tt.name, func(t *testing.T) {
			t.Parallel()
			r := validate(t, damagedBag(t, tt.damage))
			if r.Valid() {
				t.Fatalf("damaged bag reported valid")
			}
			t.Logf("report:\n%s", r)
			if !r.Has(tt.kind, tt.path) {
				t.Errorf("want a %s problem about %q; report:\n%s", tt.kind, tt.path, r)
			}
		})
	}

	t.Run("the undamaged copy is valid", func(t *testing.T) {
		t.Parallel()
		if r := validate(t, damagedBag(t, func(*testing.T, string) {})); !r.Valid() || len(r.Warnings) > 0 {
			t.Errorf("report:\n%s", r)
		}
	})
}

func TestValidateProblemsNameTheLine(t *testing.T) {
	t.Parallel()
	dir := damagedBag(t, func(t *testing.T, dir string) {
		editFile(t, dir, "data/Quyết định số 15.pdf", replaceOnce(t, "15", "51"))
	})
	r := validate(t, dir)
	var got []string
	for _, p := range r.Problems {
		got = append(got, p.String())
	}
	// The sample manifests are sorted, so the Vietnamese name is line 1 in both.
	want := []string{
		`manifest-sha256.txt:1: "data/Quyết định số 15.pdf": checksum-mismatch: sha256 is `,
		`manifest-sha512.txt:1: "data/Quyết định số 15.pdf": checksum-mismatch: sha512 is `,
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s", r)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
}

func TestValidateFastSkipsDigests(t *testing.T) {
	t.Parallel()
	dir := damagedBag(t, func(t *testing.T, dir string) {
		editFile(t, dir, "data/Quyết định số 15.pdf", replaceOnce(t, "15", "51"))
	})
	b, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Validate(context.Background(), bagit.ValidateOptions{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Valid() {
		t.Errorf("fast validation of a same-size edit should only check completeness:\n%s", r)
	}
}

func TestValidateStopsOnCancel(t *testing.T) {
	t.Parallel()
	dir := damagedBag(t, func(*testing.T, string) {})
	b, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Validate(ctx, bagit.ValidateOptions{}); err == nil {
		t.Error("Validate with a cancelled context returned no error")
	}
}

func TestOpenRejectsNonBags(t *testing.T) {
	t.Parallel()
	if _, err := bagit.Open(t.TempDir()); err == nil {
		t.Error("Open of a directory without bagit.txt succeeded")
	}
	if _, err := bagit.Open(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Error("Open of a missing directory succeeded")
	}
}

// flipHex changes one hex digit to another.
func flipHex(s string) string {
	if s == "0" {
		return "1"
	}
	return "0"
}

func TestValidateToleratesDecomposedNamesOnDisk(t *testing.T) {
	t.Parallel()
	// A bag copied through a filesystem that stores names decomposed (NFD, as macOS
	// HFS+ did) still holds the same files; it is valid, with a warning.
	const name = "Quyết định số 15.pdf"
	dir := damagedBag(t, func(t *testing.T, dir string) {
		data := filepath.Join(dir, "data")
		mustDo(t, os.Rename(filepath.Join(data, name), filepath.Join(data, norm.NFD.String(name))))
	})
	r := validate(t, dir)
	if !r.Valid() {
		t.Fatalf("report:\n%s", r)
	}
	if len(r.Warnings) != 2 || r.Warnings[0].Kind != bagit.KindNormalization || r.Warnings[0].Path != "data/"+name {
		t.Errorf("want a normalization warning per manifest for %q, got:\n%s", name, r)
	}
	b, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := b.Open(name)
	if err != nil {
		t.Fatalf("Open(%q) of a decomposed name: %v", name, err)
	}
	defer rc.Close()
	if data, err := io.ReadAll(rc); err != nil || !strings.HasPrefix(string(data), "%PDF") {
		t.Errorf("read %q, %v", data, err)
	}
}

func TestValidateAcceptsLegacyMD5Bags(t *testing.T) {
	t.Parallel()
	// Older tools wrote MD5 manifests and no tag manifest; such bags are still valid,
	// but the report says why they deserve less trust.
	dir := damagedBag(t, func(t *testing.T, dir string) {
		var manifest strings.Builder
		for _, p := range []string{"Quyết định số 15.pdf", "văn bản đến/Công văn 12.pdf", "văn bản đến/phụ lục/empty.md"} {
			data, err := os.ReadFile(filepath.Join(dir, "data", filepath.FromSlash(p)))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&manifest, "%x data/%s\r\n", md5.Sum(data), p)
		}
		for _, name := range []string{"manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"} {
			mustDo(t, os.Remove(filepath.Join(dir, name)))
		}
		mustDo(t, os.WriteFile(filepath.Join(dir, "manifest-md5.txt"), []byte(manifest.String()), 0o644))
		editFile(t, dir, "bagit.txt", replaceOnce(t, "1.0", "0.97"))
	})
	r := validate(t, dir)
	if !r.Valid() {
		t.Fatalf("report:\n%s", r)
	}
	var kinds []bagit.Kind
	for _, w := range r.Warnings {
		kinds = append(kinds, w.Kind)
	}
	if !slices.Equal(kinds, []bagit.Kind{bagit.KindWeakAlgorithm, bagit.KindNoTagManifest}) {
		t.Errorf("warnings = %v, want weak-algorithm and no-tag-manifest", kinds)
	}
}

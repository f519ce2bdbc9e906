package bagit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/storage/bagit"
)

// bigSize is the size of the large payload file: big enough to span many copy chunks.
const bigSize = 20 << 20

// sampleFile is a payload file of the sample bag and what a reader must find.
type sampleFile struct {
	path   string
	data   []byte // nil for the big file, which is generated while streaming
	size   int64
	sha256 string
}

// longTitle exercises bag-info folding with Vietnamese text longer than a line.
const longTitle = "Hồ sơ về việc ban hành Quyết định số 15/QĐ-UBND ngày 05 tháng 01 năm 2026 " +
	"của Ủy ban nhân dân tỉnh về kế hoạch chuyển đổi số trong công tác văn thư, lưu trữ"

// recordJSON is the extra tag file of the sample bag.
var recordJSON = []byte(`{"FileCode":"000.00.00.H01.2026.01","Title":"Hồ sơ chuyển đổi số"}` + "\n")

// bigReader returns the deterministic content of the big file.
func bigReader() io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{1, 2, 3}), bigSize)
}

// sampleFiles are the sample bag's payload: nested folders, a Vietnamese name, spaces,
// an empty file and a 20 MB file.
func sampleFiles(t *testing.T) []sampleFile {
	t.Helper()
	small := func(p, content string) sampleFile {
		sum := sha256.Sum256([]byte(content))
		return sampleFile{path: p, data: []byte(content), size: int64(len(content)), sha256: hex.EncodeToString(sum[:])}
	}
	h := sha256.New()
	if _, err := io.Copy(h, bigReader()); err != nil {
		t.Fatal(err)
	}
	return []sampleFile{
		small("Quyết định số 15.pdf", "%PDF-1.7 quyết định\n"),
		small("văn bản đến/2026/Công văn 12 UBND-VX.pdf", "%PDF-1.4 công văn\n"),
		small("văn bản đến/2026/phụ lục/bảng kê.csv", "STT,Tên\n1,Nguyễn Văn A\n"),
		small("empty.txt", ""),
		{path: "scan/big scan.bin", size: bigSize, sha256: hex.EncodeToString(h.Sum(nil))},
	}
}

// writeSampleBag writes the sample bag to dir and returns its payload files.
func writeSampleBag(t *testing.T, dir string, opts bagit.WriterOptions) []sampleFile {
	t.Helper()
	files := sampleFiles(t)
	w, err := bagit.NewWriter(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	ctx := context.Background()
	for _, f := range files {
		var r io.Reader = bytes.NewReader(f.data)
		if f.data == nil {
			r = bigReader()
		}
		if err := w.AddFile(ctx, f.path, r); err != nil {
			t.Fatalf("AddFile(%q): %v", f.path, err)
		}
	}
	mustDo(t, w.AddTagFile("metadata/record.json", recordJSON))
	mustDo(t, w.SetInfo("Source-Organization", "Ủy ban nhân dân tỉnh Bắc Ninh"))
	mustDo(t, w.SetInfo("External-Description", longTitle))
	mustDo(t, w.AddInfo("External-Identifier", "000.00.00.H01.2026.01"))
	mustDo(t, w.AddInfo("External-Identifier", "H01-2026-0001"))
	mustDo(t, w.SetInfo("Bag-Group-Identifier", "Phông UBND tỉnh"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return files
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// validate opens and fully validates a bag.
func validate(t *testing.T, dir string) *bagit.Report {
	t.Helper()
	b, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Validate(context.Background(), bagit.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// copyTree copies a bag so each damage test works on its own copy of one sample bag.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fixedNow is a Bagging-Date clock for tests.
func fixedNow() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }

// editFile rewrites a file of a bag through fn.
func editFile(t *testing.T, dir, name string, fn func(string) string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := fn(string(data))
	if out == string(data) {
		t.Fatalf("edit of %s changed nothing", name)
	}
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceOnce is strings.Replace that fails the test when old is absent.
func replaceOnce(t *testing.T, old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("%q not found in %q", old, s)
		}
		return strings.Replace(s, old, new, 1)
	}
}

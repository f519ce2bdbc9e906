package bagit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/storage/bagit"
	"golang.org/x/text/unicode/norm"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "hồ sơ 01")
	var calls, last, lastTotal int64
	files := writeSampleBag(t, dir, bagit.WriterOptions{
		Now:           fixedNow,
		ExpectedBytes: bigSize + 1000,
		Progress: func(done, total int64) {
			if done < last {
				t.Errorf("progress went back from %d to %d", last, done)
			}
			calls, last, lastTotal = calls+1, done, total
		},
	})
	var payload int64
	for _, f := range files {
		payload += f.size
	}

	t.Run("the writer reports progress up to the payload size", func(t *testing.T) {
		if calls < 2 || last != payload || lastTotal != bigSize+1000 {
			t.Errorf("progress: %d calls, last (%d, %d), want done %d", calls, last, lastTotal, payload)
		}
	})

	b, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the bag validates", func(t *testing.T) {
		var done, total int64
		r, err := b.Validate(context.Background(), bagit.ValidateOptions{Progress: func(d, tt int64) { done, total = d, tt }})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Valid() || len(r.Warnings) > 0 {
			t.Fatalf("report:\n%s", r)
		}
		if r.PayloadFiles != int64(len(files)) || r.PayloadOctets != payload {
			t.Errorf("report counts %d files %d bytes, want %d, %d", r.PayloadFiles, r.PayloadOctets, len(files), payload)
		}
		if done != total || total < payload {
			t.Errorf("validate progress ended at %d of %d, want all of at least %d", done, total, payload)
		}
	})

	t.Run("Files lists every payload file with both digests", func(t *testing.T) {
		got := map[string]bagit.Entry{}
		for e := range b.Files() {
			got[e.Path] = e
		}
		if len(got) != len(files) {
			t.Errorf("Files listed %d entries, want %d", len(got), len(files))
		}
		for _, f := range files {
			e, ok := got[f.path]
			if !ok {
				t.Errorf("Files is missing %q", f.path)
				continue
			}
			if e.Digests["sha256"] != f.sha256 || len(e.Digests["sha512"]) != 128 {
				t.Errorf("%q digests %v, want sha256 %s and a sha512", f.path, e.Digests, f.sha256)
			}
		}
	})

	t.Run("Open returns each file's exact bytes", func(t *testing.T) {
		for _, f := range files {
			rc, err := b.Open(f.path)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			n, err := io.Copy(h, rc)
			rc.Close()
			if err != nil || n != f.size || hex.EncodeToString(h.Sum(nil)) != f.sha256 {
				t.Errorf("%q: read %d bytes (err %v), sha256 %x; want %d bytes, %s", f.path, n, err, h.Sum(nil), f.size, f.sha256)
			}
		}
	})

	t.Run("bag-info keeps every field, folded values included", func(t *testing.T) {
		want := map[string][]string{
			"Source-Organization":  {"Ủy ban nhân dân tỉnh Bắc Ninh"},
			"External-Description": {longTitle},
			"External-Identifier":  {"000.00.00.H01.2026.01", "H01-2026-0001"},
			"Bag-Group-Identifier": {"Phông UBND tỉnh"},
			"Bagging-Date":         {"2026-01-05"},
			"Bag-Software-Agent":   {bagit.DefaultAgent},
			"Bag-Size":             {"21.0 MB"},
			"Payload-Oxum":         {fmt.Sprintf("%d.%d", payload, len(files))},
		}
		for label, values := range want {
			if got := b.InfoValues(label); !slices.Equal(got, values) {
				t.Errorf("%s = %q, want %q", label, got, values)
			}
		}
		raw, err := os.ReadFile(filepath.Join(dir, "bag-info.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(raw)) {
			if n := len([]rune(strings.TrimSuffix(line, "\n"))); n > 79 {
				t.Errorf("bag-info line of %d characters, RFC recommends at most 79: %q", n, line)
			}
		}
	})

	t.Run("bagit.txt declares version 1.0 in UTF-8", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(dir, "bagit.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
			t.Errorf("bagit.txt = %q", raw)
		}
	})

	t.Run("coreutils' sha256sum and sha512sum confirm every digest", func(t *testing.T) {
		for _, tool := range []string{"sha256sum", "sha512sum"} {
			if _, err := exec.LookPath(tool); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s (coreutils) not found: %v", tool, err)
				}
				t.Skipf("%s (coreutils) not found: %v", tool, err)
			}
			manifest := "manifest-" + strings.TrimSuffix(tool, "sum") + ".txt"
			cmd := exec.CommandContext(t.Context(), tool, "--check", "--strict", "--quiet", manifest)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s --check %s: %v\n%s", tool, manifest, err, out)
			}
		}
	})

	t.Run("names on disk are NFC, as in the manifest", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(dir, "data", "Quyết định số 15.pdf")); err != nil {
			t.Error(err)
		}
	})

	t.Run("no temporary directory is left next to the bag", func(t *testing.T) {
		entries, err := os.ReadDir(filepath.Dir(dir))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Errorf("parent holds %d entries, want only the bag", len(entries))
		}
	})
}

func TestSpecialNames(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "bag")
	names := []string{
		"100% hoàn thành.txt", // % must become %25 in the manifest
		"line\nbreak.txt",     // LF must become %0A
		"carriage\rreturn.txt",
		norm.NFD.String("Quyết định.txt"), // NFD input, stored as NFC
	}
	w, err := bagit.NewWriter(dir, bagit.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, n := range names {
		mustDo(t, w.AddFile(context.Background(), n, strings.NewReader("nội dung "+n)))
	}
	mustDo(t, w.Close())

	t.Run("the manifest percent-encodes CR, LF and %", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(dir, "manifest-sha256.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"data/100%25 hoàn thành.txt\n", "data/line%0Abreak.txt\n", "data/carriage%0Dreturn.txt\n", "data/Quyết định.txt\n"} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("manifest lacks %q:\n%s", want, raw)
			}
		}
		if n := strings.Count(string(raw), "\n"); n != len(names) {
			t.Errorf("manifest has %d lines, want %d", n, len(names))
		}
	})

	t.Run("the bag validates and each name reads back", func(t *testing.T) {
		if r := validate(t, dir); !r.Valid() {
			t.Fatalf("report:\n%s", r)
		}
		b, err := bagit.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			rc, err := b.Open(n)
			if err != nil {
				t.Fatalf("Open(%q): %v", n, err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !strings.HasSuffix(string(data), strings.TrimPrefix(n, norm.NFD.String("Quyết định"))) {
				t.Errorf("Open(%q) read %q, %v", n, data, err)
			}
		}
	})
}

func TestWriterRejects(t *testing.T) {
	t.Parallel()
	newWriter := func(t *testing.T) *bagit.Writer {
		w, err := bagit.NewWriter(filepath.Join(t.TempDir(), "bag"), bagit.WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Abort)
		return w
	}
	ctx := context.Background()

	t.Run("payload paths that could escape the bag", func(t *testing.T) {
		w := newWriter(t)
		for _, p := range []string{"../evil", "a/../../evil", "/etc/passwd", "a//b", "./a", "a/.", "", "a\\..\\b", "nul\x00", "trailing space ", "dir /x"} {
			if err := w.AddFile(ctx, p, strings.NewReader("x")); !errors.Is(err, bagit.ErrUnsafePath) {
				t.Errorf("AddFile(%q) = %v, want ErrUnsafePath", p, err)
			}
		}
	})

	t.Run("tag files in the payload, escaping, or generated by the writer", func(t *testing.T) {
		w := newWriter(t)
		for _, p := range []string{"data/x", "data", "../x", "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-md5.txt", "fetch.txt"} {
			if err := w.AddTagFile(p, []byte("x")); !errors.Is(err, bagit.ErrUnsafePath) {
				t.Errorf("AddTagFile(%q) = %v, want ErrUnsafePath", p, err)
			}
		}
	})

	t.Run("the same path twice, even in another Unicode form", func(t *testing.T) {
		w := newWriter(t)
		mustDo(t, w.AddFile(ctx, "Quyết.pdf", strings.NewReader("1")))
		if err := w.AddFile(ctx, norm.NFD.String("Quyết.pdf"), strings.NewReader("2")); !errors.Is(err, bagit.ErrDuplicate) {
			t.Errorf("second AddFile = %v, want ErrDuplicate", err)
		}
	})

	t.Run("bag-info fields that would not read back", func(t *testing.T) {
		w := newWriter(t)
		if err := w.SetInfo("Payload-Oxum", "1.1"); !errors.Is(err, bagit.ErrReservedLabel) {
			t.Errorf("SetInfo(Payload-Oxum) = %v, want ErrReservedLabel", err)
		}
		for _, f := range [][2]string{{"A", "line\nbreak"}, {"A:B", "v"}, {"", "v"}, {" A", "v"}, {"A", " padded "}, {"A", "cr\r"}} {
			if err := w.SetInfo(f[0], f[1]); !errors.Is(err, bagit.ErrInvalidInfo) {
				t.Errorf("SetInfo(%q, %q) = %v, want ErrInvalidInfo", f[0], f[1], err)
			}
		}
	})

	t.Run("a target that already exists", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := bagit.NewWriter(dir, bagit.WriterOptions{}); !errors.Is(err, os.ErrExist) {
			t.Errorf("NewWriter(existing) = %v, want ErrExist", err)
		}
	})

	t.Run("use after Close", func(t *testing.T) {
		w := newWriter(t)
		mustDo(t, w.Close())
		if err := w.AddFile(ctx, "a", strings.NewReader("")); !errors.Is(err, bagit.ErrClosed) {
			t.Errorf("AddFile after Close = %v, want ErrClosed", err)
		}
		if err := w.Close(); !errors.Is(err, bagit.ErrClosed) {
			t.Errorf("second Close = %v, want ErrClosed", err)
		}
	})
}

func TestWriterIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("nothing appears at the target before Close", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bag")
		w, err := bagit.NewWriter(dir, bagit.WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		mustDo(t, w.AddFile(ctx, "a.txt", strings.NewReader("a")))
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("target exists before Close: %v", err)
		}
		mustDo(t, w.Close())
		if r := validate(t, dir); !r.Valid() {
			t.Errorf("report:\n%s", r)
		}
	})

	t.Run("what a crash leaves behind is not a bag", func(t *testing.T) {
		parent := t.TempDir()
		w, err := bagit.NewWriter(filepath.Join(parent, "bag"), bagit.WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		mustDo(t, w.AddFile(ctx, "a.txt", strings.NewReader("a")))
		mustDo(t, w.AddTagFile("metadata/record.json", recordJSON))
		partial, err := filepath.Glob(filepath.Join(parent, ".bag.partial-*"))
		if err != nil || len(partial) != 1 {
			t.Fatalf("partial directories %v, %v; want one", partial, err)
		}
		if _, err := bagit.Open(partial[0]); !errors.Is(err, bagit.ErrNotBag) {
			t.Errorf("Open(partial) = %v, want ErrNotBag", err)
		}
	})

	t.Run("Abort leaves nothing behind", func(t *testing.T) {
		parent := t.TempDir()
		w, err := bagit.NewWriter(filepath.Join(parent, "bag"), bagit.WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		mustDo(t, w.AddFile(ctx, "a.txt", strings.NewReader("a")))
		w.Abort()
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Errorf("parent holds %v after Abort", entries)
		}
	})

	t.Run("a cancelled copy leaves no partial file and the writer usable", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bag")
		w, err := bagit.NewWriter(dir, bagit.WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := w.AddFile(cctx, "big.bin", bytes.NewReader(make([]byte, 1<<20))); !errors.Is(err, context.Canceled) {
			t.Fatalf("AddFile with cancelled ctx = %v", err)
		}
		mustDo(t, w.AddFile(ctx, "small.txt", strings.NewReader("s")))
		mustDo(t, w.Close())
		if r := validate(t, dir); !r.Valid() {
			t.Errorf("report:\n%s", r)
		}
		if _, err := os.Stat(filepath.Join(dir, "data", "big.bin")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("partial file kept: %v", err)
		}
	})
}

func TestOpenDetectsDamageAtEOF(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "bag")
	w, err := bagit.NewWriter(dir, bagit.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, w.AddFile(context.Background(), "QĐ 15.pdf", strings.NewReader("%PDF-1.7 original")))
	mustDo(t, w.Close())
	editFile(t, dir, "data/QĐ 15.pdf", replaceOnce(t, "original", "0riginal"))

	b, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := b.Open("QĐ 15.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, bagit.ErrChecksumMismatch) {
		t.Errorf("reading a damaged file ended with %v, want ErrChecksumMismatch", err)
	}
	if _, err := b.Open("not-listed.pdf"); !errors.Is(err, bagit.ErrNotListed) {
		t.Errorf("Open(unlisted) = %v, want ErrNotListed", err)
	}
	if _, err := b.Open("../bagit.txt"); !errors.Is(err, bagit.ErrUnsafePath) {
		t.Errorf("Open(../bagit.txt) = %v, want ErrUnsafePath", err)
	}
}

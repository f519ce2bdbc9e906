package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestArchiveImportCommand moves the demo province's archived record to another
// installation the way an operator would: export, import (twice), and search there; a
// damaged bag, an unknown agency or a user without the right fail with one clear line.
func TestArchiveImportCommand(t *testing.T) {
	t.Parallel()
	src, dst, bags := t.TempDir(), t.TempDir(), t.TempDir()
	vanthu := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(vanthuBinary(t), args...)
		cmd.Env = append(cleanEnv(), "VANTHU_LOG_LEVEL=warn")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if exitErr, ok := err.(*exec.ExitError); ok {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatalf("vanthu %s: %v", strings.Join(args, " "), err)
		}
		return stdout.String(), stderr.String(), code
	}
	if _, stderr, code := vanthu("demo", "--data", src); code != 0 {
		t.Fatalf("demo: %d\n%s", code, stderr)
	}
	year := time.Now().In(vietnamTime).AddDate(0, 0, -demoLookbackDays).Year()
	if _, stderr, code := vanthu("archive", "export", "--data", src, "--out", bags, "--agency", "H23", "--record", "01.VX",
		"--year", fmt.Sprint(year)); code != 0 {
		t.Fatalf("export: %d\n%s", code, stderr)
	}
	if _, stderr, code := vanthu("seed", "--data", dst); code != 0 {
		t.Fatalf("seed: %d\n%s", code, stderr)
	}
	bag := filepath.Join(bags, fmt.Sprintf("H23.%d.01.VX", year))

	t.Run("ClearErrorsChangeNothing", func(t *testing.T) {
		damaged := filepath.Join(t.TempDir(), "bag")
		if err := os.CopyFS(damaged, os.DirFS(bag)); err != nil {
			t.Fatal(err)
		}
		pdfs, _ := filepath.Glob(filepath.Join(damaged, "data", "documents", "*", "*.pdf"))
		b, _ := os.ReadFile(pdfs[0])
		b[len(b)/2] ^= 1
		os.WriteFile(pdfs[0], b, 0o600)
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--user", "luutru.tinh", damaged}, "damaged bag"},
			{[]string{"--user", "luutru.tinh", "--into", "H99", bag}, "no agency with that code"},
			{[]string{"--user", "chuyenvien.tinh", bag}, "neither an archivist"},
			{[]string{"--user", "luutru.maichau", bag}, "refused"},
			{[]string{bag}, "usage"},
		} {
			stdout, stderr, code := vanthu(append([]string{"archive", "import", "--data", dst}, c.args...)...)
			if code == 0 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("import %v: exit %d, stderr %q, stdout %q; want one line with %q", c.args, code, stderr, stdout, c.want)
			}
		}
		if out, _, _ := vanthu("search", "--data", dst, "--user", "luutru.tinh", "--role", "archivist", "dinh danh dien tu"); !strings.Contains(out, "0 kết quả") {
			t.Fatalf("a failed import left documents behind:\n%s", out)
		}
	})

	t.Run("ImportsOnceAndFindsItWithoutDiacritics", func(t *testing.T) {
		stdout, stderr, code := vanthu("archive", "import", "--data", dst, "--user", "luutru.tinh", bags)
		if code != 0 || !strings.Contains(stdout, "imported H23.") || !strings.Contains(stdout, "1 documents") {
			t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
		}
		stdout, stderr, code = vanthu("archive", "import", "--data", dst, "--user", "luutru.tinh", bag)
		if code != 0 || !strings.Contains(stdout, "already imported") {
			t.Fatalf("second import: exit %d\n%s%s", code, stdout, stderr)
		}
		// Only in the PDF's text, not its subject: the import indexed the text layer.
		out, stderr, code := vanthu("search", "--data", dst, "--user", "luutru.tinh", "--role", "archivist", "dinh danh dien tu")
		if code != 0 || !strings.Contains(out, "01/CT-UBND") || !strings.Contains(out, "1 kết quả") {
			t.Fatalf("search in the second installation: exit %d\n%s%s", code, out, stderr)
		}
	})

	t.Run("ASuccessorTakesAPredecessorsBagIn", func(t *testing.T) {
		stdout, stderr, code := vanthu("archive", "import", "--data", dst, "--user", "quantri.tinh", "--into", "H23.11", bag)
		if code != 0 || !strings.Contains(stdout, "as record 01.VX of") {
			t.Fatalf("import into a successor: exit %d\n%s%s", code, stdout, stderr)
		}
		out, _, _ := vanthu("search", "--data", dst, "--user", "luutru.maichau", "--role", "archivist", "dinh danh dien tu")
		if !strings.Contains(out, "01/CT-UBND") {
			t.Fatalf("the successor does not find the record's document:\n%s", out)
		}
	})
}

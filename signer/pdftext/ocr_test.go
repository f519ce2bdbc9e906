package pdftext

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine/search"
)

// scan turns a rendered document into what a scanner gives: its first page as a grey image at
// 150 dpi in an image-only PDF.
func scan(t *testing.T, doc []byte) string {
	t.Helper()
	pdftoppm := needTool(t, "pdftoppm")
	dir := t.TempDir()
	src := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(src, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "150", "-gray", "-f", "1", "-l", "1", "-singlefile", src, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pgm, err := os.ReadFile(filepath.Join(dir, "page.pgm"))
	if err != nil {
		t.Fatal(err)
	}
	pixels, w, h := parsePGM(t, pgm)
	out := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(out, imagePDF(t, pixels, w, h), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// parsePGM reads the binary PGM that pdftoppm -gray writes: "P5 width height 255" then pixels.
func parsePGM(t *testing.T, data []byte) ([]byte, int, int) {
	t.Helper()
	var w, h, maxval int
	r := bytes.NewReader(data)
	if _, err := fmt.Fscanf(r, "P5\n%d %d\n%d", &w, &h, &maxval); err != nil || maxval != 255 {
		t.Fatalf("not an 8-bit PGM: %v (maxval %d)", err, maxval)
	}
	pixels := data[len(data)-r.Len()+1:] // one white-space byte ends the header
	if len(pixels) != w*h {
		t.Fatalf("PGM holds %d bytes, want %d×%d", len(pixels), w, h)
	}
	return pixels, w, h
}

func TestOCRReadsAScannedDecision(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"pdfinfo", "tesseract"} {
		needTool(t, tool)
	}
	if out, err := exec.Command("tesseract", "--list-langs").CombinedOutput(); err != nil || !strings.Contains(string(out), "\nvie") {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tesseract has no Vietnamese data (Debian tesseract-ocr-vie): %v: %s", err, out)
		}
		t.Skip("tesseract has no Vietnamese data (Debian tesseract-ocr-vie)")
	}
	doc := decision(3)
	doc.Body = doc.Body[:4] // one page is enough to read, and keeps the test fast
	path := scan(t, render(t, doc))

	direct := extract(t, mustRead(t, path))
	if !direct.NeedsOCR() {
		t.Fatalf("the scan has a text layer: %q", direct.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	text, err := OCR(ctx, path, "vie")
	if err != nil {
		t.Fatalf("OCR: %v", err)
	}
	folded := search.Fold(text.String())
	for _, want := range []string{"quyet dinh", "uy ban nhan dan", "hoa binh", "de an 06", "nguyen van chien", "giam doc so noi vu"} {
		if !strings.Contains(folded, want) {
			t.Errorf("OCR text lacks %q; got %q", want, folded)
		}
	}
}

func TestOCRFailsOnAMissingFile(t *testing.T) {
	t.Parallel()
	needTool(t, "pdfinfo")
	_, err := OCR(context.Background(), filepath.Join(t.TempDir(), "missing.pdf"), "")
	if err == nil || !strings.Contains(err.Error(), "pdfinfo") {
		t.Errorf("err = %v, want a pdfinfo error", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

package pdftext

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// OCR reads the text of a scanned PDF with Tesseract, for the background OCR job: each page is
// rendered by pdftoppm at 300 dpi in grey and read by tesseract with the language data lang
// ("vie" when empty). Pages are done one at a time in a temporary directory, removed
// afterwards, so a long scan needs the disk of one page only. ctx bounds the whole run.
//
// The tools come from the Debian packages poppler-utils (pdfinfo, pdftoppm), tesseract-ocr and
// tesseract-ocr-vie.
func OCR(ctx context.Context, pdfPath, lang string) (Text, error) {
	if lang == "" {
		lang = "vie"
	}
	pages, err := pageCount(ctx, pdfPath)
	if err != nil {
		return Text{}, err
	}
	dir, err := os.MkdirTemp("", "vanthu-ocr-*")
	if err != nil {
		return Text{}, fmt.Errorf("pdftext: ocr: %w", err)
	}
	defer os.RemoveAll(dir)
	var text Text
	for n := 1; n <= pages; n++ {
		s, err := ocrPage(ctx, pdfPath, dir, n, lang)
		if err != nil {
			return text, fmt.Errorf("pdftext: ocr page %d: %w", n, err)
		}
		text.Pages = append(text.Pages, s)
	}
	return text, nil
}

// pageCount asks pdfinfo, which reads what pdftoppm will render.
func pageCount(ctx context.Context, pdfPath string) (int, error) {
	out, err := run(ctx, nil, "pdfinfo", pdfPath)
	if err != nil {
		return 0, fmt.Errorf("pdftext: ocr: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Pages:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return 0, fmt.Errorf("pdftext: ocr: pdfinfo page count %q: %w", v, err)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("pdftext: ocr: pdfinfo gave no page count")
}

// ocrPage renders page n to a PGM file and feeds it to tesseract on standard input.
func ocrPage(ctx context.Context, pdfPath, dir string, n int, lang string) (string, error) {
	base := filepath.Join(dir, "page")
	num := strconv.Itoa(n)
	if _, err := run(ctx, nil, "pdftoppm", "-r", "300", "-gray", "-f", num, "-l", num, "-singlefile", pdfPath, base); err != nil {
		return "", err
	}
	img, err := os.Open(base + ".pgm")
	if err != nil {
		return "", fmt.Errorf("rendered page: %w", err)
	}
	defer img.Close()
	defer os.Remove(base + ".pgm")
	out, err := run(ctx, img, "tesseract", "-", "-", "-l", lang)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// run executes a tool and returns its standard output; a failure carries the end of its
// standard error, which names the problem (a missing language, a damaged file).
func run(ctx context.Context, stdin *os.File, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	// One thread per tesseract: the OCR job runs beside the server and may run in parallel.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[len(msg)-300:]
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("%s: %w: %s", name, err, msg)
	}
	return out, nil
}

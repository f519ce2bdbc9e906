package docpdf

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// needTool finds an external program; without it the test fails on CI and is skipped elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required on CI (Debian: qpdf, poppler-utils): %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return path
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(needTool(t, name), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func writePDF(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkFile asserts what a clerk's tools would: qpdf finds no errors, pdfinfo sees the page
// count on A4 paper, pdffonts lists only embedded subset fonts with ToUnicode maps.
func checkFile(t *testing.T, path string, pages int, landscape bool) {
	t.Helper()
	if out := run(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	info := run(t, "pdfinfo", path)
	if m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info); m == nil || m[1] != strconv.Itoa(pages) {
		t.Errorf("pdfinfo pages %v, want %d", m, pages)
	}
	size := "595.276 x 841.89 pts (A4)"
	if landscape {
		size = "841.89 x 595.276 pts (A4)"
	}
	if !strings.Contains(info, size) {
		t.Errorf("pdfinfo does not report %q:\n%s", size, info)
	}
	if !strings.Contains(info, "PDF version:     1.7") {
		t.Errorf("pdfinfo does not report PDF 1.7:\n%s", info)
	}
	fonts := strings.Split(strings.TrimSpace(run(t, "pdffonts", path)), "\n")[2:]
	if len(fonts) != 2 {
		t.Errorf("pdffonts lists %d fonts, want regular and bold:\n%s", len(fonts), strings.Join(fonts, "\n"))
	}
	embedded := regexp.MustCompile(`^[A-Z]{6}\+LiberationSerif(-Bold)?\s+CID TrueType\s+Identity-H\s+yes yes yes`)
	for _, f := range fonts {
		if !embedded.MatchString(f) {
			t.Errorf("font is not an embedded subset with ToUnicode: %s", f)
		}
	}
}

// extractText is pdftotext's text with runs of whitespace collapsed, so sentences wrapped over
// lines compare equal to the input.
func extractText(t *testing.T, path string) string {
	t.Helper()
	return strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", path, "-")), " ")
}

func wantText(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if w = strings.Join(strings.Fields(w), " "); !strings.Contains(text, w) {
			t.Errorf("pdftotext lacks %q", w)
		}
	}
}

// renderPage rasterises page (0-based) at dpi with pdftoppm.
func renderPage(t *testing.T, path string, page, dpi int) image.Image {
	t.Helper()
	n := strconv.Itoa(page + 1)
	out := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-f", n, "-l", n, "-singlefile", path, out)
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// word is one word of pdftotext -bbox output, in points from the page's top left.
type word struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// pageWords lists the words of page (0-based) with their boxes.
func pageWords(t *testing.T, path string, page int) []word {
	t.Helper()
	n := strconv.Itoa(page + 1)
	var words []word
	for _, m := range bboxWord.FindAllStringSubmatch(run(t, "pdftotext", "-bbox", "-f", n, "-l", n, path, "-"), -1) {
		w := word{text: m[5]}
		for i, p := range []*float64{&w.xMin, &w.yMin, &w.xMax, &w.yMax} {
			*p, _ = strconv.ParseFloat(m[i+1], 64)
		}
		words = append(words, w)
	}
	return words
}

func findWord(t *testing.T, words []word, text string) word {
	t.Helper()
	for _, w := range words {
		if w.text == text {
			return w
		}
	}
	t.Fatalf("word %q not on the page", text)
	return word{}
}

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
	"github.com/vanthu/vanthu/signer/pdf"
)

// Panics of this package's own code fail the tests instead of becoming ErrMalformed.
func init() { repanicOwn = true }

// corpusDir holds real signed PDFs from EU DSS: many producers, xref streams, object streams,
// incremental updates.
const corpusDir = "/work/shared/corpus/pades-dss"

func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "*.pdf"))
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = data
	}
	return out
}

// fuzzOptions keep one input cheap: the fuzzer wants many small runs.
var fuzzOptions = Options{MaxPages: 50, MaxBytes: 8 << 20, MaxOps: 200_000}

func FuzzExtract(f *testing.F) {
	for _, data := range corpus(f) {
		f.Add(data)
	}
	f.Add(render(f, decision(2)))
	f.Add(onePage("/F1 4 0 R", "BT /F1 12 Tf 72 700 Td (x) Tj ET /X1 Do",
		stream("/Subtype /Form", "/X1 Do BT /F1 9 Tf (y) Tj ET")))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		text, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), fuzzOptions)
		if err == nil && len(text.Pages) > fuzzOptions.MaxPages {
			t.Errorf("read %d pages, more than MaxPages", len(text.Pages))
		}
	})
}

// TestExtractCorpus reads the DSS corpus: PDFs from many producers (Adobe, iText, Word,
// LibreOffice, PDFBox), with simple and composite fonts, object streams and signature
// widgets. Most must read, and the words must agree with poppler's pdftotext.
func TestExtractCorpus(t *testing.T) {
	t.Parallel()
	files := corpus(t)
	if len(files) == 0 {
		t.Skip("corpus not present at " + corpusDir)
	}
	pdftotext := needTool(t, "pdftotext")
	failed, compared, agreed := 0, 0, 0
	for name, data := range files {
		text, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			failed++
			t.Logf("%s: %v", name, err)
			continue
		}
		if len(text.Pages) == 0 {
			t.Errorf("%s: no pages and no error", name)
		}
		// The first pages are enough to compare, and keep pdftotext quick.
		const pages = 3
		out, err := exec.Command(pdftotext, "-q", "-l", fmt.Sprint(pages), "-enc", "UTF-8", filepath.Join(corpusDir, name), "-").Output()
		theirs := strings.Fields(search.Fold(string(out)))
		if err != nil || len(theirs) < 20 {
			continue
		}
		compared++
		ours := Text{Pages: text.Pages[:min(pages, len(text.Pages))]}
		if share := sharedWords(strings.Fields(search.Fold(ours.String())), theirs); share >= 0.9 {
			agreed++
		} else {
			t.Logf("%s: only %.0f%% of the words agree with pdftotext", name, 100*share)
		}
	}
	// A few corpus files are broken on purpose or encrypted.
	if failed > len(files)/10 {
		t.Errorf("%d of %d corpus files failed", failed, len(files))
	}
	// Right-to-left scripts and text in hybrid-reference updates still differ.
	if compared == 0 || agreed < compared*9/10 {
		t.Errorf("%d of %d files with text agree with pdftotext, want 90%%", agreed, compared)
	}
}

// sharedWords is the share of words both lists hold (as multisets), relative to the longer.
func sharedWords(a, b []string) float64 {
	count := map[string]int{}
	for _, w := range b {
		count[w]++
	}
	common := 0
	for _, w := range a {
		if count[w] > 0 {
			count[w]--
			common++
		}
	}
	return float64(common) / float64(max(len(a), len(b)))
}

// FuzzContent runs arbitrary content streams with a Type0 font using a ToUnicode CMap.
func FuzzContent(f *testing.F) {
	f.Add("BT /F1 12 Tf 72 700 Td <000100020005> Tj [(a) -300 <0007>] TJ T* (b) ' 1 2 (c) \" ET")
	f.Add("q 0 1 -1 0 0 0 cm BI /W 1 ID x EI Q")
	f.Fuzz(func(t *testing.T, content string) {
		data := onePage("/F1 6 0 R", content,
			"<< /Type /Font /Subtype /Type0 /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
			"<< /Type /Font /Subtype /CIDFontType2 /W [1 [500 500] 5 8 700] >>",
			stream("", toUnicode))
		_, _ = Extract(context.Background(), bytes.NewReader(data), int64(len(data)), fuzzOptions)
		if doc, err := pdf.Open(data); err == nil {
			_, _ = PaintedBoxes(context.Background(), doc, doc.Pages(1)[0], fuzzOptions)
		}
	})
}

// FuzzCMap parses arbitrary ToUnicode CMaps and decodes with them.
func FuzzCMap(f *testing.F) {
	f.Add(toUnicode, "\x00\x01\x00\x05\xff")
	f.Add("1 begincodespacerange <00> <80> endcodespacerange 1 beginbfrange <00> <ffff> <0041> endbfrange", "\x00\x81\x82")
	f.Fuzz(func(t *testing.T, cmapText, shown string) {
		fnt := &font{toUnicode: parseCMap([]byte(cmapText)), composite: true, dw: 1000}
		n := 0
		fnt.decode(shown, func(glyph) { n++ })
		if n > len(shown) {
			t.Errorf("decoded %d codes from %d bytes", n, len(shown))
		}
	})
}

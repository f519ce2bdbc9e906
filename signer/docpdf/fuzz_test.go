package docpdf

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vanthu/vanthu/signer/font"
	"github.com/vanthu/vanthu/signer/pdftext"
)

// FuzzRenderBody feeds arbitrary text to the body: Render must either refuse it with a
// MissingGlyphError or ErrInvalid, or write a PDF that a reader opens with every page intact.
//
// Each input renders a whole document, so cap minimisation or the fuzzer spends its time there:
//
//	go test -run '^$' -fuzz FuzzRenderBody -fuzzminimizetime 20x ./signer/docpdf/
func FuzzRenderBody(f *testing.F) {
	for _, seed := range []string{"Nguyễn Văn Chiến", "中文", "a\x00b", "\xff", strings.Repeat("Quyếtđịnh", 200),
		"e\u0302\u0301 (NFD)", "\u00ad\u200b\t\n", "😀", "(x) \\ <y> [z] %"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		doc := officialLetter()
		doc.Body = Text(text, text+" "+text)
		out, _, err := Render(doc)
		if err != nil {
			var missing *font.MissingGlyphError
			if !errors.As(err, &missing) && !errors.Is(err, ErrInvalid) {
				t.Fatalf("Render(%q) failed without a clear reason: %v", text, err)
			}
			if utf8.ValidString(text) && errors.Is(err, ErrInvalid) {
				t.Fatalf("Render(%q) rejected valid UTF-8: %v", text, err)
			}
			return
		}
		openEveryPage(t, out)
	})
}

// openEveryPage reads out with the text extractor, which walks the file structure and
// interprets each page's content.
func openEveryPage(t *testing.T, out []byte) {
	t.Helper()
	text, err := pdftext.Extract(context.Background(), bytes.NewReader(out), int64(len(out)), pdftext.Options{})
	if err != nil {
		t.Fatalf("written PDF does not open: %v", err)
	}
	if len(text.Pages) < 1 {
		t.Fatal("written PDF has no pages")
	}
	for i, page := range text.Pages {
		if page == "" {
			t.Fatalf("page %d has no text", i+1)
		}
	}
}

// vietnameseWord makes a random word of Vietnamese letters, digits and punctuation. It starts
// with a letter, so a number standing alone in the extracted text is a page number, and has no
// hyphen, which pdftotext removes at the end of a line.
func vietnameseWord(rng *rand.Rand) string {
	letters := []rune("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ" +
		"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÊỀẾỂỄỆÔỒỐỔỖỘƠỜỚỞỠỢƯỪỨỬỮỰ")
	others := []rune("0123456789.,;:/()%")
	n := 1 + rng.IntN(9)
	w := []rune{letters[rng.IntN(len(letters))]}
	for len(w) < n {
		if rng.IntN(5) == 0 {
			w = append(w, others[rng.IntN(len(others))])
		} else {
			w = append(w, letters[rng.IntN(len(letters))])
		}
	}
	return string(w)
}

// withoutPageNumbers drops the numbers pdftotext puts between pages' text.
func withoutPageNumbers(text string) string {
	var kept []string
	for _, w := range strings.Fields(text) {
		if strings.Trim(w, "0123456789") != "" {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// TestRandomVietnameseTextReadsBack is a property test: random paragraphs of Vietnamese words,
// over several pages, come back from pdftotext word for word and in order.
func TestRandomVietnameseTextReadsBack(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(30, 2020))
	doc := officialLetter()
	doc.Body = nil
	for range 25 {
		words := make([]string, 20+rng.IntN(60))
		for i := range words {
			words[i] = vietnameseWord(rng)
		}
		doc.Body = append(doc.Body, Paragraph{Text: strings.Join(words, " ")})
	}
	out, _, err := Render(doc)
	if err != nil {
		t.Fatal(err)
	}
	openEveryPage(t, out)
	path := writePDF(t, out)
	wantText(t, withoutPageNumbers(extractText(t, path)), texts(doc.Body)...)
}

// Package pdftext extracts the text layer of a PDF page by page, for the full-text index, and
// runs OCR over scans that have none.
//
// Extraction decodes /ToUnicode CMaps itself (bfchar and bfrange, code space ranges of one to
// four bytes), so that the Type0/Identity-H fonts written by signer/docpdf and by LibreOffice
// or Word give back their Vietnamese text with its diacritics. signer/pdf parses the file
// structure, and every read is bounded (pages, decoded bytes, operators), so a hostile upload
// costs little.
package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Text is the text of a document, one string per page.
type Text struct {
	Pages []string
}

// String returns the pages separated by form feeds, as pdftotext does.
func (t Text) String() string { return strings.Join(t.Pages, "\f") }

// EmptyPages returns the 0-based indexes of the pages without any letter or digit: scans, or
// pages drawn with fonts that carry no text.
func (t Text) EmptyPages() []int {
	var out []int
	for i, p := range t.Pages {
		if strings.IndexFunc(p, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			out = append(out, i)
		}
	}
	return out
}

// NeedsOCR reports that some page has no text, so the document should go to the OCR job.
func (t Text) NeedsOCR() bool { return len(t.EmptyPages()) > 0 }

// Options bound the work of Extract; zero fields take the defaults.
type Options struct {
	// MaxPages is how many pages are read; later pages are left out. Default 2000.
	MaxPages int
	// MaxBytes caps the decompressed content streams, fonts' CMaps and forms, all pages
	// together. Default 256 MiB.
	MaxBytes int64
	// MaxOps caps the content stream operators run, all pages together. Default 50 million.
	MaxOps int
}

// Errors wrapped by Extract.
var (
	// ErrMalformed: the file is not a PDF the reader can walk.
	ErrMalformed = errors.New("malformed PDF")
	// ErrTooLarge: a limit of Options was reached.
	ErrTooLarge = errors.New("PDF exceeds extraction limits")
)

// Extract reads the text layer of every page. If a page cannot be read, Extract still returns
// the text of the others (that page's text empty or partial) together with the error.
func Extract(ctx context.Context, r io.ReaderAt, size int64, opts Options) (Text, error) {
	opts = opts.withDefaults()
	lim := &limits{ctx: ctx, bytes: opts.MaxBytes, ops: opts.MaxOps}
	if err := checkTail(r, size); err != nil {
		return Text{}, fmt.Errorf("pdftext: open: %w", err)
	}
	doc, err := open(r, size)
	if err != nil {
		return Text{}, fmt.Errorf("pdftext: open: %w", err)
	}
	var pages []pdf.Page
	if err := guard(func() error {
		pages = doc.Pages(opts.MaxPages)
		return nil
	}); err != nil {
		return Text{}, fmt.Errorf("pdftext: page tree: %w", err)
	}
	if len(pages) == 0 {
		return Text{}, fmt.Errorf("pdftext: page tree: %w: no pages found", ErrMalformed)
	}
	var text Text
	var errs []error
	for i, pg := range pages {
		s, err := pageText(doc, pg, lim)
		text.Pages = append(text.Pages, s)
		if err != nil {
			errs = append(errs, fmt.Errorf("pdftext: page %d: %w", i+1, err))
			if errors.Is(err, ErrTooLarge) || ctx.Err() != nil {
				break
			}
		}
	}
	return text, errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.MaxPages <= 0 {
		o.MaxPages = 2000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 256 << 20
	}
	if o.MaxOps <= 0 {
		o.MaxOps = 50_000_000
	}
	return o
}

// tailWindow is how far before the end of the file "%%EOF" may stand.
const tailWindow = 32 << 10

// checkTail requires "%%EOF" near the end: a file cut short, such as an interrupted upload,
// is refused rather than read in part.
func checkTail(r io.ReaderAt, size int64) error {
	n := min(size, tailWindow)
	if n <= 0 {
		return fmt.Errorf("%w: empty file", ErrMalformed)
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the end of the file: %w", err)
	}
	if !bytes.Contains(buf, []byte("%%EOF")) {
		return fmt.Errorf("%w: no %%%%EOF in the last %d bytes", ErrMalformed, n)
	}
	return nil
}

// open reads the whole file and its cross-reference data. Encrypted files are refused:
// their strings and streams would read as noise.
func open(r io.ReaderAt, size int64) (*pdf.Doc, error) {
	b := make([]byte, size)
	if n, err := r.ReadAt(b, 0); int64(n) != size {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	var doc *pdf.Doc
	err := guard(func() error {
		var err error
		doc, err = pdf.Open(b)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if doc.Trailer.Get("Encrypt") != nil {
		return nil, fmt.Errorf("%w: the file is encrypted", ErrMalformed)
	}
	return doc, nil
}

// pageText runs a page's content streams, then draws its annotations.
func pageText(doc *pdf.Doc, pg pdf.Page, lim *limits) (string, error) {
	p := &page{doc: doc, lim: lim, st: state{ctm: identity, tm: identity, tlm: identity, th: 1}}
	err := guard(func() error {
		data, err := contents(doc, pg.Dict.Get("Contents"), lim)
		if err != nil {
			return err
		}
		res := &scope{res: doc.Dict(pg.Attr("Resources")), fonts: map[string]*font{}}
		if err := p.run(data, res, 0); err != nil {
			return err
		}
		return p.annotations(doc.Array(pg.Dict.Get("Annots")))
	})
	return strings.TrimSpace(p.out.String()), err
}

// contents concatenates a page's content streams, which may split an operator between them.
func contents(doc *pdf.Doc, v any, lim *limits) ([]byte, error) {
	switch x := doc.Get(v).(type) {
	case pdf.Stream:
		return lim.read(x)
	case pdf.Array:
		var all []byte
		for _, e := range x {
			if s, ok := doc.Get(e).(pdf.Stream); ok {
				data, err := lim.read(s)
				if err != nil {
					return nil, err
				}
				all = append(append(all, data...), '\n')
			}
		}
		return all, nil
	}
	return nil, nil
}

// guard runs f and turns a panic into an ErrMalformed error, so that a bug met on a hostile
// upload fails that file rather than the process.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if repanicOwn {
				panic(p) // tests and fuzzing must see the bug
			}
			err = fmt.Errorf("%w: %v", ErrMalformed, p)
		}
	}()
	return f()
}

// repanicOwn is set by the tests, so that fuzzing reports panics instead of errors.
var repanicOwn = false

// limits is the work left, shared by all pages of one Extract call.
type limits struct {
	ctx   context.Context
	bytes int64
	ops   int
}

// read decompresses a stream within the byte budget. A truncated or corrupt stream still
// gives the text before the damage, or none, never an error.
func (l *limits) read(s pdf.Stream) ([]byte, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	data, err := pdf.Decode(s, l.bytes)
	if errors.Is(err, pdf.ErrTooLarge) {
		l.bytes = -1
		return nil, fmt.Errorf("%w: more than the decompressed bytes allowed", ErrTooLarge)
	}
	l.bytes -= int64(len(data))
	return data, nil
}

// op counts one operator and checks the context every few thousand.
func (l *limits) op() error {
	l.ops--
	if l.ops < 0 {
		return fmt.Errorf("%w: more than the operators allowed", ErrTooLarge)
	}
	if l.ops%4096 == 0 {
		return l.ctx.Err()
	}
	return nil
}

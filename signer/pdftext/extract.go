// Package pdftext extracts the text layer of a PDF page by page, for the full-text index, and
// runs OCR over scans that have none.
//
// Extraction decodes /ToUnicode CMaps itself (bfchar and bfrange, code space ranges of one to
// four bytes), so that the Type0/Identity-H fonts written by signer/docpdf and by LibreOffice
// or Word give back their Vietnamese text with its diacritics. github.com/digitorus/pdf parses
// the file structure; its panics on malformed input are turned into errors, and every read is
// bounded (pages, decoded bytes, operators), so a hostile upload costs little.
package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"unicode"

	"github.com/digitorus/pdf"
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
	var rd *pdf.Reader
	err := guard(func() error {
		var err error
		rd, err = pdf.NewReader(r, size)
		return err
	})
	if err != nil {
		return Text{}, fmt.Errorf("pdftext: open: %w", err)
	}
	var pages []pageRef
	if err := guard(func() error {
		pages = collectPages(rd.Trailer().Key("Root").Key("Pages"), opts.MaxPages)
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
		s, err := pageText(pg, lim)
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

// checkTail requires "%%EOF" near the end before the library looks for it: its own search
// grows a window 200 bytes at a time and rescans it whole, which takes minutes on a large
// file without the marker.
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

// pageRef is a page with the resources it inherits from the page tree.
type pageRef struct {
	v, res pdf.Value
}

// collectPages walks the page tree depth first. The node count and depth are bounded, so a
// tree whose /Kids loop back cannot hang the walk.
func collectPages(root pdf.Value, maxPages int) []pageRef {
	var pages []pageRef
	budget := 4*maxPages + 1000
	var walk func(node, res pdf.Value, depth int)
	walk = func(node, res pdf.Value, depth int) {
		if budget--; budget < 0 || depth > 64 || len(pages) >= maxPages || node.Kind() != pdf.Dict {
			return
		}
		if r := node.Key("Resources"); r.Kind() == pdf.Dict {
			res = r
		}
		kids := node.Key("Kids")
		if node.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			pages = append(pages, pageRef{node, res})
			return
		}
		for i := 0; i < kids.Len(); i++ {
			walk(kids.Index(i), res, depth+1)
		}
	}
	walk(root, pdf.Value{}, 0)
	return pages
}

// pageText runs a page's content streams.
func pageText(pg pageRef, lim *limits) (string, error) {
	p := &page{lim: lim, st: state{ctm: identity, tm: identity, tlm: identity, th: 1}}
	err := guard(func() error {
		data, err := contents(pg.v.Key("Contents"), lim)
		if err != nil {
			return err
		}
		if err := p.run(data, &scope{res: pg.res, fonts: map[string]*font{}}, 0); err != nil {
			return err
		}
		return p.annotations(pg.v.Key("Annots"))
	})
	return strings.TrimSpace(p.out.String()), err
}

// contents concatenates a page's content streams, which may split an operator between them.
func contents(v pdf.Value, lim *limits) ([]byte, error) {
	if v.Kind() == pdf.Stream {
		return lim.read(v)
	}
	var all []byte
	for i := 0; i < v.Len(); i++ {
		if s := v.Index(i); s.Kind() == pdf.Stream {
			data, err := lim.read(s)
			if err != nil {
				return nil, err
			}
			all = append(append(all, data...), '\n')
		}
	}
	return all, nil
}

// guard runs f and turns a panic of the PDF library into an ErrMalformed error.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if repanicOwn && strings.HasPrefix(panicSite(), ownPackage) {
				panic(p) // a bug of this package, which tests must see rather than an error
			}
			err = fmt.Errorf("%w: %v", ErrMalformed, p)
		}
	}()
	return f()
}

// repanicOwn is set by the tests, so that fuzzing tells this package's own panics from the
// library's on malformed input.
var repanicOwn = false

const ownPackage = "github.com/vanthu/vanthu/signer/pdftext."

// panicSite names the function that panicked: the first frame below runtime.gopanic that is
// not in the runtime.
func panicSite() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	inPanic := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			inPanic = true
		case inPanic && !strings.HasPrefix(f.Function, "runtime."):
			return f.Function
		}
		if !more {
			return ""
		}
	}
}

// limits is the work left, shared by all pages of one Extract call.
type limits struct {
	ctx   context.Context
	bytes int64
	ops   int
}

// read decompresses a stream within the byte budget.
func (l *limits) read(v pdf.Value) ([]byte, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	rc := v.Reader()
	defer rc.Close()
	// A truncated or corrupt stream still gives the text before the damage, so a read error
	// only ends the data.
	data, _ := io.ReadAll(io.LimitReader(rc, l.bytes+1))
	l.bytes -= int64(len(data))
	if l.bytes < 0 {
		return nil, fmt.Errorf("%w: more than the decompressed bytes allowed", ErrTooLarge)
	}
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

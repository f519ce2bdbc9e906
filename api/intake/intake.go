// Package intake is what every uploaded PDF passes before vanthu stores it, whether it
// comes through the API or the web form: a PDF header at the start, a structure that
// parses without repair, a base file name, and the active content it names, flagged.
package intake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vanthu/vanthu/signer/pdf"
)

// DefaultName names an upload that comes without a usable file name.
const DefaultName = "van-ban.pdf"

// HeadSize is how much of the start of a file CheckHead looks at: PDF readers accept the
// header anywhere in the first KiB.
const HeadSize = 1024

// maxNameBytes bounds a stored file name.
const maxNameBytes = 200

// Errors of CheckHead and Check.
var (
	ErrNotPDF    = errors.New("intake: not a PDF (no %PDF- header in the first KiB)")
	ErrMalformed = errors.New("intake: malformed PDF")
)

// CheckHead refuses, before a byte is stored, what does not start like a PDF.
func CheckHead(head []byte) error {
	if !bytes.Contains(head[:min(len(head), HeadSize)], []byte("%PDF-")) {
		return ErrNotPDF
	}
	return nil
}

// Check reads the whole file: its cross-reference data and trailer must parse as they
// are (a file whose cross-reference data must be rebuilt, one cut short or an HTML page
// behind a PDF header, is refused: viewers disagree on what it shows), and it returns
// the kinds of active content its objects name (pdf.ActiveJavaScript, pdf.ActiveLaunch).
// Such a PDF is accepted, since agencies do receive them, but flagged.
func Check(r io.ReaderAt, size int64) ([]string, error) {
	b := make([]byte, size)
	if n, err := r.ReadAt(b, 0); int64(n) != size {
		return nil, fmt.Errorf("intake: read the upload: %w", err)
	}
	return CheckBytes(b)
}

// CheckBytes is Check of a file already in memory; b is only read.
func CheckBytes(b []byte) ([]string, error) {
	if err := CheckHead(b); err != nil {
		return nil, err
	}
	doc, err := pdf.Open(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if doc.Repaired {
		return nil, fmt.Errorf("%w: the cross-reference data is damaged", ErrMalformed)
	}
	active, err := doc.File.ActiveContent()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return active, nil
}

// Note is what a document's note records of an upload's active content, empty when
// there is none.
func Note(name string, active []string) string {
	if len(active) == 0 {
		return ""
	}
	return "Tệp " + name + " chứa nội dung chủ động (" + strings.Join(active, ", ") + ")"
}

// CleanName reduces the name a client gave a file to its base name: no directories,
// whichever separator they use, no control characters, at most 200 bytes of valid
// UTF-8; DefaultName when nothing is left.
func CleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "." || name == ".." || name == "/" || name == "" {
		return DefaultName
	}
	for len(name) > maxNameBytes {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

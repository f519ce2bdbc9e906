package pades

import (
	"errors"
	"fmt"

	"github.com/vanthu/vanthu/signer/pdf"
)

// openDocument reads the newest revision of b for an incremental update.
// Unlike a viewer it refuses a broken xref: an update must extend the
// cross-reference data that the file really has.
func openDocument(b []byte) (*pdf.Doc, error) {
	doc, err := pdf.Open(b)
	if err != nil {
		return nil, fmt.Errorf("pades: read PDF: %w", err)
	}
	if doc.Repaired {
		return nil, errors.New("pades: read PDF: the cross-reference data is broken")
	}
	if doc.Trailer.Get("Encrypt") != nil {
		return nil, errors.New("pades: encrypted PDFs are not supported")
	}
	if _, ok := doc.Trailer.Get("Root").(pdf.Ref); !ok {
		return nil, errors.New("pades: trailer has no /Root reference")
	}
	return doc, nil
}

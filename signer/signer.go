// Package signer puts the signing parts together the way Decree 30 uses them: a key from
// any backend (signer/keys), a visible appearance (signer/appearance), the PAdES writer
// (signer/pades), timestamps and revocation data (signer/pki). The engine, the API and
// the CLI sign through it.
package signer

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vanthu/vanthu/signer/appearance"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pdf"
)

// Request is one signature to add.
type Request struct {
	Key         keys.Key
	Level       pades.Level
	Timestamper pades.Timestamper      // from B-T
	Revocation  pades.RevocationSource // from B-LT
	// Appearance draws the signature; nil signs invisibly.
	Appearance *appearance.Appearance
	Reason     string
	Location   string
	// Compat writes adbe.pkcs7.detached for receivers that cannot read PAdES.
	Compat bool
	// DocMDP certifies the document (1, 2 or 3); only on its first signature.
	DocMDP      int
	SigningTime time.Time
	// Extra certificates that help build chains for the DSS (a TSA's issuer).
	ExtraCertificates []*x509.Certificate
}

// Sign adds one signature to pdf as an incremental update and writes the signed file to w
// as it is made: pdf's bytes, hashed on their way, then the update once the signature is
// made (see pades.SignTo). Nothing of the file's size is copied or allocated at B-B and
// B-T, whatever w is: a blob being stored, a file, or a bytes.Buffer for a caller who
// wants the file in memory (grown once, to the signed file's size, before the writing).
// On error w may hold a partial file, which the caller must discard. It returns the
// number of bytes written.
func Sign(ctx context.Context, w io.Writer, pdfBytes []byte, req Request) (int64, error) {
	if req.Key == nil {
		return 0, errors.New("signer: no key")
	}
	n, err := pades.SignTo(ctx, w, pdfBytes, req.options(ctx))
	if err != nil {
		return n, fmt.Errorf("signer: %w", err)
	}
	return n, nil
}

func (req Request) options(ctx context.Context) pades.Options {
	opts := pades.Options{
		Signer:            keys.Bind(ctx, req.Key),
		Certificate:       req.Key.Certificate(),
		Chain:             chainWithoutLeaf(req.Key),
		Level:             req.Level,
		Timestamper:       req.Timestamper,
		Revocation:        req.Revocation,
		ExtraCertificates: req.ExtraCertificates,
		SigningTime:       req.SigningTime,
		Name:              req.Key.Certificate().Subject.CommonName,
		Reason:            req.Reason,
		Location:          req.Location,
		LegacyPKCS7:       req.Compat,
		DocMDP:            req.DocMDP,
	}
	if req.Appearance != nil {
		opts.Appearance = visible{req.Appearance}
	}
	return opts
}

func chainWithoutLeaf(k keys.Key) []*x509.Certificate {
	chain := k.Chain()
	if len(chain) > 0 && chain[0].Equal(k.Certificate()) {
		return chain[1:]
	}
	return chain
}

// visible adapts an appearance to the PAdES writer's interface (the two packages each
// define the one-method object writer they need, so neither imports the other).
type visible struct{ a *appearance.Appearance }

func (v visible) Page() int                                      { return v.a.Page() }
func (v visible) Rect() [4]float64                               { return v.a.Rect() }
func (v visible) WriteXObject(w pades.ObjectWriter) (int, error) { return v.a.WriteXObject(w) }

// PageBox returns a page's MediaBox (0-based page index), for placing corner appearances.
func PageBox(pdfBytes []byte, page int) ([4]float64, error) {
	doc, err := pdf.Open(pdfBytes)
	if err != nil {
		return [4]float64{}, fmt.Errorf("signer: page box: %w", err)
	}
	if n := doc.PageCount(); page < 0 || page >= n {
		return [4]float64{}, fmt.Errorf("signer: page %d does not exist (the document has %d)", page+1, n)
	}
	p, err := doc.Page(page)
	if err != nil {
		return [4]float64{}, fmt.Errorf("signer: page box: %w", err)
	}
	mb := doc.Array(p.Attr("MediaBox"))
	if len(mb) != 4 {
		return [4]float64{0, 0, 595.28, 841.89}, nil // A4, the Decree 30 page
	}
	var box [4]float64
	for i := range box {
		box[i], _ = pdf.Number(doc.Get(mb[i]))
	}
	return box, nil
}

// Package verify validates PDF signatures (PAdES, PKCS#7 and document
// timestamps) the way a relying party must: it checks that each signature's
// bytes are intact, that nothing forbidden was changed in later revisions,
// that the signer chains to a trusted root, and that the certificates were
// not revoked when the document was signed. The verdicts follow the EU DSS /
// ETSI EN 319 102-1 vocabulary (TOTAL_PASSED, INDETERMINATE, TOTAL_FAILED).
package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vanthu/vanthu/signer/pdf"
)

// MaxFileSize is the largest PDF Verify reads; the whole file is held in
// memory while it is analysed.
const MaxFileSize = 256 << 20

// maxSignatures and maxRevisions bound the work on hostile documents; real
// documents carry a handful of each.
const (
	maxSignatures = 500
	maxRevisions  = 1000
)

// Options configure Verify.
type Options struct {
	Roots         *x509.CertPool // trust anchors; nil = none trusted
	Intermediates *x509.CertPool
	Revocation    RevocationSource // optional online fetcher (nil = embedded data only)
	Now           func() time.Time
	// Cache keeps verified certificate paths and current online revocation
	// answers across calls. When nil, paths go to a cache the process shares
	// and online answers are not kept: an answer is only reused with the
	// source it came from, which the caller's own Cache stands for.
	Cache *Cache
}

// RevocationSource fetches revocation data online when the document and
// its signatures carry none.
type RevocationSource interface {
	OCSP(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, error)
	CRL(ctx context.Context, cert *x509.Certificate) ([]byte, error)
}

// Report lists every signature and document timestamp of the document.
type Report struct {
	Signatures []Signature `json:"signatures"`
	// AnnotationOverlaps lists the annotations of the final document that overlap one
	// another, whenever they were added. It is a warning, not a modification: EU DSS
	// reports the same check, and its default policy does not fail a signature for it.
	AnnotationOverlaps []AnnotationOverlap `json:"annotation_overlaps"`
}

// Indications and sub-indications (ETSI EN 319 102-1 names).
const (
	TotalPassed   = "TOTAL_PASSED"
	Indeterminate = "INDETERMINATE"
	TotalFailed   = "TOTAL_FAILED"
)

// Signature is the validation result of one signature or document timestamp.
type Signature struct {
	Field                string     `json:"field"`
	Signer               string     `json:"signer"`
	SigningTime          *time.Time `json:"signing_time"`
	Intact               bool       `json:"intact"`
	ModifiedAfterSigning bool       `json:"modified_after_signing"`
	Changes              []Change   `json:"changes"`
	Level                string     `json:"level"`
	Indication           string     `json:"indication"`
	SubIndication        string     `json:"sub_indication,omitempty"`
	Chain                []Cert     `json:"chain"`
	Revocation           Revocation `json:"revocation"`
	Timestamp            *Timestamp `json:"timestamp"`
	Type                 string     `json:"type"`
	SubFilter            string     `json:"sub_filter"`
	// Errors explains, in order of discovery, why the signature is not
	// TOTAL_PASSED.
	Errors []string `json:"errors,omitempty"`
	// Reason says in words, Vietnamese and English, why a signature whose bytes are
	// intact is not TOTAL_PASSED, for a reader rather than an auditor.
	Reason string `json:"reason,omitempty"`
	// Warnings say in words, Vietnamese and English, what a reader should look at
	// although it does not change the indication.
	Warnings []string `json:"warnings,omitempty"`
}

// Verify validates every signature of the PDF of size bytes read from r, as
// VerifyBytes does.
func Verify(ctx context.Context, r io.ReaderAt, size int64, opts Options) (*Report, error) {
	if err := checkSize(size); err != nil {
		return nil, err
	}
	b := make([]byte, size)
	if n, err := r.ReadAt(b, 0); n != len(b) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("pades: verify: read %d of %d bytes: %w", n, size, err)
	}
	return VerifyBytes(ctx, b, opts)
}

func checkSize(size int64) error {
	if size <= 0 || size > MaxFileSize {
		return fmt.Errorf("pades: verify: file size %d outside 1..%d bytes", size, MaxFileSize)
	}
	return nil
}

// VerifyBytes validates every signature of the PDF b, for a caller that holds the file
// in memory already. It reads b without changing it and keeps nothing of it after it
// returns; b must not change meanwhile. It returns an error only when the input is not
// a readable PDF; problems with individual signatures are reported in the Report.
func VerifyBytes(ctx context.Context, b []byte, opts Options) (rep *Report, err error) {
	// Every parser here is bounds-checked, but the input is hostile and some
	// parsing happens in other packages (OCSP, X.509): a panic must become a
	// clear error, never take the caller down.
	defer func() {
		if p := recover(); p != nil {
			rep, err = nil, fmt.Errorf("pades: verify: malformed input caused an internal error: %v", p)
		}
	}()
	if err := checkSize(int64(len(b))); err != nil {
		return nil, err
	}
	if i := bytes.Index(b[:min(len(b), 1024)], []byte("%PDF-")); i < 0 {
		return nil, errors.New("pades: verify: not a PDF file (no %PDF- header)")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	revCache := opts.Cache
	if opts.Cache == nil {
		opts.Cache = sharedCache
	}
	a, err := newAnalysis(ctx, b, opts)
	if err != nil {
		return nil, err
	}
	a.revCache = revCache
	rep = &Report{Signatures: []Signature{}, AnnotationOverlaps: annotationOverlaps(a.final)}
	warnings := overlapWarnings(rep.AnnotationOverlaps)
	var facts []*sigFacts
	sigs := findSignatures(a.final)
	if len(sigs) > maxSignatures {
		return nil, fmt.Errorf("pades: verify: %d signatures exceed the limit of %d", len(sigs), maxSignatures)
	}
	for _, sf := range sigs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pades: verify: %w", err)
		}
		s, f := a.check(ctx, sf)
		s.Warnings = warnings
		rep.Signatures = append(rep.Signatures, s)
		facts = append(facts, f)
	}
	assignLevels(a, rep.Signatures, facts)
	return rep, nil
}

// sigField is a signature dictionary and the fields that reference it.
type sigField struct {
	names []string
	ref   pdf.Ref
	dict  pdf.Dict
}

// findSignatures walks the interactive form of the final revision.
func findSignatures(v *view) []sigField {
	root := v.Catalog()
	if root == nil {
		return nil
	}
	af := v.Dict(root.Get("AcroForm"))
	var out []sigField
	byRef := map[int]int{}
	seen := map[int]bool{}
	var walk func(x any, prefix string, ft pdf.Name, depth int)
	walk = func(x any, prefix string, ft pdf.Name, depth int) {
		if depth > 32 || len(seen) > 50000 {
			return
		}
		if r, ok := x.(pdf.Ref); ok {
			if seen[r.Num] {
				return
			}
			seen[r.Num] = true
		}
		fd := v.Dict(x)
		if fd == nil {
			return
		}
		name := prefix
		if t, ok := fd.Get("T").(pdf.String); ok {
			name = joinName(prefix, t.Text())
		}
		if t, ok := fd.Get("FT").(pdf.Name); ok {
			ft = t
		}
		if vr, ok := fd.Get("V").(pdf.Ref); ok && ft == "Sig" {
			if sd := v.Dict(vr); sd != nil {
				if i, dup := byRef[vr.Num]; dup {
					out[i].names = append(out[i].names, name)
				} else {
					byRef[vr.Num] = len(out)
					out = append(out, sigField{names: []string{name}, ref: vr, dict: sd})
				}
			}
		}
		for _, k := range v.Array(fd.Get("Kids")) {
			walk(k, name, ft, depth+1)
		}
	}
	for _, f := range v.Array(af.Get("Fields")) {
		walk(f, "", "", 0)
	}
	return out
}

func joinName(prefix, part string) string {
	if prefix == "" {
		return part
	}
	return prefix + "." + part
}

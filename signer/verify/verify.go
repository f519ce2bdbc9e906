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
	"strings"
	"time"
	"unicode/utf16"
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
}

// Verify validates every signature of the PDF read from r. It returns an
// error only when the input is not a readable PDF; problems with individual
// signatures are reported in the Report.
func Verify(ctx context.Context, r io.ReaderAt, size int64, opts Options) (rep *Report, err error) {
	// Every parser here is bounds-checked, but the input is hostile and some
	// parsing happens in other packages (OCSP, X.509): a panic must become a
	// clear error, never take the caller down.
	defer func() {
		if p := recover(); p != nil {
			rep, err = nil, fmt.Errorf("pades: verify: malformed input caused an internal error: %v", p)
		}
	}()
	if size <= 0 || size > MaxFileSize {
		return nil, fmt.Errorf("pades: verify: file size %d outside 1..%d bytes", size, MaxFileSize)
	}
	b := make([]byte, size)
	if n, err := r.ReadAt(b, 0); n != len(b) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("pades: verify: read %d of %d bytes: %w", n, size, err)
	}
	if i := bytes.Index(b[:min(len(b), 1024)], []byte("%PDF-")); i < 0 {
		return nil, errors.New("pades: verify: not a PDF file (no %PDF- header)")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a, err := newAnalysis(ctx, b, opts)
	if err != nil {
		return nil, err
	}
	rep = &Report{Signatures: []Signature{}}
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
		rep.Signatures = append(rep.Signatures, s)
		facts = append(facts, f)
	}
	assignLevels(a, rep.Signatures, facts)
	return rep, nil
}

// sigField is a signature dictionary and the fields that reference it.
type sigField struct {
	names []string
	ref   pdfRef
	dict  pdfDict
}

// findSignatures walks the interactive form of the final revision.
func findSignatures(v *view) []sigField {
	root := v.root()
	if root == nil {
		return nil
	}
	af := v.dict(root["AcroForm"])
	var out []sigField
	byRef := map[int]int{}
	seen := map[int]bool{}
	var walk func(x any, prefix string, ft pdfName, depth int)
	walk = func(x any, prefix string, ft pdfName, depth int) {
		if depth > 32 || len(seen) > 50000 {
			return
		}
		if r, ok := x.(pdfRef); ok {
			if seen[r.num] {
				return
			}
			seen[r.num] = true
		}
		fd := v.dict(x)
		if fd == nil {
			return
		}
		name := prefix
		if t, ok := fd["T"].(pdfString); ok {
			name = joinName(prefix, decodeText(t))
		}
		if t, ok := fd["FT"].(pdfName); ok {
			ft = t
		}
		if vr, ok := fd["V"].(pdfRef); ok && ft == "Sig" {
			if sd := v.dict(vr); sd != nil {
				if i, dup := byRef[vr.num]; dup {
					out[i].names = append(out[i].names, name)
				} else {
					byRef[vr.num] = len(out)
					out = append(out, sigField{names: []string{name}, ref: vr, dict: sd})
				}
			}
		}
		for _, k := range v.array(fd["Kids"]) {
			walk(k, name, ft, depth+1)
		}
	}
	for _, f := range v.array(af["Fields"]) {
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

// decodeText turns a PDF text string (UTF-16BE with BOM or PDFDocEncoding,
// read here as Latin-1) into UTF-8.
func decodeText(s pdfString) string {
	b := []byte(s)
	if len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

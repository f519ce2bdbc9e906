package verify

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vanthu/vanthu/signer/pdf"
)

// sigFacts carries what level assignment needs beyond the public report.
type sigFacts struct {
	rev       int // revision index the signature covers, -1 if unknown
	cades     bool
	sigTS     bool // valid signature timestamp
	docTS     bool // this is a valid document timestamp
	revInDSS  bool
	chainInDS bool
}

// verdict accumulates failures; the first of the most severe kind wins.
type verdict struct {
	failed, indeterminate string
	errs                  []string
}

func (v *verdict) fail(sub string, format string, args ...any) {
	if v.failed == "" {
		v.failed = sub
	}
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

func (v *verdict) indet(sub string, format string, args ...any) {
	if v.indeterminate == "" {
		v.indeterminate = sub
	}
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

func (a *analysis) check(ctx context.Context, sf sigField) (Signature, *sigFacts) {
	s := Signature{Field: strings.Join(sf.names, ", "), Changes: []Change{}, Chain: []Cert{}, Type: "signature",
		Revocation: Revocation{Status: "unknown", Detail: "not checked"}}
	facts := &sigFacts{rev: -1}
	var vd verdict
	if sub, ok := sf.dict.Get("SubFilter").(pdf.Name); ok {
		s.SubFilter = string(sub)
	}
	if isDocTimestamp(sf.dict) {
		s.Type = "document_timestamp"
	}
	contents, _ := sf.dict.Get("Contents").(pdf.String)
	data, end, brErr := a.byteRange(sf)
	if brErr != nil {
		vd.fail("FORMAT_FAILURE", "%v", brErr)
	}
	var sd *signedData
	if len(contents) == 0 {
		vd.fail("FORMAT_FAILURE", "signature dictionary has no /Contents")
	} else if parsed, err := parseSignedData([]byte(contents)); err != nil {
		vd.fail("FORMAT_FAILURE", "%v", err)
	} else {
		sd = parsed
	}
	known := append(append([]*x509.Certificate{}, a.dss.all.certs...), a.docCerts...)
	var signer *x509.Certificate
	if sd != nil {
		if s.Type == "document_timestamp" {
			signer = a.checkDocTimestamp(&s, sd, data, brErr == nil, known, &vd)
			facts.docTS = s.Timestamp != nil && s.Timestamp.Valid && brErr == nil
		} else {
			signer = a.checkCMS(&s, sf, sd, data, brErr == nil, known, &vd)
			facts.sigTS = s.Timestamp != nil && s.Timestamp.Valid
			facts.cades = s.SubFilter == "ETSI.CAdES.detached"
		}
	}
	if brErr == nil {
		facts.rev = a.revisionOf(end)
		s.Changes = a.modifications(end)
		forbidden := false
		for _, c := range s.Changes {
			switch {
			case c.Permitted:
			case c.Kind == kindVisibleOverlay:
				// The signed bytes are intact and every object change may be allowed, but
				// the pages no longer show what was signed: not a failure of the signature,
				// a constraint on the document it is shown with that is not met.
				vd.indet(subVisibleOverlay, "visible change after signing (revision %d): %s", c.Revision, c.Detail)
				s.Reason = reasonVisibleOverlay
				s.ModifiedAfterSigning = true
			default:
				if !forbidden {
					vd.fail("FORMAT_FAILURE", "forbidden change after signing (revision %d): %s", c.Revision, c.Detail)
				}
				forbidden, s.ModifiedAfterSigning = true, true
			}
		}
	}
	if signer != nil {
		a.checkTrust(ctx, &s, sd, signer, facts, &vd)
	}
	switch {
	case vd.failed != "":
		s.Indication, s.SubIndication = TotalFailed, vd.failed
	case vd.indeterminate != "":
		s.Indication, s.SubIndication = Indeterminate, vd.indeterminate
	default:
		s.Indication = TotalPassed
	}
	s.Errors = vd.errs
	return s, facts
}

// byteRange validates /ByteRange against the exact span of this signature
// dictionary's /Contents hex string and returns the signed bytes and the
// offset where they end.
func (a *analysis) byteRange(sf sigField) ([][]byte, int, error) {
	br := a.final.Array(sf.dict.Get("ByteRange"))
	if len(br) != 4 {
		return nil, 0, fmt.Errorf("/ByteRange must have 4 numbers, has %d", len(br))
	}
	var n [4]int64
	for i, x := range br {
		v, ok := x.(int64)
		if !ok || v < 0 || v > int64(len(a.f.Bytes())) {
			return nil, 0, fmt.Errorf("/ByteRange entry %d is not a valid offset", i)
		}
		n[i] = v
	}
	size := int64(len(a.f.Bytes()))
	if n[0] != 0 || n[1] <= 0 || n[2] <= n[1] || n[2]+n[3] > size {
		return nil, 0, fmt.Errorf("/ByteRange [%d %d %d %d] is not two ordered ranges from the file start within its %d bytes", n[0], n[1], n[2], n[3], size)
	}
	// The span comes from the signature dictionary as the signed revision
	// has it: a later revision may redefine the dictionary (a spoofing attack
	// the revision diff reports), which must not make the original signed
	// bytes look broken.
	span, err := a.contentsSpan(a.final, sf.ref)
	if err != nil || int64(span[0]) != n[1] || int64(span[1]) != n[2] {
		if k := a.revisionOf(int(n[2] + n[3])); k >= 0 {
			if v, verr := a.view(k); verr == nil {
				if s2, err2 := a.contentsSpan(v, sf.ref); err2 == nil {
					span, err = s2, nil
				}
			}
		}
	}
	if err != nil || int64(span[0]) != n[1] || int64(span[1]) != n[2] {
		// The field may now point at a different dictionary that copied the
		// ByteRange; accept the dictionary that the signed revision holds
		// right before the gap (the diff then reports the replacement).
		if s2, ok := a.signedContentsAt(int(n[1]), int(n[2]+n[3])); ok {
			span, err = s2, nil
		}
	}
	if err != nil {
		return nil, 0, err
	}
	if int64(span[0]) != n[1] || int64(span[1]) != n[2] {
		return nil, 0, fmt.Errorf("/ByteRange gap %d..%d is not this signature's /Contents at %d..%d", n[1], n[2], span[0], span[1])
	}
	data := [][]byte{a.f.Bytes()[:n[1]], a.f.Bytes()[n[2] : n[2]+n[3]]}
	return data, int(n[2] + n[3]), nil
}

// signedContentsAt finds, in the revision ending at end, the signature
// dictionary whose /Contents value starts at gap.
func (a *analysis) signedContentsAt(gap, end int) ([2]int, bool) {
	k := a.revisionOf(end)
	if k < 0 {
		return [2]int{}, false
	}
	v, err := a.view(k)
	if err != nil {
		return [2]int{}, false
	}
	best := -1
	for _, e := range v.XRef {
		if e.Type == 1 && e.Offset < gap && e.Offset > best {
			best = e.Offset
		}
	}
	if best < 0 {
		return [2]int{}, false
	}
	o := a.f.ObjectAt(best)
	if o.Err != nil || o.Contents[0] != gap {
		return [2]int{}, false
	}
	if d, ok := o.Value.(pdf.Dict); !ok || (d.Get("Type") != pdf.Name("Sig") && d.Get("Type") != pdf.Name("DocTimeStamp") && d.Get("ByteRange") == nil) {
		return [2]int{}, false
	}
	return o.Contents, a.f.Bytes()[gap] == '<'
}

func (a *analysis) contentsSpan(v *view, ref pdf.Ref) ([2]int, error) {
	e, ok := v.XRef[ref.Num]
	if !ok || e.Type != 1 {
		return [2]int{}, errors.New("signature dictionary is not a plain indirect object")
	}
	o := a.f.ObjectAt(e.Offset)
	if o.Err != nil || o.Num != ref.Num || o.Contents[1] == 0 {
		return [2]int{}, errors.New("signature dictionary /Contents not found")
	}
	if a.f.Bytes()[o.Contents[0]] != '<' {
		return [2]int{}, errors.New("signature /Contents is not a hexadecimal string")
	}
	return o.Contents, nil
}

// checkCMS verifies a CMS signature over the signed bytes.
func (a *analysis) checkCMS(s *Signature, sf sigField, sd *signedData, data [][]byte, brOK bool, known []*x509.Certificate, vd *verdict) *x509.Certificate {
	s.SigningTime = sd.signingTime()
	if s.SigningTime == nil {
		s.SigningTime = pdfDate(sf.dict.Get("M"))
	}
	content := data
	switch {
	case s.SubFilter == "adbe.pkcs7.sha1":
		if !bytes.Equal(sd.eContent, digest(crypto.SHA1, data...)) {
			if brOK {
				vd.fail("HASH_FAILURE", "encapsulated SHA-1 does not match the signed bytes")
			}
		}
		content = [][]byte{sd.eContent}
	case sd.hasEContent:
		// A PDF signature's CMS is detached; content carried inside it, even empty, is
		// not the document that was shown to the signer.
		vd.fail("FORMAT_FAILURE", "CMS encapsulates content instead of signing the document bytes")
	}
	res := sd.verifyContent(content, known)
	if res.signer != nil {
		s.Signer = signerName(res.signer)
	}
	switch {
	case !brOK:
	case res.unsupported && !res.signatureOK:
		vd.indet("CRYPTO_CONSTRAINTS_FAILURE", "%v", res.err)
	case !res.digestOK && res.err != nil && strings.Contains(res.err.Error(), "message-digest"):
		vd.fail("HASH_FAILURE", "%v", res.err)
	case !res.signatureOK && len(sd.certs)+len(known) == 0:
		vd.indet("NO_SIGNING_CERTIFICATE_FOUND", "CMS carries no certificate to verify the signature with")
	case !res.signatureOK:
		vd.fail("SIG_CRYPTO_FAILURE", "signature value does not verify: %v", res.err)
	case res.nonDER:
		// RFC 5652 §5.4 signs the DER encoding of the signed attributes. Stored out of DER
		// order, they are not what a conforming signer signed: EU DSS reports such
		// signatures as not intact, and so do we, even when the value checks over the
		// stored bytes.
		vd.fail("SIG_CRYPTO_FAILURE", "signed attributes are not DER-encoded (RFC 5652 §5.4)")
	default:
		s.Intact = vd.failed == ""
	}
	if res.signatureOK && !res.signerFound {
		vd.indet("NO_SIGNING_CERTIFICATE_FOUND", "signing certificate is not the one named by the SignerIdentifier / signing-certificate attribute")
	}
	if sd.signerCount != 1 {
		vd.errs = append(vd.errs, fmt.Sprintf("CMS has %d SignerInfos; only the first is validated", sd.signerCount))
	}
	if res.signatureOK {
		s.Timestamp = sd.signatureTimestamp(append(known, sd.certs...))
		if s.Timestamp != nil && !s.Timestamp.Valid {
			vd.errs = append(vd.errs, "signature timestamp invalid: "+s.Timestamp.Error)
		}
		return res.signer
	}
	return nil
}

// checkDocTimestamp verifies an ETSI.RFC3161 document timestamp.
func (a *analysis) checkDocTimestamp(s *Signature, sd *signedData, data [][]byte, brOK bool, known []*x509.Certificate, vd *verdict) *x509.Certificate {
	ts := &Timestamp{Error: "not checked: the byte range is invalid"}
	if brOK {
		ts = checkTimestampTokenSD(sd, data, known)
	}
	s.Timestamp = ts
	if !brOK {
		return nil
	}
	t := ts.Time
	if !t.IsZero() {
		s.SigningTime = &t
	}
	s.Signer = ts.TSA
	switch {
	case !ts.ImprintOK:
		vd.fail("HASH_FAILURE", "document timestamp imprint does not match the signed bytes")
	case !ts.SignatureOK:
		vd.fail("SIG_CRYPTO_FAILURE", "timestamp token signature: %s", ts.Error)
	default:
		s.Intact = vd.failed == ""
	}
	if ts.SignatureOK {
		return ts.tsa
	}
	return nil
}

func signerName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

// pdfDate parses a PDF date string such as D:20240131120000+07'00'.
func pdfDate(x any) *time.Time {
	s, ok := x.(pdf.String)
	if !ok {
		return nil
	}
	str := strings.TrimPrefix(string(s), "D:")
	str = strings.ReplaceAll(str, "'", "")
	for _, layout := range []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405", "200601021504", "20060102"} {
		if t, err := time.Parse(layout, str); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

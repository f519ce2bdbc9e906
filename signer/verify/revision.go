package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"

	"github.com/vanthu/vanthu/signer/pdf"
)

// analysis holds the parsed file and the per-revision views and diffs that
// all signatures of the document share.
type analysis struct {
	ctx      context.Context
	f        *pdf.File
	certs    map[string]*x509.Certificate // parsed once for all revisions
	final    *view
	opts     Options
	bounds   []int // end offsets of the valid revisions, ascending
	trailing bool  // non-blank bytes follow the last valid revision
	views    map[int]*view
	viewErrs map[int]error
	diffs    map[[2]int][]Change // diff of revision j against i, keyed by {i, j}
	dss      dssStore
	certP    int                 // DocMDP P of the certification signature, 0 if none
	certRev  int                 // revision index of the certification signature
	docCerts []*x509.Certificate // certificates of every CMS in the document
	crls     crlCache
	revCache *Cache // online revocation answers; nil keeps none
}

func newAnalysis(ctx context.Context, b []byte, opts Options) (*analysis, error) {
	a := &analysis{ctx: ctx, f: pdf.NewFile(b), certs: map[string]*x509.Certificate{}, opts: opts, views: map[int]*view{},
		viewErrs: map[int]error{}, diffs: map[[2]int][]Change{}, certRev: -1, crls: crlCache{}}
	final, err := a.open(len(b))
	if err != nil {
		return nil, fmt.Errorf("pades: verify: %w", err)
	}
	a.final = final
	a.findRevisions()
	a.dss = readDSS(final)
	// Certificates from the DSS of earlier revisions remain candidates: a
	// later revision may rebuild the DSS without them.
	seen := map[*x509.Certificate]bool{}
	for _, c := range a.dss.all.certs {
		seen[c] = true
	}
	for k := range a.bounds {
		if v, err := a.view(k); err == nil {
			for _, c := range readDSS(v).all.certs {
				if !seen[c] {
					seen[c] = true
					a.docCerts = append(a.docCerts, c)
				}
			}
		}
	}
	a.findCertification()
	for _, sf := range findSignatures(final) {
		if c, ok := sf.dict.Get("Contents").(pdf.String); ok {
			if sd, err := parseSignedData([]byte(c)); err == nil {
				for _, c := range sd.certs {
					if !seen[c] {
						seen[c] = true
						a.docCerts = append(a.docCerts, c)
					}
				}
			}
		}
	}
	return a, nil
}

// findRevisions records where the incremental updates end and whether
// anything but white space follows the last one.
func (a *analysis) findRevisions() {
	prev := 0
	for _, r := range a.f.Revisions() {
		a.bounds = append(a.bounds, r.End)
		prev = r.End
	}
	a.trailing = len(bytes.TrimSpace(a.f.Bytes()[prev:])) > 0
}

// revisionOf returns the index of the revision that ends at end (ignoring
// whitespace after %%EOF), or -1.
func (a *analysis) revisionOf(end int) int {
	if end <= 0 || end > len(a.f.Bytes()) {
		return -1
	}
	signed := bytes.TrimRight(a.f.Bytes()[:end], " \t\r\n\f\x00")
	if !bytes.HasSuffix(signed, []byte("%%EOF")) {
		return -1
	}
	for k, e := range a.bounds {
		if len(bytes.TrimRight(a.f.Bytes()[:e], " \t\r\n\f\x00")) == len(signed) {
			return k
		}
	}
	return -1
}

func (a *analysis) view(k int) (*view, error) {
	if v, ok := a.views[k]; ok {
		return v, a.viewErrs[k]
	}
	end := len(a.f.Bytes())
	if k < len(a.bounds) {
		end = a.bounds[k]
	}
	v, err := a.open(end)
	a.views[k], a.viewErrs[k] = v, err
	return v, err
}

// view is the document as a reader sees it at the end of one revision.
type view struct {
	*pdf.Doc
	certs map[string]*x509.Certificate
}

func (a *analysis) open(end int) (*view, error) {
	doc, err := a.f.Open(end)
	return &view{Doc: doc, certs: a.certs}, err
}

// cert parses a certificate once per file: every revision's DSS and every
// CMS tends to repeat the same few certificates.
func (v *view) cert(der []byte) (*x509.Certificate, error) {
	if c, ok := v.certs[string(der)]; ok {
		return c, nil
	}
	c, err := parseCert(der)
	if err == nil {
		v.certs[string(der)] = c
	}
	return c, err
}

// diff returns the changes revision k made to revision i. Index
// len(bounds) stands for whatever follows the last valid revision.
func (a *analysis) diff(i, k int) []Change {
	if c, ok := a.diffs[[2]int{i, k}]; ok {
		return c
	}
	var out []Change
	old, errOld := a.view(i)
	cur, errCur := a.view(k)
	switch {
	case errCur != nil:
		out = []Change{{Kind: kindInvalidRevision, Detail: fmt.Sprintf("revision cannot be read: %v", errCur)}}
	case errOld != nil:
		out = []Change{{Kind: kindInvalidRevision, Detail: fmt.Sprintf("previous revision cannot be read: %v", errOld)}}
	default:
		out = diffRevisions(a.ctx, old, cur)
	}
	if k == len(a.bounds) {
		out = append(out, Change{Kind: kindTrailingBytes, Detail: "bytes after the last %%EOF do not form a valid revision"})
	}
	for n := range out {
		out[n].Revision = k + 1
	}
	a.diffs[[2]int{i, k}] = out
	return out
}

// modifications lists the changes made after the revision that ends at end,
// with their permission under the document's certification level.
func (a *analysis) modifications(end int) []Change {
	k := a.revisionOf(end)
	var out []Change
	if k < 0 {
		out = append(out, Change{Kind: kindByteRangeEnd, Revision: 0,
			Detail: "signed bytes do not end at the end of a revision (%%EOF)"})
		return out
	}
	last := len(a.bounds) - 1
	if a.trailing {
		last = len(a.bounds)
	}
	if last-k > maxRevisions {
		return append(out, Change{Kind: kindAnalysisLimit, Revision: k + 2,
			Detail: fmt.Sprintf("%d later revisions exceed the analysis limit of %d", last-k, maxRevisions)})
	}
	prev := k
	for j := k + 1; j <= last; j++ {
		if a.ctx.Err() != nil {
			out = append(out, Change{Kind: kindAnalysisLimit, Revision: j + 1, Detail: "validation deadline reached"})
			break
		}
		// An intermediate revision whose xref is broken is never what a
		// reader shows (the next revision's xref supersedes it), so it is
		// folded into the next one; only a broken final revision counts.
		if v, err := a.view(j); j < last && (err != nil || v.Repaired) {
			continue
		}
		i := prev
		prev = j
		for _, c := range a.diff(i, j) {
			p := 0
			if a.certRev >= 0 && j > a.certRev {
				p = a.certP
			}
			c.Permitted = permitted(c.Kind, p)
			out = append(out, c)
		}
	}
	return out
}

// findCertification finds a DocMDP certification signature (catalog /Perms
// or a signature reference with TransformMethod DocMDP) and its P value.
func (a *analysis) findCertification() {
	v := a.final
	root := v.Catalog()
	var sig pdf.Dict
	if perms := v.Dict(root.Get("Perms")); perms != nil {
		sig = v.Dict(perms.Get("DocMDP"))
	}
	if sig == nil {
		for _, sf := range findSignatures(v) {
			if docMDP(v, sf.dict) > 0 {
				sig = sf.dict
				break
			}
		}
	}
	if sig == nil {
		return
	}
	a.certP = docMDP(v, sig)
	if a.certP == 0 {
		a.certP = 2
	}
	if br := v.Array(sig.Get("ByteRange")); len(br) == 4 {
		c, _ := br[2].(int64)
		d, _ := br[3].(int64)
		a.certRev = a.revisionOf(int(c + d))
	}
	if a.certRev < 0 {
		a.certRev = 0
	}
}

// docMDP returns the P of a DocMDP transform reference in a signature
// dictionary (2 when P is absent), or 0 when there is none.
func docMDP(v *view, sig pdf.Dict) int {
	for _, r := range v.Array(sig.Get("Reference")) {
		rd := v.Dict(r)
		if rd.Get("TransformMethod") != pdf.Name("DocMDP") {
			continue
		}
		p, ok := v.Dict(rd.Get("TransformParams")).Get("P").(int64)
		if !ok || p < 1 || p > 3 {
			return 2
		}
		return int(p)
	}
	return 0
}

package pades

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/digitorus/pkcs7"
	"golang.org/x/crypto/ocsp"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Extend raises every signature in a signed PDF (whoever made it) to
// B-LT by appending a /DSS with certificates and revocation data, and to
// B-LTA by appending a document timestamp after that. B-T cannot be
// reached afterwards: a signature timestamp lives inside the CMS, which
// cannot change without breaking the signature.
func Extend(ctx context.Context, signed []byte, to Level, opts ExtendOptions) ([]byte, error) {
	u, err := dssUpdate(ctx, signed, to, opts)
	if err != nil {
		return nil, err
	}
	out := u.bytes()
	if to == LevelBLT {
		return out, nil
	}
	return AddDocumentTimestamp(ctx, out, opts)
}

// ExtendTo is Extend writing the extended file to w. For B-LT the signed bytes
// and the /DSS update are written as they are, without a copy of the file in
// memory; B-LTA extends in memory, then writes. Nothing is written when the
// validation data cannot be had, so a caller may then write the signed file
// alone. It returns the number of bytes written.
func ExtendTo(ctx context.Context, w io.Writer, signed []byte, to Level, opts ExtendOptions) (int64, error) {
	if to != LevelBLT {
		out, err := Extend(ctx, signed, to, opts)
		if err != nil {
			return 0, err
		}
		return writeAll(w, out)
	}
	u, err := dssUpdate(ctx, signed, to, opts)
	if err != nil {
		return 0, err
	}
	e := u.encode()
	var written int64
	for _, part := range [][]byte{signed, e.head, e.tail} {
		n, err := writeAll(w, part)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

func writeAll(w io.Writer, b []byte) (int64, error) {
	n, err := w.Write(b)
	if err != nil {
		return int64(n), fmt.Errorf("pades: write the extended PDF: %w", err)
	}
	return int64(n), nil
}

// dssUpdate checks Extend's arguments and builds the update that adds the /DSS.
func dssUpdate(ctx context.Context, signed []byte, to Level, opts ExtendOptions) (*update, error) {
	if to != LevelBLT && to != LevelBLTA {
		return nil, fmt.Errorf("pades: Extend can raise signatures to B-LT or B-LTA, not %v", to)
	}
	if opts.Revocation == nil {
		return nil, errors.New("pades: Extend needs a RevocationSource")
	}
	if to == LevelBLTA && opts.Timestamper == nil {
		return nil, errors.New("pades: B-LTA needs a Timestamper")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pades: extend: %w", err)
	}
	doc, err := openDocument(signed)
	if err != nil {
		return nil, err
	}
	return addDSS(ctx, doc, opts)
}

// AddDocumentTimestamp appends a document timestamp (/Type /DocTimeStamp,
// /SubFilter /ETSI.RFC3161) covering the whole document so far.
func AddDocumentTimestamp(ctx context.Context, signed []byte, opts ExtendOptions) ([]byte, error) {
	if opts.Timestamper == nil {
		return nil, errors.New("pades: a document timestamp needs a Timestamper")
	}
	h := opts.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	if _, err := hashOID(h); err != nil {
		return nil, err
	}
	doc, err := openDocument(signed)
	if err != nil {
		return nil, err
	}
	s := signing{
		hash: h, reserve: timestampSpace, retry: true,
		prepare: func(reserve int) (*preparedField, error) {
			return addSignatureField(doc, signatureField{
				fieldName: "DocTimeStamp", contents: reserve, docTimestamp: true,
				sigDict: pdf.Dict{{Key: "Type", Value: pdf.Name("DocTimeStamp")}, {Key: "Filter", Value: pdf.Name("Adobe.PPKLite")}, {Key: "SubFilter", Value: pdf.Name("ETSI.RFC3161")}},
			})
		},
		produce: func(ctx context.Context, digest []byte) ([]byte, error) {
			return requestTimestamp(ctx, opts.Timestamper, digest, h)
		},
	}
	return s.bytes(ctx, signed)
}

// errUnreadableCMS marks a signature whose /Contents is not a usable CMS.
var errUnreadableCMS = errors.New("unreadable CMS")

// dss accumulates the new /DSS contents of one update.
type dss struct {
	doc    *pdf.Doc
	u      *update
	opts   ExtendOptions
	old    pdf.Dict
	certs  map[string]pdf.Ref
	ocsps  map[string]pdf.Ref
	crls   map[string]pdf.Ref
	lists  map[pdf.Name]pdf.Array // Certs, OCSPs, CRLs: old refs plus new ones
	vri    pdf.Dict
	oldVRI pdf.Dict
	done   map[pdf.Name]bool   // VRI keys written in this update
	revs   map[string]vriEntry // revocation data already fetched, by certificate
}

// addDSS writes one update with a new /DSS (old entries kept) holding
// validation data and a /VRI entry for every signature that lacks one.
func addDSS(ctx context.Context, doc *pdf.Doc, opts ExtendOptions) (*update, error) {
	rootRef := doc.Trailer.Get("Root").(pdf.Ref)
	catalog, form, err := readCatalog(doc)
	if err != nil {
		return nil, err
	}
	if len(form.signatures) == 0 {
		return nil, errors.New("pades: the document has no signatures to extend")
	}
	d := &dss{doc: doc, u: newUpdate(doc), opts: opts,
		certs: map[string]pdf.Ref{}, ocsps: map[string]pdf.Ref{}, crls: map[string]pdf.Ref{}, lists: map[pdf.Name]pdf.Array{},
		done: map[pdf.Name]bool{}, revs: map[string]vriEntry{}}
	if err := d.loadExisting(catalog); err != nil {
		return nil, err
	}
	// A foreign signature whose CMS cannot be read gets no validation data
	// but must not block extending the others; network failures do block.
	var unreadable []error
	for _, sig := range form.signatures {
		err := d.addSignature(ctx, sig)
		if errors.Is(err, errUnreadableCMS) {
			unreadable = append(unreadable, err)
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	if len(unreadable) == len(form.signatures) {
		return nil, fmt.Errorf("pades: no signature in the document could be read: %w", errors.Join(unreadable...))
	}
	// Start from the old /DSS so keys this package does not know survive.
	dssDict := d.old.With("Type", pdf.Name("DSS"))
	for _, k := range []pdf.Name{"Certs", "OCSPs", "CRLs"} {
		if len(d.lists[k]) > 0 {
			dssDict = dssDict.With(k, d.lists[k])
		}
	}
	vri := append(append(pdf.Dict{}, d.oldVRI...), d.vri...)
	if len(vri) > 0 {
		dssDict = dssDict.With("VRI", vri)
	}
	dssNum := d.u.AddObject(nil)
	d.u.set(dssNum, dssDict)
	d.u.set(rootRef.Num, catalog.With("DSS", pdf.Ref{Num: dssNum}))
	return d.u, nil
}

// loadExisting keeps what an earlier /DSS already holds.
func (d *dss) loadExisting(catalog pdf.Dict) error {
	old, err := d.doc.Resolve(catalog.Get("DSS"))
	if err != nil {
		return fmt.Errorf("pades: read /DSS: %w", err)
	}
	d.old, _ = old.(pdf.Dict)
	for _, k := range []pdf.Name{"Certs", "OCSPs", "CRLs"} {
		v, err := d.doc.Resolve(d.old.Get(k))
		if err != nil {
			return fmt.Errorf("pades: read /DSS /%s: %w", k, err)
		}
		arr, _ := v.(pdf.Array)
		d.lists[k] = append(pdf.Array{}, arr...)
		seen := map[pdf.Name]map[string]pdf.Ref{"Certs": d.certs, "OCSPs": d.ocsps, "CRLs": d.crls}[k]
		for _, item := range arr {
			r, ok := item.(pdf.Ref)
			if !ok {
				continue
			}
			if data, err := d.streamBytes(r); err == nil {
				seen[string(data)] = r
			}
		}
	}
	vri, err := d.doc.Resolve(d.old.Get("VRI"))
	if err != nil {
		return fmt.Errorf("pades: read /DSS /VRI: %w", err)
	}
	d.oldVRI, _ = vri.(pdf.Dict)
	return nil
}

func (d *dss) streamBytes(r pdf.Ref) ([]byte, error) {
	v, err := d.doc.Resolve(r)
	if err != nil {
		return nil, err
	}
	s, ok := v.(pdf.Stream)
	if !ok {
		return nil, errors.New("not a stream")
	}
	return d.doc.Decode(s)
}

// addSignature gathers chains and revocation data for one signature (and
// the TSA of its signature timestamp) and records its /VRI entry.
func (d *dss) addSignature(ctx context.Context, sig pdf.Dict) error {
	contents, ok := sig.Get("Contents").(pdf.String)
	if !ok || len(contents) == 0 {
		return fmt.Errorf("pades: a signature has no /Contents: %w", errUnreadableCMS)
	}
	key := vriKey([]byte(contents))
	if d.oldVRI.Get(key) != nil || d.done[key] {
		return nil
	}
	d.done[key] = true
	cmsDER, err := trimDER([]byte(contents))
	if err != nil {
		// Indefinite-length BER from other signers: let pkcs7 convert it.
		cmsDER = []byte(contents)
	}
	var ve vriEntry
	tokens, err := d.addCMS(ctx, cmsDER, &ve)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		_, err := d.addCMS(ctx, t, &ve)
		if err != nil && !errors.Is(err, errUnreadableCMS) {
			return fmt.Errorf("pades: signature timestamp: %w", err)
		}
	}
	d.vri = append(d.vri, pdf.Entry{Key: key, Value: ve.dict()})
	return nil
}

type vriEntry struct{ certs, ocsps, crls pdf.Array }

// merge adds o's references to e, each at most once.
func (e *vriEntry) merge(o vriEntry) {
	e.certs = appendUnique(e.certs, o.certs...)
	e.ocsps = appendUnique(e.ocsps, o.ocsps...)
	e.crls = appendUnique(e.crls, o.crls...)
}

func appendUnique(a pdf.Array, items ...any) pdf.Array {
	for _, it := range items {
		dup := false
		for _, have := range a {
			if have == it {
				dup = true
				break
			}
		}
		if !dup {
			a = append(a, it)
		}
	}
	return a
}

func (e vriEntry) dict() pdf.Dict {
	d := pdf.Dict{}
	for _, kv := range []struct {
		k pdf.Name
		v pdf.Array
	}{{"Cert", e.certs}, {"OCSP", e.ocsps}, {"CRL", e.crls}} {
		if len(kv.v) > 0 {
			d = append(d, pdf.Entry{Key: kv.k, Value: kv.v})
		}
	}
	return d
}

// addCMS adds the signer's chain and its revocation data; it returns any
// signature timestamp tokens found in the unsigned attributes.
func (d *dss) addCMS(ctx context.Context, der []byte, e *vriEntry) ([][]byte, error) {
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("pades: parse CMS: %w: %w", errUnreadableCMS, err)
	}
	if len(p7.Signers) == 0 {
		return nil, fmt.Errorf("pades: CMS has no signer: %w", errUnreadableCMS)
	}
	pool := append(append([]*x509.Certificate{}, p7.Certificates...), d.opts.Certificates...)
	var tokens [][]byte
	found := false
	for _, si := range p7.Signers {
		signer := findCert(pool, si.IssuerAndSerialNumber.IssuerName.FullBytes, si.IssuerAndSerialNumber.SerialNumber)
		if signer == nil {
			continue
		}
		found = true
		chain := buildChain(signer, pool)
		for i, c := range chain {
			e.certs = appendUnique(e.certs, d.addItem("Certs", d.certs, c.Raw))
			if i+1 < len(chain) {
				if err := d.addRevocation(ctx, c, chain[i+1], e); err != nil {
					return nil, err
				}
			}
		}
		for _, a := range si.UnauthenticatedAttributes {
			if a.Type.Equal(oidAttrTimeStampToken) {
				tokens = append(tokens, a.Value.Bytes)
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("pades: signer certificate not found in CMS: %w", errUnreadableCMS)
	}
	return tokens, nil
}

// addRevocation prefers OCSP and falls back to a CRL; B-LT is not
// reachable without one of them, so both failing is an error.
func (d *dss) addRevocation(ctx context.Context, cert, issuer *x509.Certificate, e *vriEntry) error {
	if cached, ok := d.revs[string(cert.Raw)]; ok {
		e.merge(cached)
		return nil
	}
	var got vriEntry
	if err := d.fetchRevocation(ctx, cert, issuer, &got); err != nil {
		return err
	}
	d.revs[string(cert.Raw)] = got
	e.merge(got)
	return nil
}

func (d *dss) fetchRevocation(ctx context.Context, cert, issuer *x509.Certificate, e *vriEntry) error {
	resp, ocspErr := d.opts.Revocation.OCSP(ctx, cert, issuer)
	if ocspErr == nil && len(resp) > 0 {
		e.ocsps = append(e.ocsps, d.addItem("OCSPs", d.ocsps, resp))
		// The responder certificate is needed to validate the response later.
		if r, err := ocsp.ParseResponseForCert(resp, cert, issuer); err == nil && r.Certificate != nil {
			e.certs = append(e.certs, d.addItem("Certs", d.certs, r.Certificate.Raw))
		}
		return nil
	}
	crl, crlErr := d.opts.Revocation.CRL(ctx, cert)
	if crlErr == nil && len(crl) > 0 {
		e.crls = append(e.crls, d.addItem("CRLs", d.crls, crl))
		return nil
	}
	return fmt.Errorf("pades: no revocation data for %q: OCSP: %v; CRL: %w", cert.Subject.CommonName, ocspErr, crlErr)
}

// addItem stores data once as a stream and returns its reference.
func (d *dss) addItem(list pdf.Name, seen map[string]pdf.Ref, data []byte) pdf.Ref {
	if r, ok := seen[string(data)]; ok {
		return r
	}
	r := pdf.Ref{Num: d.u.addStream(pdf.Dict{}, data)}
	seen[string(data)] = r
	d.lists[list] = append(d.lists[list], r)
	return r
}

// findCert returns the certificate with the given issuer and serial.
func findCert(pool []*x509.Certificate, issuer []byte, serial *big.Int) *x509.Certificate {
	for _, c := range pool {
		if serial != nil && c.SerialNumber.Cmp(serial) == 0 && bytes.Equal(c.RawIssuer, issuer) {
			return c
		}
	}
	return nil
}

// buildChain follows issuers from leaf through pool until a self-signed
// certificate or a missing issuer. Signatures are checked so that a name
// collision cannot slip a wrong certificate into the chain.
func buildChain(leaf *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	chain := []*x509.Certificate{leaf}
	for c := leaf; len(chain) < 16; {
		if bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil {
			break
		}
		var next *x509.Certificate
		for _, cand := range pool {
			if bytes.Equal(cand.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(cand) == nil {
				next = cand
				break
			}
		}
		if next == nil || next.Equal(c) {
			break
		}
		chain = append(chain, next)
		c = next
	}
	return chain
}

// trimDER returns the DER object at the start of b, dropping the zero
// padding that fills the rest of /Contents.
func trimDER(b []byte) ([]byte, error) {
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	return raw.FullBytes, nil
}

// vriKey is the /VRI key of a signature: the upper-case hex SHA-1 of the
// bytes of its /Contents string (EN 319 142-1 5.4.2.2).
func vriKey(contents []byte) pdf.Name {
	sum := sha1.Sum(contents)
	return pdf.Name(strings.ToUpper(hex.EncodeToString(sum[:])))
}

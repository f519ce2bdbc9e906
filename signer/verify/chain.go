package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Cert is one certificate of the validated chain, signer first.
type Cert struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
}

// Revocation summarises the revocation status of the chain.
type Revocation struct {
	Status string `json:"status"` // good | revoked | unknown
	// Sources lists where each checked certificate's status came from:
	// "OCSP (dss)", "CRL (cms)", "OCSP (online)" ...
	Sources   []string   `json:"sources,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	Detail    string     `json:"detail,omitempty"`
	// InDSS is true when every checked certificate's revocation data is in
	// the document security store, as PAdES-BASELINE-LT requires.
	InDSS bool `json:"in_dss"`
}

func describe(c *x509.Certificate) Cert {
	if len(c.Raw) == 0 {
		return describeNow(c)
	}
	key := sha256.Sum256(c.Raw)
	if d, ok := descriptions.get(key); ok {
		return d
	}
	d := describeNow(c)
	descriptions.put(key, d)
	return d
}

// descriptions remembers describe's answers by certificate: writing out
// names (pkix.Name.String) costs more than hashing the certificate.
var descriptions = newLRU[[sha256.Size]byte, Cert](DefaultCacheSize)

func describeNow(c *x509.Certificate) Cert {
	serial := ""
	if c.SerialNumber != nil {
		serial = c.SerialNumber.Text(16)
	}
	return Cert{Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: serial,
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC()}
}

var (
	errNoChain  = errors.New("no chain to a trusted root")
	errExpired  = errors.New("certificate outside its validity period at the validation time")
	errNotValid = errors.New("certificate not yet valid at the validation time")
)

// buildChain finds a path from leaf to one of the roots, valid at time at.
func buildChain(leaf *x509.Certificate, known []*x509.Certificate, opts Options, at time.Time) ([]*x509.Certificate, error) {
	// Version 0 marks a certificate only partly parsed by parseCert; it can
	// identify a key but never take part in a trusted path.
	if opts.Roots == nil || leaf.Version == 0 {
		return nil, errNoChain
	}
	for _, chain := range opts.Cache.chains(leaf) {
		if chainUsable(chain, known, opts, at) {
			return chain, nil
		}
	}
	inter := x509.NewCertPool()
	if opts.Intermediates != nil {
		inter = opts.Intermediates.Clone()
	}
	for _, c := range known {
		if c.Version != 0 {
			inter.AddCert(c)
		}
	}
	vo := x509.VerifyOptions{Roots: opts.Roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	chains, err := leaf.Verify(vo)
	if err == nil && len(chains) > 0 {
		opts.Cache.addChain(chains[0])
		return chains[0], nil
	}
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) && inv.Reason == x509.Expired {
		// Go checks validity dates before it looks for an issuer; only call
		// it a validity problem when a path exists inside the validity period.
		vo.CurrentTime = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
		if _, err2 := leaf.Verify(vo); err2 != nil {
			var inv2 x509.CertificateInvalidError
			if !errors.As(err2, &inv2) || inv2.Reason != x509.Expired {
				return nil, fmt.Errorf("%w: %v", errNoChain, err2)
			}
		}
		if at.Before(leaf.NotBefore) {
			return nil, fmt.Errorf("%w: %v", errNotValid, err)
		}
		return nil, fmt.Errorf("%w: %v", errExpired, err)
	}
	return nil, fmt.Errorf("%w: %v", errNoChain, err)
}

// chainUsable tells whether a path crypto/x509 verified earlier is one it
// would accept in this verification: every certificate valid at at, the
// root one of opts.Roots, each intermediate one the path builder is given.
// The signatures along the path, the costly part, need no new check.
func chainUsable(chain, known []*x509.Certificate, opts Options, at time.Time) bool {
	for _, c := range chain {
		if at.Before(c.NotBefore) || at.After(c.NotAfter) {
			return false
		}
	}
	if !inPool(chain[len(chain)-1], opts.Roots, at) {
		return false
	}
	for _, c := range chain[1:max(1, len(chain)-1)] {
		if !inPath(known, c) && !inPool(c, opts.Intermediates, at) && !inPool(c, opts.Roots, at) {
			return false
		}
	}
	return true
}

// inPool tells whether pool holds c itself. CertPool has no lookup, but
// Verify answers [[c]] at once, checking no signature, when c is one of its
// roots; any other answer means c is not in the pool.
func inPool(c *x509.Certificate, pool *x509.CertPool, at time.Time) bool {
	if pool == nil {
		return false
	}
	chains, err := c.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err == nil && len(chains) == 1 && len(chains[0]) == 1 && chains[0][0].Equal(c)
}

type certStatus struct {
	revoked   bool
	revokedAt time.Time
	source    string
	fromDSS   bool
	// thisUpdate and nextUpdate bound when the answer is current.
	thisUpdate, nextUpdate time.Time
}

func (s certStatus) currentAt(now time.Time) bool {
	return !s.nextUpdate.IsZero() && !now.Before(s.thisUpdate) && now.Before(s.nextUpdate)
}

// checkRevocation determines the status of every non-root certificate in
// chain from embedded data first, then from the online source.
func checkRevocation(ctx context.Context, chain []*x509.Certificate, dss, embedded evidence, known []*x509.Certificate, src RevocationSource, crls crlCache, cache *Cache, now time.Time) (Revocation, []certStatus) {
	rev := Revocation{Status: "good", InDSS: true}
	var out []certStatus
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		st, ok := statusFrom(cert, issuer, dss, known, crls)
		if ok {
			st.fromDSS = true
			st.source += " (dss)"
		} else {
			rev.InDSS = false
			if st, ok = statusFrom(cert, issuer, embedded, known, crls); ok {
				st.source += " (cms)"
			}
		}
		if !ok && src != nil {
			if st, ok = cache.revocation(cert, issuer, now); !ok {
				if st, ok = online(ctx, cert, issuer, src, known, crls); ok {
					cache.addRevocation(cert, issuer, st, now)
				}
			}
		}
		if !ok {
			rev.Status = "unknown"
			rev.Detail = "no revocation data for " + describe(cert).Subject // the name written once per certificate
			out = append(out, certStatus{})
			continue
		}
		rev.Sources = append(rev.Sources, st.source)
		if st.revoked && rev.Status != "unknown" {
			rev.Status = "revoked"
			t := st.revokedAt
			if rev.RevokedAt == nil || t.Before(*rev.RevokedAt) {
				rev.RevokedAt = &t
			}
			rev.Detail = describe(cert).Subject + " revoked at " + t.Format(time.RFC3339)
		}
		out = append(out, st)
	}
	if len(chain) < 2 {
		rev.InDSS = false
	}
	return rev, out
}

func online(ctx context.Context, cert, issuer *x509.Certificate, src RevocationSource, known []*x509.Certificate, crls crlCache) (certStatus, bool) {
	if b, err := src.OCSP(ctx, cert, issuer); err == nil && len(b) > 0 {
		if st, ok := ocspStatus(b, cert, issuer, known); ok {
			st.source = "OCSP (online)"
			return st, true
		}
	}
	if b, err := src.CRL(ctx, cert); err == nil && len(b) > 0 {
		if st, ok := crlStatus(b, cert, issuer, crls); ok {
			st.source = "CRL (online)"
			return st, true
		}
	}
	return certStatus{}, false
}

func statusFrom(cert, issuer *x509.Certificate, e evidence, known []*x509.Certificate, crls crlCache) (certStatus, bool) {
	for _, b := range e.ocsps {
		if st, ok := ocspStatus(b, cert, issuer, known); ok {
			st.source = "OCSP"
			return st, true
		}
	}
	for _, b := range e.crls {
		if st, ok := crlStatus(b, cert, issuer, crls); ok {
			st.source = "CRL"
			return st, true
		}
	}
	return certStatus{}, false
}

// ocspStatus accepts a response only when it is signed by the issuer or by
// a responder certificate the issuer issued.
func ocspStatus(b []byte, cert, issuer *x509.Certificate, known []*x509.Certificate) (certStatus, bool) {
	resp, err := ocsp.ParseResponseForCert(b, cert, nil)
	if err != nil || resp.SerialNumber == nil || resp.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return certStatus{}, false
	}
	if !ocspSignedFor(resp, issuer, known) {
		return certStatus{}, false
	}
	switch resp.Status {
	case ocsp.Good:
		return certStatus{thisUpdate: resp.ThisUpdate, nextUpdate: resp.NextUpdate}, true
	case ocsp.Revoked:
		return certStatus{revoked: true, revokedAt: resp.RevokedAt, thisUpdate: resp.ThisUpdate, nextUpdate: resp.NextUpdate}, true
	}
	return certStatus{}, false
}

func ocspSignedFor(resp *ocsp.Response, issuer *x509.Certificate, known []*x509.Certificate) bool {
	candidates := []*x509.Certificate{issuer}
	if resp.Certificate != nil {
		candidates = append(candidates, resp.Certificate)
	}
	candidates = append(candidates, known...)
	for _, c := range candidates {
		if resp.CheckSignatureFrom(c) != nil {
			continue
		}
		if c.Equal(issuer) {
			return true
		}
		// Delegated responder: issued by the same CA for OCSP signing.
		if bytes.Equal(c.RawIssuer, issuer.RawSubject) && c.CheckSignatureFrom(issuer) == nil {
			return true
		}
	}
	return false
}

// crlCache holds parsed CRLs by DER: the same large CRL is consulted for
// every signature and every certificate of a document.
type crlCache map[string]*x509.RevocationList

func (c crlCache) parse(b []byte) *x509.RevocationList {
	if crl, ok := c[string(b)]; ok {
		return crl
	}
	crl, err := x509.ParseRevocationList(b)
	if err != nil {
		crl = nil
	}
	c[string(b)] = crl
	return crl
}

func crlStatus(b []byte, cert, issuer *x509.Certificate, crls crlCache) (certStatus, bool) {
	crl := crls.parse(b)
	if crl == nil || !bytes.Equal(crl.RawIssuer, cert.RawIssuer) {
		return certStatus{}, false
	}
	if crl.CheckSignatureFrom(issuer) != nil {
		return certStatus{}, false
	}
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber != nil && e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			return certStatus{revoked: true, revokedAt: e.RevocationTime, thisUpdate: crl.ThisUpdate, nextUpdate: crl.NextUpdate}, true
		}
	}
	return certStatus{thisUpdate: crl.ThisUpdate, nextUpdate: crl.NextUpdate}, true
}

package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// checkTrust builds the chain at the best proof-of-existence time and checks
// revocation of every certificate on it.
func (a *analysis) checkTrust(ctx context.Context, s *Signature, sd *signedData, signer *x509.Certificate, facts *sigFacts, vd *verdict) {
	known := append(append([]*x509.Certificate{}, sd.certs...), a.dss.all.certs...)
	if s.Timestamp != nil && s.Timestamp.sd != nil {
		known = append(known, s.Timestamp.sd.certs...)
	}
	// Best proof of existence: a valid timestamp proves the signature (or, for
	// a document timestamp, the token) existed at its time; otherwise now.
	at, poe := a.opts.Now(), false
	if ts := s.Timestamp; ts != nil && ts.Valid && ts.tsa != nil {
		// Anyone can mint a well-formed token: its time counts as proof of
		// existence only when the TSA itself is trusted.
		if _, err := buildChain(ts.tsa, known, a.opts, ts.Time); err == nil {
			ts.Trusted = true
			at, poe = ts.Time, true
		} else if s.Type == "signature" {
			vd.errs = append(vd.errs, fmt.Sprintf("signature timestamp not used as proof of existence: TSA not trusted: %v", err))
		}
	}
	chain, err := buildChain(signer, known, a.opts, at)
	path := chain
	if err != nil {
		path = inferPath(signer, known)
	}
	for _, c := range path {
		s.Chain = append(s.Chain, describe(c))
	}
	switch {
	case errors.Is(err, errExpired):
		vd.indet("OUT_OF_BOUNDS_NO_POE", "%v", err)
	case errors.Is(err, errNotValid):
		vd.indet("NOT_YET_VALID", "%v", err)
	case err != nil:
		vd.indet("NO_CERTIFICATE_CHAIN_FOUND", "%v", err)
	}
	rev, _ := checkRevocation(ctx, path, a.dss.all, cmsEvidence(sd), known, a.opts.Revocation, a.crls, a.revCache, a.opts.Now())
	if len(path) < 2 && !selfIssued(signer) {
		rev = Revocation{Status: "unknown", Detail: "issuer certificate not found"}
	}
	s.Revocation = rev
	facts.revInDSS = rev.InDSS && rev.Status == "good"
	facts.chainInDS = certsInDSS(path, a.dss.all.certs)
	switch rev.Status {
	case "revoked":
		revokedAt := *rev.RevokedAt
		switch {
		case poe && at.Before(revokedAt):
			// The timestamp proves the signature predates the revocation.
		case poe:
			vd.fail("REVOKED", "%s; the signature timestamp %s is later", rev.Detail, at.Format(time.RFC3339))
		case s.SigningTime != nil && !s.SigningTime.Before(revokedAt):
			vd.fail("REVOKED", "%s, before the claimed signing time", rev.Detail)
		default:
			vd.indet("REVOKED_NO_POE", "%s and no timestamp proves the signature existed before", rev.Detail)
		}
	case "unknown":
		vd.indet("TRY_LATER", "revocation status unknown: %s", rev.Detail)
	}
}

func selfIssued(c *x509.Certificate) bool { return bytes.Equal(c.RawIssuer, c.RawSubject) }

// inferPath follows issuer names through the known certificates (checking
// each signature) so the report and the revocation check have a path even
// when it leads to no trusted root.
func inferPath(leaf *x509.Certificate, known []*x509.Certificate) []*x509.Certificate {
	path := []*x509.Certificate{leaf}
	cur := leaf
	for len(path) < 16 && !selfIssued(cur) {
		var next *x509.Certificate
		for _, c := range known {
			if bytes.Equal(c.RawSubject, cur.RawIssuer) && !inPath(path, c) && cur.CheckSignatureFrom(c) == nil {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		path = append(path, next)
		cur = next
	}
	return path
}

func inPath(path []*x509.Certificate, c *x509.Certificate) bool {
	for _, p := range path {
		if p.Equal(c) {
			return true
		}
	}
	return false
}

func certsInDSS(path, dss []*x509.Certificate) bool {
	if len(path) == 0 {
		return false
	}
	for _, c := range path[:max(1, len(path)-1)] {
		if !inPath(dss, c) {
			return false
		}
	}
	return true
}

// assignLevels sets each signature's baseline level from what it reached,
// including later document timestamps that cover it.
func assignLevels(a *analysis, sigs []Signature, facts []*sigFacts) {
	for i := range sigs {
		f := facts[i]
		if !sigs[i].Intact || sigs[i].Type != "signature" {
			continue
		}
		prefix := "PKCS7-"
		if f.cades {
			prefix = "PAdES-BASELINE-"
		}
		level := "B"
		coveredByDocTS, ltaTS := false, false
		for j := range sigs {
			if facts[j].docTS && f.rev >= 0 && facts[j].rev > f.rev {
				coveredByDocTS = true
				if v, err := a.view(facts[j].rev); err == nil && v.Catalog().Get("DSS") != nil {
					ltaTS = true
				}
			}
		}
		if f.sigTS || coveredByDocTS {
			level = "T"
			if f.revInDSS && f.chainInDS {
				level = "LT"
				if ltaTS {
					level = "LTA"
				}
			}
		}
		sigs[i].Level = prefix + level
	}
}

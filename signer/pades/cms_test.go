package pades

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"testing"
)

// The CMS parts are kept for the last signer only; a signature by another
// certificate, chain or algorithm must never get them.
func TestCMSPartsFollowTheSigner(t *testing.T) {
	p := newTestPKI(t)
	leader := &cmsSigner{signer: p.leaderKey, cert: p.leader, chain: []*x509.Certificate{p.root}, hash: crypto.SHA256}
	leaderPSS := &cmsSigner{signer: p.leaderKey, cert: p.leader, chain: []*x509.Certificate{p.root}, hash: crypto.SHA256, pss: true}
	leaderAlone := &cmsSigner{signer: p.leaderKey, cert: p.leader, hash: crypto.SHA256}
	agency := &cmsSigner{signer: p.agencyKey, cert: p.agency, chain: []*x509.Certificate{p.root}, hash: crypto.SHA384}
	for round := range 2 {
		for _, tc := range []struct {
			name  string
			s     *cmsSigner
			certs int
		}{{"leader", leader, 2}, {"leader PSS", leaderPSS, 2}, {"leader without chain", leaderAlone, 1}, {"agency", agency, 2}} {
			got, err := tc.s.parts()
			if err != nil {
				t.Fatal(err)
			}
			want, err := tc.s.newParts()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.sid, want.sid) || !bytes.Equal(got.sigAlg, want.sigAlg) || !bytes.Equal(got.digestAlg, want.digestAlg) ||
				!bytes.Equal(got.signingCert, want.signingCert) || len(got.certs) != tc.certs || got.opts.HashFunc() != tc.s.hash {
				t.Errorf("round %d, %s: the parts are another signer's", round, tc.name)
			}
		}
	}
	if bytes.Equal(must(leader.parts()).sigAlg, must(leaderPSS.parts()).sigAlg) {
		t.Error("PKCS #1 v1.5 and PSS signatures share an algorithm identifier")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

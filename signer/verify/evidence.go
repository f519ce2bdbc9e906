package verify

import (
	"crypto/x509"
	"encoding/asn1"
	"strings"

	"github.com/vanthu/vanthu/signer/pdf"
)

// evidence is validation material found in the document or the CMS:
// certificates, OCSP responses and CRLs.
type evidence struct {
	certs []*x509.Certificate
	ocsps [][]byte
	crls  [][]byte
}

func (e *evidence) merge(o evidence) {
	e.certs = append(e.certs, o.certs...)
	e.ocsps = append(e.ocsps, o.ocsps...)
	e.crls = append(e.crls, o.crls...)
}

// dssStore is the document security store (/DSS) of one revision.
type dssStore struct {
	all evidence
	vri map[string]evidence // keyed by upper-case hex SHA-1 of the signature's /Contents
}

func readDSS(v *view) dssStore {
	s := dssStore{vri: map[string]evidence{}}
	root := v.Catalog()
	if root == nil {
		return s
	}
	d := v.Dict(root.Get("DSS"))
	if d == nil {
		return s
	}
	s.all = readEvidence(v, d, "Certs", "OCSPs", "CRLs")
	for _, e := range v.Dict(d.Get("VRI")) {
		vd := v.Dict(e.Value)
		if vd == nil {
			continue
		}
		ev := readEvidence(v, vd, "Cert", "OCSP", "CRL")
		s.vri[strings.ToUpper(string(e.Key))] = ev
		s.all.merge(ev)
	}
	return s
}

func readEvidence(v *view, d pdf.Dict, certs, ocsps, crls pdf.Name) evidence {
	var e evidence
	for _, x := range streamsIn(v, d.Get(certs)) {
		if c, err := v.cert(x); err == nil {
			e.certs = append(e.certs, c)
		}
	}
	e.ocsps = streamsIn(v, d.Get(ocsps))
	e.crls = streamsIn(v, d.Get(crls))
	return e
}

func streamsIn(v *view, x any) [][]byte {
	var out [][]byte
	for _, item := range v.Array(x) {
		s, ok := v.Get(item).(pdf.Stream)
		if !ok {
			continue
		}
		if data, err := v.Decode(s); err == nil {
			out = append(out, data)
		}
	}
	return out
}

// cmsEvidence gathers what the CMS itself carries: its certificates, its
// revocationInfoChoices and the adbe-revocationInfoArchival signed attribute.
func cmsEvidence(sd *signedData) evidence {
	e := evidence{certs: sd.certs, ocsps: sd.ocsps, crls: sd.crls}
	v, n := attr(sd.signedAttrs, oidAttrAdbeRevocation)
	if n == 0 {
		return e
	}
	// RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRL,
	//   ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse, otherRevInfo [2] ... }
	for _, part := range elements(v.Bytes) {
		if part.Class != asn1.ClassContextSpecific {
			continue
		}
		for _, seq := range elements(part.Bytes) {
			for _, item := range elements(seq.Bytes) {
				switch part.Tag {
				case 0:
					e.crls = append(e.crls, item.FullBytes)
				case 1:
					e.ocsps = append(e.ocsps, item.FullBytes)
				}
			}
		}
	}
	return e
}

package pkidemo

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

// Attribute types used in demo subjects.
var (
	oidCountry     = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidCommonName  = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidOrg         = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrgUnit     = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidOrgIdentity = asn1.ObjectIdentifier{2, 5, 4, 97} // organizationIdentifier
)

type nameAttr struct {
	oid   asn1.ObjectIdentifier
	value string
}

// utf8Name encodes a subject with every DirectoryString as UTF8String.
// crypto/x509 would pick PrintableString for ASCII values and UTF8String
// only for others, mixing encodings; RFC 5280 §4.1.2.6 asks for
// UTF8String, and Vietnamese names need it. The country stays a
// PrintableString as X.520 requires.
func utf8Name(country string, attrs ...nameAttr) ([]byte, error) {
	var rdns pkix.RDNSequence
	if country != "" {
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{
			Type:  oidCountry,
			Value: asn1.RawValue{Tag: asn1.TagPrintableString, Bytes: []byte(country)},
		}})
	}
	for _, a := range attrs {
		if a.value == "" {
			continue
		}
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{
			Type:  a.oid,
			Value: asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(a.value)},
		}})
	}
	der, err := asn1.Marshal(rdns)
	if err != nil {
		return nil, fmt.Errorf("encode subject: %w", err)
	}
	return der, nil
}

package signer

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// NameField is one attribute of a distinguished name as text a person reads. Key says
// what it is: CN, O, OU, L, ST, C, STREET, SERIALNUMBER, T (title), EMAIL, ORGID
// (organizationIdentifier, 2.5.4.97), UID (0.9.2342.19200300.100.1.1), or for the UID of
// Vietnamese certificates, whose value is prefixed, MST (tax code), CCCD, CMND
// (citizen's identity card) or HC (passport); any other attribute keeps its OID.
type NameField struct {
	Key   string
	Value string
}

// Attributes Go's pkix.Name.String does not name: it writes them as OID=#hex (DER).
var nameKeys = map[string]string{
	"2.5.4.3": "CN", "2.5.4.5": "SERIALNUMBER", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "STREET",
	"2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.12": "T", "2.5.4.17": "POSTALCODE", "2.5.4.97": "ORGID",
	"0.9.2342.19200300.100.1.1": "UID", "1.2.840.113549.1.9.1": "EMAIL",
}

// The prefixes Vietnamese CAs put in the UID attribute ("MST:0101234567").
var uidPrefixes = []string{"MST", "CCCD", "CMND", "HC"}

// NameFields lists the attributes of n in the order of its certificate, decoded to text.
func NameFields(n pkix.Name) []NameField {
	var out []NameField
	for _, atv := range n.Names {
		out = append(out, field(atv.Type.String(), fmt.Sprint(atv.Value)))
	}
	return out
}

// ParseDN reads a distinguished name in the form pkix.Name.String writes (RFC 4514:
// "CN=Nguyễn Văn A,O=UBND tỉnh Hòa Bình,2.5.4.97=#1303..."), which is how subjects are
// stored, and returns its fields in that order, values decoded to text.
func ParseDN(dn string) ([]NameField, error) {
	var out []NameField
	for _, part := range splitUnescaped(dn, ",+") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		typ, raw, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("distinguished name: %q has no '='", part)
		}
		typ = strings.TrimSpace(typ)
		var value string
		if strings.HasPrefix(raw, "#") {
			v, err := derString(raw[1:])
			if err != nil {
				return nil, fmt.Errorf("distinguished name: %s: %w", typ, err)
			}
			value = v
		} else {
			value = unescape(raw)
		}
		oid := typ
		for o, k := range nameKeys {
			if strings.EqualFold(k, typ) {
				oid = o
			}
		}
		out = append(out, field(oid, value))
	}
	return out, nil
}

// DNField returns the value of the first field of dn with key ("" when it has none, or dn
// cannot be read).
func DNField(dn, key string) string {
	fields, _ := ParseDN(dn)
	for _, f := range fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

func field(oid, value string) NameField {
	key, ok := nameKeys[oid]
	if !ok {
		key = oid
	}
	if key == "UID" || key == "ORGID" {
		for _, p := range uidPrefixes {
			if rest, ok := strings.CutPrefix(value, p+":"); ok {
				return NameField{Key: p, Value: strings.TrimSpace(rest)}
			}
		}
	}
	return NameField{Key: key, Value: value}
}

// derString decodes the hex DER of a directory string.
func derString(h string) (string, error) {
	b, err := hex.DecodeString(h)
	if err != nil {
		return "", err
	}
	var v asn1.RawValue
	if rest, err := asn1.Unmarshal(b, &v); err != nil {
		return "", err
	} else if len(rest) > 0 {
		return "", errors.New("trailing data after the value")
	}
	if v.Class != asn1.ClassUniversal {
		return "", fmt.Errorf("value of class %d", v.Class)
	}
	switch v.Tag {
	case asn1.TagBMPString:
		if len(v.Bytes)%2 != 0 {
			return "", errors.New("odd-length BMPString")
		}
		u := make([]uint16, len(v.Bytes)/2)
		for i := range u {
			u[i] = uint16(v.Bytes[2*i])<<8 | uint16(v.Bytes[2*i+1])
		}
		return string(utf16.Decode(u)), nil
	case asn1.TagUTF8String, asn1.TagPrintableString, asn1.TagIA5String, asn1.TagT61String, 28 /* UniversalString, rare */ :
		return string(v.Bytes), nil
	}
	return "", fmt.Errorf("value of ASN.1 tag %d is not text", v.Tag)
}

// splitUnescaped splits s at the characters of seps that no backslash escapes.
func splitUnescaped(s, seps string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case strings.IndexByte(seps, s[i]) >= 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// unescape undoes RFC 4514 escapes: "\," and "\XX" (a hex byte of UTF-8).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if i+2 < len(s) {
			if x, err := hex.DecodeString(s[i+1 : i+3]); err == nil {
				b.Write(x)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i+1])
		i++
	}
	return b.String()
}

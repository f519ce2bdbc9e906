package main

import (
	"crypto/x509/pkix"
	"testing"
	"unicode/utf8"
)

// FuzzDNAttr: whatever an organisation's name holds — commas, plus signs, quotes,
// backslashes, leading spaces or '#' — the report reads back from the printed
// distinguished name exactly what the certificate says.
func FuzzDNAttr(f *testing.F) {
	for _, seed := range []string{"Ủy ban nhân dân tỉnh Hòa Bình", "Sở Tài chính, tỉnh Hòa Bình", ` #a+b"c\d<e>f;g `, ""} {
		f.Add(seed, "Nguyễn Văn A")
	}
	f.Fuzz(func(t *testing.T, org, cn string) {
		if !utf8.ValidString(org) || !utf8.ValidString(cn) || org == "" {
			t.Skip()
		}
		dn := pkix.Name{Country: []string{"VN"}, Organization: []string{org}, CommonName: cn}.String()
		if got := dnAttr(dn, "O"); got != org {
			t.Fatalf("dnAttr(%q, O) = %q, want %q", dn, got, org)
		}
		if got := dnAttr(dn, "CN"); got != cn {
			t.Fatalf("dnAttr(%q, CN) = %q, want %q", dn, got, cn)
		}
		_ = dnAttr(org, cn) // arbitrary input never panics
	})
}

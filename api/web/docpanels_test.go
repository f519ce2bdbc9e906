package web

import (
	"strings"
	"testing"
)

func TestDNFieldReadsEscapedValues(t *testing.T) {
	t.Parallel()
	dn := `CN=Nguyễn Văn Chiến,O=Ủy ban nhân dân tỉnh Hòa Bình\, Việt Nam,C=VN`
	for attr, want := range map[string]string{"CN": "Nguyễn Văn Chiến", "O": "Ủy ban nhân dân tỉnh Hòa Bình, Việt Nam", "C": "VN", "OU": ""} {
		if got := dnField(dn, attr); got != want {
			t.Errorf("dnField(%q) = %q, want %q", attr, got, want)
		}
	}
}

// FuzzDNField: any subject string, however malformed (a certificate is hostile input),
// gives an answer without panicking, and never more than the subject holds.
func FuzzDNField(f *testing.F) {
	for _, s := range []string{"", "CN=A,O=B", `O=a\,b`, `\`, "=,=,", "CN=A+OU=B", `CN=\\`} {
		f.Add(s, "O")
	}
	f.Fuzz(func(t *testing.T, dn, attr string) {
		got := dnField(dn, attr)
		if len(got) > len(dn) {
			t.Fatalf("dnField(%q, %q) = %q, longer than the subject", dn, attr, got)
		}
		if got != "" && !strings.Contains(strings.ReplaceAll(dn, `\`, ""), got) {
			t.Fatalf("dnField(%q, %q) = %q, not in the subject", dn, attr, got)
		}
	})
}

// FuzzDocumentDetails: whatever a form sends as the document's date and page count is
// either read or refused with a message, never a panic or a negative count.
func FuzzDocumentDetails(f *testing.F) {
	for _, s := range [][2]string{{"2026-12-01", "3"}, {"", ""}, {"01/12/2026", "-1"}, {"2026-02-30", "1e3"}, {" 2026-12-01 ", "99999999999999999999"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, date, pages string) {
		d, n, err := documentDetails(map[string]string{"document_date": date, "page_count": pages})
		if err != nil {
			if _, ok := err.(*userError); !ok {
				t.Fatalf("documentDetails(%q, %q): %v is not a message for the user", date, pages, err)
			}
			return
		}
		if n < 0 || (d == nil) != (strings.TrimSpace(date) == "") {
			t.Fatalf("documentDetails(%q, %q) = %v, %d", date, pages, d, n)
		}
	})
}

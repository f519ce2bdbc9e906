package httpx

import (
	"mime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestContentDispositionKeepsVietnameseLetters(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]struct{ fallback, header string }{
		"03-QĐ-UBND.pdf":                 {"03-QD-UBND.pdf", `attachment; filename=03-QD-UBND.pdf; filename*=UTF-8''03-Q%C4%90-UBND.pdf`},
		"sao-y-01-SY-UBND.pdf":           {"sao-y-01-SY-UBND.pdf", "attachment; filename=sao-y-01-SY-UBND.pdf"},
		"Báo cáo tổng hợp \"quý 4\".pdf": {"Bao cao tong hop _quy 4_.pdf", ""},
	} {
		h := ContentDisposition("attachment", name)
		if want.header != "" && h != want.header {
			t.Errorf("ContentDisposition(%q) = %s, want %s", name, h, want.header)
		}
		// What a browser reads: Go's parser, like browsers, takes filename* over filename.
		disp, params, err := mime.ParseMediaType(h)
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("%s parses as %q %q (%v), want the name %q", h, disp, params, err, name)
		}
		// What an old client reads: the plain filename, without the RFC 5987 part.
		plain, _, _ := strings.Cut(h, "; filename*=")
		if _, params, err := mime.ParseMediaType(plain); err != nil || params["filename"] != want.fallback {
			t.Errorf("fallback of %q = %q (%v), want %q", name, params["filename"], err, want.fallback)
		}
	}
}

// FuzzContentDisposition: any name gives a header that parses back to the name (NFC,
// without control characters or slashes) and an ASCII fallback.
func FuzzContentDisposition(f *testing.F) {
	for _, s := range []string{"03-QĐ-UBND.pdf", "Quyết định số 15.pdf", "a;b=c\"d\\e", "\x00\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			t.Skip()
		}
		h := ContentDisposition("inline", name)
		_, params, err := mime.ParseMediaType(h)
		if err != nil {
			t.Fatalf("%q gives %s, which does not parse: %v", name, h, err)
		}
		if strings.ContainsAny(params["filename"], "/\\\x00\n\r") {
			t.Fatalf("%q gives the file name %q", name, params["filename"])
		}
		plain, _, _ := strings.Cut(h, "; filename*=")
		for _, c := range []byte(plain) {
			if c < ' ' || c > '~' {
				t.Fatalf("the fallback header %q is not printable ASCII", plain)
			}
		}
	})
}

package httpx

import (
	"mime"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ContentDisposition is the Content-Disposition header of a download named name
// (disposition "attachment" or "inline"), as RFC 6266 advises: an ASCII filename for old
// clients, with Vietnamese diacritics folded rather than dropped ("03-QĐ-UBND.pdf" →
// "03-QD-UBND.pdf"), and the name itself as filename*=UTF-8”… (RFC 5987), which every
// current browser prefers.
func ContentDisposition(disposition, name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, norm.NFC.String(name))
	if name == "" {
		name = "van-ban.pdf"
	}
	fallback := asciiFold(name)
	h := mime.FormatMediaType(disposition, map[string]string{"filename": fallback})
	if fallback == name {
		return h
	}
	return h + "; filename*=UTF-8''" + percentEncode(name)
}

// asciiFold spells a name in ASCII: Vietnamese letters lose their marks (đ becomes d), and
// anything else outside printable ASCII, or a quote, becomes '_'.
func asciiFold(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case r == 'Đ':
			r = 'D'
		case r < ' ' || r > '~' || r == '"':
			r = '_'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// percentEncode writes s as an RFC 5987 value: attr-chars as they are, every other byte
// of its UTF-8 as %XX.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

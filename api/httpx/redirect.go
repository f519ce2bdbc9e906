package httpx

import (
	"net/url"
	"strings"
)

// LocalPath keeps a redirect target (a "next" parameter) on this site: a path with an
// optional query, never a scheme or a host. Anything else becomes "/". Browsers drop tabs
// and newlines from URLs and read "\" as "/", so "/\t/evil.example" would leave the site:
// control characters and backslashes are refused outright.
func LocalPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

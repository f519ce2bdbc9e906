package httpx_test

import (
	"testing"

	"github.com/vanthu/vanthu/api/httpx"
)

func TestLocalPathKeepsRedirectsOnThisSite(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/documents/42?tab=history":    "/documents/42?tab=history",
		"/":                            "/",
		"":                             "/",
		"documents":                    "/",
		"//evil.example/x":             "/",
		"/\t/evil.example/x":           "/",
		"/\n/evil.example/x":           "/",
		"/\\evil.example":              "/",
		"/\\/evil.example":             "/",
		"\\\\evil.example":             "/",
		"https://evil.example/":        "/",
		"javascript:alert(1)":          "/",
		"/%2F/evil.example":            "/",
		"/ok/%2F/inside":               "/ok/%2F/inside",
		"/\x00/evil.example":           "/",
		"/\u007f/evil.example":         "/",
		"/tr%E1%BA%A7n?q=quy%E1%BA%BF": "/tr%E1%BA%A7n?q=quy%E1%BA%BF",
	} {
		if got := httpx.LocalPath(next); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", next, got, want)
		}
	}
}

func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/a", "//b", "/\t/c", "/\\d", "https://e", "/%2F/f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := httpx.LocalPath(next)
		if got != "/" && got != next {
			t.Fatalf("LocalPath(%q) = %q: neither the input nor home", next, got)
		}
		if len(got) > 1 && (got[1] == '/' || got[1] == '\\') {
			t.Fatalf("LocalPath(%q) = %q leaves the site", next, got)
		}
	})
}

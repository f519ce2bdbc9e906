package auth

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// FuzzCSRFFromMultipart checks that peeking at a multipart body for the csrf_token field
// never panics and always hands the handler the body exactly as it was sent.
func FuzzCSRFFromMultipart(f *testing.F) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.SetBoundary("ranh-gioi")
	_ = mw.WriteField("csrf_token", "abc")
	fw, _ := mw.CreateFormFile("file", "scan.pdf")
	_, _ = fw.Write([]byte("%PDF-1.7"))
	_ = mw.Close()
	f.Add(buf.Bytes(), "ranh-gioi")
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"), "x")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=\""+boundary+"\"")
		token, err := sentCSRFToken(r)
		if err != nil {
			return
		}
		if len(token) > maxCSRFField {
			t.Fatalf("token of %d bytes", len(token))
		}
		got, err := io.ReadAll(r.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("body changed: %q → %q (%v)", body, got, err)
		}
	})
}

func TestClientIPBehindTrustedProxies(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("127.0.0.1/32")}
	s := &Service{cfg: Config{TrustedProxies: proxies}}
	cases := []struct{ remote, xff, want string }{
		{"203.0.113.9:5000", "", "203.0.113.9"},
		{"203.0.113.9:5000", "198.51.100.1", "203.0.113.9"}, // an untrusted peer cannot claim another address
		{"127.0.0.1:5000", "198.51.100.1", "198.51.100.1"},
		{"10.0.0.5:5000", "198.51.100.1, 10.0.0.7", "198.51.100.1"},
		{"10.0.0.5:5000", "1.2.3.4, 198.51.100.1, 10.0.0.7", "198.51.100.1"}, // the client may forge the leftmost
		{"10.0.0.5:5000", "garbage", "10.0.0.5"},
		{"[::1]:5000", "198.51.100.1", "::1"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("%s via %q = %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestTrustedProxiesFromEnv(t *testing.T) {
	t.Setenv("VANTHU_TRUSTED_PROXIES", "10.1.2.0/24, 192.0.2.7")
	ps, err := TrustedProxiesFromEnv()
	if err != nil || len(ps) != 2 || !ps[1].Contains(netip.MustParseAddr("192.0.2.7")) || ps[1].Contains(netip.MustParseAddr("192.0.2.8")) {
		t.Fatalf("%v, %v", ps, err)
	}
	t.Setenv("VANTHU_TRUSTED_PROXIES", "proxy.local")
	if _, err := TrustedProxiesFromEnv(); err == nil {
		t.Fatal("a host name accepted as a proxy address")
	}
}

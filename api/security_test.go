package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/signertest"
)

// noRedirects sees a redirect's Location instead of following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestRedirectsStayOnThisSite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, next := range []string{"/%09/evil.example/x", "/%0A/evil.example/x", "//evil.example/x", "/%5Cevil.example",
		"https://evil.example/x"} {
		for _, path := range []string{"/lang/en?next=" + next, "/login?next=" + next} {
			resp, err := noRedirects.Get(b.http.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusSeeOther && loc != "/" {
				t.Errorf("GET %s: Location %q, want home", path, loc)
			}
			// The login page carries next in its form: it must carry home, not the target.
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), "evil.example") {
				t.Errorf("GET %s: the page carries the foreign target", path)
			}
		}
	}
	// A login that succeeds goes to next only when next is on this site.
	for next, want := range map[string]string{"/%09/evil.example/x": "/", "/incoming?x=1": "/incoming?x=1"} {
		form := url.Values{"username": {"vanthu.tinh"}, "password": {demoPassword}, "next": {mustUnescape(t, next)}}
		req, _ := http.NewRequest("POST", b.http.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.http.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("POST /login next=%q: %d Location %q, want 303 %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

func mustUnescape(t *testing.T, s string) string {
	t.Helper()
	u, err := url.PathUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	clerk := b.as(t, "vanthu.tinh")
	meta := map[string]any{"type_code": "TB", "subject": "Về việc kiểm tra tiêu đề", "sender_name": "Bộ Nội vụ"}
	up := clerk.upload(t, "/api/v1/incoming", meta, "cong-van.pdf", signertest.OnePagePDF(), nil)
	mustStatus(t, up, http.StatusCreated)
	id := up.json["document"].(map[string]any)["id"].(string)

	json := clerk.do(t, "GET", "/api/v1/documents/"+id, nil, nil)
	pdf := clerk.do(t, "GET", "/api/v1/documents/"+id+"/files/1", nil, nil)
	problem := clerk.do(t, "GET", "/api/v1/documents/00000000-0000-0000-0000-000000000000", nil, nil)
	for name, r := range map[string]response{"JSON": json, "PDF": pdf, "problem": problem} {
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s answer without nosniff: %v", name, r.header)
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s answer's policy %q, want a sandbox", name, csp)
		}
		if r.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s answer over plain HTTP carries HSTS", name)
		}
	}
	page, err := noRedirects.Get(b.http.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if csp := page.Header.Get("Content-Security-Policy"); strings.Contains(csp, "sandbox") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("a web page's own policy was replaced: %q", csp)
	}
}

func TestHSTSWhenServedOverTLS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := New(Deps{Engine: b.eng, Store: b.store, Blobs: b.srv.deps.Blobs, Logger: slog.New(slog.DiscardHandler), Version: "test"})
	hs := httptest.NewTLSServer(srv)
	t.Cleanup(hs.Close)
	for _, path := range []string{"/healthz", "/login", "/api/v1/documents", "/lang/en?next=/"} {
		c := hs.Client()
		c.CheckRedirect = noRedirects.CheckRedirect
		resp, err := c.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if h := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
			t.Errorf("GET %s over TLS: Strict-Transport-Security %q", path, h)
		}
	}
}

// A classified document hidden from a person's lists is not found by id either: not the
// document, not its file, not its web page.
func TestClassifiedDocumentIsNotFoundByThoseWhoDoNotHandleIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	clerk := b.as(t, "vanthu.tinh")
	meta := map[string]any{"type_code": "TB", "subject": "Phương án bảo vệ bí mật", "sender_name": "Công an tỉnh",
		"classification": "mat"}
	up := clerk.upload(t, "/api/v1/incoming", meta, "mat.pdf", signertest.OnePagePDF(), nil)
	mustStatus(t, up, http.StatusCreated)
	id := up.json["document"].(map[string]any)["id"].(string)
	for _, path := range []string{"/api/v1/documents/" + id, "/api/v1/documents/" + id + "/files/1", "/documents/" + id} {
		if r := clerk.do(t, "GET", path, nil, nil); r.status != http.StatusOK {
			t.Fatalf("the clerk who received it: GET %s %d", path, r.status)
		}
		for _, who := range []string{"chuyenvien.tinh", "truongphong.tinh", "quantri.tinh"} {
			if r := b.as(t, who).do(t, "GET", path, nil, nil); r.status != http.StatusNotFound {
				t.Errorf("%s: GET %s answered %d, want 404", who, path, r.status)
			}
		}
	}
}

// A record (hồ sơ) is kept by its agency's own staff: another agency's user is refused as
// its owner.
func TestRecordOwnerFromAnotherAgencyIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	stranger, err := b.store.UserGetByUsername(context.Background(), "chuyenvien.tinh")
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"year": time.Now().Year(), "code": "01.VP", "title": "Hồ sơ công văn đến",
		"retention": map[string]any{"years": 10}, "owner_id": stranger.ID}
	r := b.as(t, "vanthu.dongbang").do(t, "POST", "/api/v1/records", body, nil)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "owner_id") {
		t.Fatalf("owner from another agency: %d %s, want 422 naming owner_id", r.status, r.body)
	}
}

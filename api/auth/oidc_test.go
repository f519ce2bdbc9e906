package auth_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/vanthu/vanthu/api/auth"
)

// provider is a small OpenID Connect provider: discovery, keys, and a token endpoint that
// checks the PKCE verifier and answers an ID token for whoever the test says logged in.
type provider struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	mu       sync.Mutex
	codes    map[string]grant
	username string // preferred_username of the next login
}

func (p *provider) loginAs(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.username = name
}

type grant struct{ nonce, challenge string }

func newProvider(t *testing.T) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	p := &provider{key: key, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1",
			Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.mu.Lock()
		g, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer",
			"id_token": p.idToken(t, g.nonce)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) idToken(t *testing.T, nonce string) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	must(t, err)
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	claims, _ := json.Marshal(map[string]any{"iss": p.srv.URL, "sub": "S-" + p.username, "aud": "vanthu",
		"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "nonce": nonce, "preferred_username": p.username})
	obj, err := signer.Sign(claims)
	must(t, err)
	s, err := obj.CompactSerialize()
	must(t, err)
	return s
}

// authorize is what the provider does after the person logs in there: it redirects back
// with a code bound to the request's nonce and PKCE challenge.
func (p *provider) authorize(t *testing.T, authURL string) (code, state string) {
	u, err := url.Parse(authURL)
	must(t, err)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %s", authURL)
	}
	code = "code-" + q.Get("state")[:8]
	p.mu.Lock()
	p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	p.mu.Unlock()
	return code, q.Get("state")
}

func TestOIDCLogin(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite)
	p := newProvider(t)
	svc := auth.New(auth.Config{Engine: b.eng, Store: b.store,
		OIDC: &auth.OIDCConfig{Issuer: p.srv.URL, ClientID: "vanthu", ClientSecret: "s", RedirectURL: "http://vanthu.test/auth/oidc/callback"}})
	mux := http.NewServeMux()
	svc.Routes(mux)
	srv := httptest.NewServer(svc.Middleware(mux, nil))
	t.Cleanup(srv.Close)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	start := func(t *testing.T, next string) (*http.Cookie, string, string) {
		resp, err := noRedirect.Get(srv.URL + "/auth/oidc/login?next=" + url.QueryEscape(next))
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), p.srv.URL+"/authorize") {
			t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		code, state := p.authorize(t, resp.Header.Get("Location"))
		return resp.Cookies()[0], code, state
	}
	callback := func(t *testing.T, c *http.Cookie, code, state string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+"/auth/oidc/callback?code="+code+"&state="+state, nil)
		if c != nil {
			req.AddCookie(c)
		}
		resp, err := noRedirect.Do(req)
		must(t, err)
		resp.Body.Close()
		return resp
	}
	session := func(resp *http.Response) *http.Cookie {
		for _, c := range resp.Cookies() {
			if c.Name == auth.CookieName && c.Value != "" {
				return c
			}
		}
		return nil
	}

	t.Run("KnownUserGetsASession", func(t *testing.T) {
		p.loginAs("vanthu.tinh")
		c, code, state := start(t, "/van-ban-den")
		resp := callback(t, c, code, state)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/van-ban-den" || session(resp) == nil {
			t.Fatalf("callback: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/auth/me", nil)
		req.AddCookie(session(resp))
		me, err := http.DefaultClient.Do(req)
		must(t, err)
		defer me.Body.Close()
		var got auth.Me
		must(t, json.NewDecoder(me.Body).Decode(&got))
		if got.User.Username != "vanthu.tinh" {
			t.Fatalf("me: %+v", got)
		}
	})
	t.Run("UnknownUserIsNotCreated", func(t *testing.T) {
		p.loginAs("nguoi.la")
		c, code, state := start(t, "/")
		resp := callback(t, c, code, state)
		if resp.Header.Get("Location") != "/login?error=oidc" || session(resp) != nil {
			t.Fatalf("callback: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("ForgedStateIsRefused", func(t *testing.T) {
		p.loginAs("vanthu.tinh")
		c, code, _ := start(t, "/")
		if resp := callback(t, c, code, "gia-mao"); session(resp) != nil {
			t.Fatal("a forged state logged in")
		}
		if resp := callback(t, nil, code, "x"); session(resp) != nil {
			t.Fatal("a callback without the login cookie logged in")
		}
	})
	t.Run("OffSiteNextIsIgnored", func(t *testing.T) {
		p.loginAs("vanthu.tinh")
		c, code, state := start(t, "//evil.example/")
		if resp := callback(t, c, code, state); resp.Header.Get("Location") != "/" {
			t.Fatalf("redirected to %s", resp.Header.Get("Location"))
		}
	})
	t.Run("OffWithoutConfiguration", func(t *testing.T) {
		resp, err := noRedirect.Get(b.server.URL + "/auth/oidc/login")
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

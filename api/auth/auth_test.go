package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/password"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

const testPassword = "mật-khẩu-đúng-1"

// clock is a settable time for sessions and lockouts.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type bundle struct {
	store  *sqlstore.Store
	eng    *engine.Engine
	svc    *auth.Service
	clock  *clock
	server *httptest.Server
	agency engine.Agency
	clerk  engine.User
}

type opener = dbtest.Opener

var openSQLite, openPostgres = dbtest.MigratedSQLite, dbtest.Postgres

// forEachStore runs a test on SQLite and on PostgreSQL.
func forEachStore(t *testing.T, test func(t *testing.T, b *bundle)) {
	t.Run("SQLite", func(t *testing.T) { t.Parallel(); test(t, setup(t, openSQLite)) })
	t.Run("PostgreSQL", func(t *testing.T) { t.Parallel(); test(t, setup(t, openPostgres)) })
}

// cheap keeps argon2id fast in tests; the costs do not change what is tested.
var cheap = password.Params{Memory: 64, Time: 1, Threads: 1}

func setup(t *testing.T, open opener) *bundle {
	t.Helper()
	ctx := context.Background()
	s := open(t)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := engine.New(s)
	e.PasswordParams = cheap
	a, err := e.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình",
		ShortName: "UBND", Tier: engine.TierProvince})
	must(t, err)
	u, err := e.CreateUser(ctx, engine.System, engine.User{Username: "vanthu.tinh", FullName: "Nguyễn Thị Văn Thư"}, testPassword)
	must(t, err)
	must(t, e.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: a.ID, Role: engine.RoleClerk}))
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	svc, srv := serve(t, e, s, c)
	return &bundle{store: s, eng: e, svc: svc, clock: c, server: srv, agency: a, clerk: u}
}

// serve is the authentication service over s with a few routes to try it on.
func serve(t *testing.T, e *engine.Engine, s *sqlstore.Store, c *clock) (*auth.Service, *httptest.Server) {
	svc := auth.New(auth.Config{Engine: e, Store: s, Now: c.Now, IdleTimeout: 30 * time.Minute, SessionLifetime: 8 * time.Hour,
		UserThrottle: auth.Throttle{Failures: 3, Window: 10 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: time.Hour},
		IPThrottle:   auth.Throttle{Failures: 100, Window: 10 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: time.Hour}})
	mux := http.NewServeMux()
	svc.Routes(mux)
	mux.Handle("POST /api/v1/echo", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		_, _ = io.WriteString(w, p.Username)
	})))
	mux.HandleFunc("POST /api/v1/upload", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.RequireUser(w, r); !ok {
			return
		}
		// the handler still streams the whole multipart body after the CSRF check
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		var names []string
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(part)
			names = append(names, part.FormName()+"="+string(b))
		}
		_, _ = io.WriteString(w, strings.Join(names, ","))
	})
	// The roles the request acts with, as the principal carries them (not read again).
	mux.HandleFunc("GET /api/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		if p, ok := auth.RequireUser(w, r); ok {
			for _, m := range p.Memberships {
				_, _ = io.WriteString(w, string(m.Role)+" ")
			}
		}
	})
	mux.HandleFunc("GET /api/v1/docs", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.RequireUser(w, r); ok {
			_, _ = io.WriteString(w, "ok")
		}
	})
	mux.HandleFunc("POST /api/v1/docs", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.RequireUser(w, r); ok {
			_, _ = io.WriteString(w, "ok")
		}
	})
	needs := map[string]string{"GET /api/v1/docs": "documents:read", "POST /api/v1/docs": "documents:write"}
	maps.Copy(needs, auth.RouteNeeds)
	srv := httptest.NewServer(svc.Middleware(mux, func(r *http.Request) (string, bool) {
		_, pattern := mux.Handler(r)
		need, ok := needs[pattern]
		return need, ok
	}))
	t.Cleanup(srv.Close)
	return svc, srv
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// do sends a request; cookie and headers are optional.
func (b *bundle) do(t *testing.T, method, path string, body io.Reader, cookie *http.Cookie, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, b.server.URL+path, body)
	must(t, err)
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (b *bundle) login(t *testing.T, user, pass string) *http.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	return b.do(t, "POST", "/api/v1/auth/login", bytes.NewReader(body), nil, nil)
}

// session logs the clerk in and returns the cookie and CSRF token.
func (b *bundle) session(t *testing.T) (*http.Cookie, string) {
	t.Helper()
	resp := b.login(t, "vanthu.tinh", testPassword)
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var me auth.Me
	must(t, json.NewDecoder(resp.Body).Decode(&me))
	return sessionCookie(t, resp), me.CSRFToken
}

func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == auth.CookieName {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func problemType(t *testing.T, resp *http.Response) string {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want problem+json", ct)
	}
	var p struct{ Type string }
	must(t, json.NewDecoder(resp.Body).Decode(&p))
	return strings.TrimPrefix(p.Type, httpx.ProblemBase)
}

func TestLogin(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		t.Run("RightPasswordSetsAHardenedCookieAndAnswersTheUser", func(t *testing.T) {
			resp := b.login(t, "vanthu.tinh", testPassword)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			c := sessionCookie(t, resp)
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
				t.Fatalf("cookie flags: %+v", c)
			}
			if len(c.Value) < 43 {
				t.Fatalf("cookie value too short for 256 bits: %q", c.Value)
			}
			var me auth.Me
			must(t, json.NewDecoder(resp.Body).Decode(&me))
			if me.User.Username != "vanthu.tinh" || len(me.Memberships) != 1 || me.Memberships[0].AgencyCode != "H23" ||
				me.Memberships[0].Role != "clerk" || me.CSRFToken == "" {
				t.Fatalf("answer: %+v", me)
			}
			// the database holds the hash, never the cookie
			if _, _, _, err := b.store.SessionGet(context.Background(), c.Value); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("session found by its raw id: %v", err)
			}
		})
		t.Run("WrongPasswordAndUnknownUserAnswerAlike", func(t *testing.T) {
			wrong := b.login(t, "vanthu.tinh", "sai")
			unknown := b.login(t, "chuyenvien.tinh", "sai")
			if wrong.StatusCode != 401 || unknown.StatusCode != 401 {
				t.Fatalf("status %d, %d", wrong.StatusCode, unknown.StatusCode)
			}
			if problemType(t, wrong) != "bad-credentials" || problemType(t, unknown) != "bad-credentials" {
				t.Fatal("problem types differ")
			}
			if len(wrong.Cookies())+len(unknown.Cookies()) != 0 {
				t.Fatal("a failed login set a cookie")
			}
		})
		t.Run("MeNeedsASession", func(t *testing.T) {
			resp := b.do(t, "GET", "/api/v1/auth/me", nil, nil, nil)
			if resp.StatusCode != 401 || problemType(t, resp) != "unauthenticated" {
				t.Fatalf("status %d", resp.StatusCode)
			}
			c, csrf := b.session(t)
			resp = b.do(t, "GET", "/api/v1/auth/me", nil, c, nil)
			var me auth.Me
			must(t, json.NewDecoder(resp.Body).Decode(&me))
			if resp.StatusCode != 200 || me.User.Username != "vanthu.tinh" || me.CSRFToken != csrf {
				t.Fatalf("me: %d %+v", resp.StatusCode, me)
			}
		})
		t.Run("SecureCookiesBehindTLS", func(t *testing.T) {
			svc := auth.New(auth.Config{Engine: b.eng, Store: b.store, SecureCookies: true})
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "/login", nil)
			if _, err := svc.Login(rec, req, "vanthu.tinh", testPassword); err != nil {
				t.Fatal(err)
			}
			c := rec.Result().Cookies()[0]
			if !c.Secure || !c.HttpOnly {
				t.Fatalf("cookie %+v", c)
			}
		})
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		c, csrf := b.session(t)
		t.Run("UnsafeRequestWithoutTokenIsRefused", func(t *testing.T) {
			resp := b.do(t, "POST", "/api/v1/echo", strings.NewReader("{}"), c, nil)
			if resp.StatusCode != 403 || problemType(t, resp) != "csrf" {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
		t.Run("WrongTokenIsRefused", func(t *testing.T) {
			resp := b.do(t, "POST", "/api/v1/echo", strings.NewReader("{}"), c, map[string]string{"X-CSRF-Token": csrf + "x"})
			if resp.StatusCode != 403 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
		t.Run("HeaderTokenIsAccepted", func(t *testing.T) {
			resp := b.do(t, "POST", "/api/v1/echo", strings.NewReader("{}"), c, map[string]string{"X-CSRF-Token": csrf})
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || string(got) != "vanthu.tinh" {
				t.Fatalf("status %d %s", resp.StatusCode, got)
			}
		})
		t.Run("FormFieldIsAccepted", func(t *testing.T) {
			resp := b.do(t, "POST", "/api/v1/echo", strings.NewReader("csrf_token="+csrf), c,
				map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
		t.Run("MultipartFirstFieldIsAcceptedAndTheBodyStillStreams", func(t *testing.T) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			must(t, mw.WriteField("csrf_token", csrf))
			fw, _ := mw.CreateFormFile("file", "scan.pdf")
			_, _ = fw.Write([]byte("%PDF-1.7 nội dung"))
			must(t, mw.Close())
			resp := b.do(t, "POST", "/api/v1/upload", &buf, c, map[string]string{"Content-Type": mw.FormDataContentType()})
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || string(got) != "csrf_token="+csrf+",file=%PDF-1.7 nội dung" {
				t.Fatalf("status %d: %s", resp.StatusCode, got)
			}
		})
		t.Run("CrossSiteRequestIsRefusedEvenWithToken", func(t *testing.T) {
			for _, h := range []map[string]string{
				{"Origin": "https://evil.example", "X-CSRF-Token": csrf},
				{"Sec-Fetch-Site": "cross-site", "X-CSRF-Token": csrf},
			} {
				resp := b.do(t, "POST", "/api/v1/echo", strings.NewReader("{}"), c, h)
				if resp.StatusCode != 403 || problemType(t, resp) != "csrf" {
					t.Fatalf("%v: status %d", h, resp.StatusCode)
				}
			}
			resp := b.do(t, "POST", "/api/v1/echo", strings.NewReader("{}"), c,
				map[string]string{"Origin": b.server.URL, "X-CSRF-Token": csrf})
			if resp.StatusCode != 200 {
				t.Fatalf("same origin: status %d", resp.StatusCode)
			}
			resp = b.do(t, "POST", "/api/v1/echo", strings.NewReader("{}"), c,
				map[string]string{"Origin": "https://vanthu.hoabinh.gov.vn", "X-Forwarded-Host": "vanthu.hoabinh.gov.vn", "X-CSRF-Token": csrf})
			if resp.StatusCode != 200 {
				t.Fatalf("same origin behind a proxy: status %d", resp.StatusCode)
			}
		})
		t.Run("SafeRequestNeedsNoToken", func(t *testing.T) {
			resp := b.do(t, "GET", "/api/v1/auth/me", nil, c, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
	})
}

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		me := func(c *http.Cookie) int { return b.do(t, "GET", "/api/v1/auth/me", nil, c, nil).StatusCode }
		t.Run("IdleSessionExpires", func(t *testing.T) {
			c, _ := b.session(t)
			b.clock.Advance(20 * time.Minute)
			if me(c) != 200 {
				t.Fatal("active session refused")
			}
			b.clock.Advance(20 * time.Minute) // 20 minutes since the last use: still alive
			if me(c) != 200 {
				t.Fatal("session used 20 minutes ago refused")
			}
			b.clock.Advance(31 * time.Minute)
			if me(c) != 401 {
				t.Fatal("idle session still accepted")
			}
		})
		t.Run("SessionEndsAfterItsLifetimeWhateverTheActivity", func(t *testing.T) {
			c, _ := b.session(t)
			for range 8*3 - 1 {
				b.clock.Advance(20 * time.Minute)
				if me(c) != 200 {
					t.Fatal("session refused within its lifetime")
				}
			}
			b.clock.Advance(20 * time.Minute)
			if me(c) != 401 {
				t.Fatal("session outlived its absolute lifetime")
			}
		})
		t.Run("LogoutEndsTheSession", func(t *testing.T) {
			c, csrf := b.session(t)
			resp := b.do(t, "POST", "/api/v1/auth/logout", nil, c, map[string]string{"X-CSRF-Token": csrf})
			if resp.StatusCode != 204 {
				t.Fatalf("logout: %d", resp.StatusCode)
			}
			if cleared := sessionCookie(t, resp); cleared.MaxAge >= 0 && cleared.Value != "" {
				t.Fatalf("cookie not cleared: %+v", cleared)
			}
			if me(c) != 401 {
				t.Fatal("session alive after logout")
			}
		})
		t.Run("LoginRotatesTheSession", func(t *testing.T) {
			old, csrf := b.session(t)
			body, _ := json.Marshal(map[string]string{"username": "vanthu.tinh", "password": testPassword})
			resp := b.do(t, "POST", "/api/v1/auth/login", bytes.NewReader(body), old, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("login: %d", resp.StatusCode)
			}
			if sessionCookie(t, resp).Value == old.Value {
				t.Fatal("session id not rotated")
			}
			_ = csrf
			if me(old) != 401 {
				t.Fatal("the session before login is still alive")
			}
		})
		t.Run("PasswordChangeEndsEverySession", func(t *testing.T) {
			c, _ := b.session(t)
			must(t, b.eng.ChangePassword(context.Background(), engine.Actor{UserID: b.clerk.ID}, b.clerk.ID, "mật-khẩu-mới-2"))
			if me(c) != 401 {
				t.Fatal("session survived a password change")
			}
			if b.login(t, "vanthu.tinh", "mật-khẩu-mới-2").StatusCode != 200 {
				t.Fatal("new password refused")
			}
			must(t, b.eng.ChangePassword(context.Background(), engine.Actor{UserID: b.clerk.ID}, b.clerk.ID, testPassword))
		})
	})
}

func TestLockout(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		t.Run("LocksAfterFailuresAndReleasesAfterTheLockout", func(t *testing.T) {
			for i := range 2 {
				if resp := b.login(t, "vanthu.tinh", "sai"); resp.StatusCode != 401 || resp.Header.Get("Retry-After") != "" {
					t.Fatalf("failure %d: %d retry=%q", i+1, resp.StatusCode, resp.Header.Get("Retry-After"))
				}
			}
			resp := b.login(t, "vanthu.tinh", "sai")
			if resp.StatusCode != 401 || resp.Header.Get("Retry-After") != "900" || problemType(t, resp) != "bad-credentials" {
				t.Fatalf("third failure: %d retry=%q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			resp = b.login(t, "vanthu.tinh", testPassword)
			if resp.StatusCode != 401 || resp.Header.Get("Retry-After") == "" || len(resp.Cookies()) != 0 {
				t.Fatalf("right password during lockout: %d", resp.StatusCode)
			}
			b.clock.Advance(15*time.Minute + time.Second)
			if resp := b.login(t, "vanthu.tinh", testPassword); resp.StatusCode != 200 {
				t.Fatalf("after the lockout: %d", resp.StatusCode)
			}
		})
		t.Run("SecondLockoutLastsLonger", func(t *testing.T) {
			for range 3 {
				b.login(t, "lanhdao.tinh", "sai")
			}
			b.clock.Advance(15*time.Minute + time.Second)
			var resp *http.Response
			for range 3 {
				resp = b.login(t, "lanhdao.tinh", "sai")
			}
			if resp.Header.Get("Retry-After") != "1800" {
				t.Fatalf("second lockout: retry=%q", resp.Header.Get("Retry-After"))
			}
		})
		t.Run("FailuresOutsideTheWindowAreForgotten", func(t *testing.T) {
			b.login(t, "chuyenvien.tinh", "sai")
			b.login(t, "chuyenvien.tinh", "sai")
			b.clock.Advance(11 * time.Minute)
			if resp := b.login(t, "chuyenvien.tinh", "sai"); resp.Header.Get("Retry-After") != "" {
				t.Fatal("locked by failures older than the window")
			}
		})
		t.Run("UnknownUserIsLockedLikeAKnownOne", func(t *testing.T) {
			var resp *http.Response
			for range 3 {
				resp = b.login(t, "khong.ton.tai", "sai")
			}
			if resp.StatusCode != 401 || resp.Header.Get("Retry-After") != "900" {
				t.Fatalf("unknown user: %d retry=%q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
		})
		t.Run("LockoutIsAudited", func(t *testing.T) {
			events, err := b.store.AuditListByAgency(context.Background(), b.agency.ID, 0, 1000)
			must(t, err)
			var failed, locked int
			for _, e := range events {
				if e.ObjectID == b.clerk.ID {
					switch e.Action {
					case "login_failed":
						failed++
					case "login_locked":
						locked++
					}
				}
			}
			if failed < 3 || locked != 1 {
				t.Fatalf("audit: %d failures, %d lockouts", failed, locked)
			}
		})
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		c, csrf := b.session(t)
		create := func(t *testing.T, body string) (int, map[string]any) {
			resp := b.do(t, "POST", "/api/v1/auth/tokens", strings.NewReader(body), c, map[string]string{"X-CSRF-Token": csrf})
			var out map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

		status, tok := create(t, `{"name":"Trục liên thông","scopes":["documents:read"],"expires_in_days":90}`)
		if status != 201 || !strings.HasPrefix(tok["token"].(string), auth.TokenPrefix) {
			t.Fatalf("create: %d %v", status, tok)
		}
		secret, id := tok["token"].(string), tok["id"].(string)

		t.Run("TokenAuthenticatesWithinItsScopeWithoutCSRF", func(t *testing.T) {
			if resp := b.do(t, "GET", "/api/v1/docs", nil, nil, bearer(secret)); resp.StatusCode != 200 {
				t.Fatalf("in scope: %d", resp.StatusCode)
			}
			resp := b.do(t, "POST", "/api/v1/docs", nil, nil, bearer(secret))
			if resp.StatusCode != 403 || problemType(t, resp) != "insufficient-scope" {
				t.Fatalf("out of scope: %d", resp.StatusCode)
			}
		})
		t.Run("OnlyTheHashIsStored", func(t *testing.T) {
			if _, _, _, err := b.store.APITokenGetByHash(context.Background(), secret); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("token found by its secret: %v", err)
			}
			resp := b.do(t, "GET", "/api/v1/auth/tokens", nil, c, nil)
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.Contains(string(raw), id) || strings.Contains(string(raw), secret) {
				t.Fatalf("list: %d %s", resp.StatusCode, raw)
			}
		})
		t.Run("UnknownScopeIsRefused", func(t *testing.T) {
			if status, _ := create(t, `{"scopes":["everything"]}`); status != 422 {
				t.Fatalf("status %d", status)
			}
		})
		t.Run("ATokenCannotCreateTokens", func(t *testing.T) {
			resp := b.do(t, "POST", "/api/v1/auth/tokens", strings.NewReader(`{"scopes":["write"]}`), nil, bearer(secret))
			if resp.StatusCode != 403 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
		t.Run("ExpiredTokenIsRefused", func(t *testing.T) {
			nt, err := b.svc.CreateToken(context.Background(), b.clerk.ID, "ngắn hạn", []string{"read"}, time.Hour)
			must(t, err)
			if resp := b.do(t, "GET", "/api/v1/docs", nil, nil, bearer(nt.Secret)); resp.StatusCode != 200 {
				t.Fatalf("fresh: %d", resp.StatusCode)
			}
			b.clock.Advance(time.Hour)
			resp := b.do(t, "GET", "/api/v1/docs", nil, nil, bearer(nt.Secret))
			if resp.StatusCode != 401 || problemType(t, resp) != "unauthenticated" {
				t.Fatalf("expired: %d", resp.StatusCode)
			}
		})
		t.Run("RevokedTokenIsRefused", func(t *testing.T) {
			c, csrf := b.session(t) // the earlier session may have idled out on the test clock
			resp := b.do(t, "DELETE", "/api/v1/auth/tokens/"+id, nil, c, map[string]string{"X-CSRF-Token": csrf})
			if resp.StatusCode != 204 {
				t.Fatalf("revoke: %d", resp.StatusCode)
			}
			if resp := b.do(t, "GET", "/api/v1/docs", nil, nil, bearer(secret)); resp.StatusCode != 401 {
				t.Fatalf("revoked: %d", resp.StatusCode)
			}
			if resp := b.do(t, "DELETE", "/api/v1/auth/tokens/"+id, nil, c, map[string]string{"X-CSRF-Token": csrf}); resp.StatusCode != 404 {
				t.Fatalf("second revoke: %d", resp.StatusCode)
			}
		})
		t.Run("GarbageBearerIsRefused", func(t *testing.T) {
			if resp := b.do(t, "GET", "/api/v1/docs", nil, nil, bearer("vt_nope")); resp.StatusCode != 401 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
	})
}

func TestScopes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		have  []string
		want  string
		allow bool
	}{
		{[]string{"documents:read"}, "documents:read", true},
		{[]string{"documents:read"}, "documents:write", false},
		{[]string{"documents:write"}, "documents:read", true},
		{[]string{"read"}, "archive:read", true},
		{[]string{"read"}, "archive:write", false},
		{[]string{"write"}, "archive:write", true},
		{[]string{"write"}, "admin", false},
		{[]string{"archive:write"}, "documents:read", false},
	}
	for _, c := range cases {
		p := auth.Principal{UserID: "u", TokenID: "t", Scopes: c.have}
		if got := p.Allows(c.want); got != c.allow {
			t.Errorf("%v allows %s = %v, want %v", c.have, c.want, got, c.allow)
		}
	}
	if !(auth.Principal{UserID: "u", SessionID: "s"}).Allows("admin") {
		t.Error("a session is limited by the engine, not by scopes")
	}
	if auth.HasScope(context.Background(), "read") {
		t.Error("an anonymous request has a scope")
	}
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		c, csrf := b.session(t)
		other, _ := b.session(t) // the same user on another device
		change := func(body string) *http.Response {
			return b.do(t, "POST", "/api/v1/auth/password", strings.NewReader(body), c, map[string]string{"X-CSRF-Token": csrf})
		}
		if resp := change(`{"current_password":"sai","new_password":"mật-khẩu-mới-3"}`); resp.StatusCode != 401 {
			t.Fatalf("wrong current password: %d", resp.StatusCode)
		}
		if resp := change(`{"current_password":"` + testPassword + `","new_password":"ngắn"}`); resp.StatusCode != 422 {
			t.Fatalf("short password: %d", resp.StatusCode)
		}
		resp := change(`{"current_password":"` + testPassword + `","new_password":"mật-khẩu-mới-3"}`)
		if resp.StatusCode != 200 {
			t.Fatalf("change: %d", resp.StatusCode)
		}
		fresh := sessionCookie(t, resp)
		for name, cookie := range map[string]*http.Cookie{"this": c, "other": other} {
			if b.do(t, "GET", "/api/v1/auth/me", nil, cookie, nil).StatusCode != 401 {
				t.Fatalf("the %s session survived the change", name)
			}
		}
		if b.do(t, "GET", "/api/v1/auth/me", nil, fresh, nil).StatusCode != 200 {
			t.Fatal("the new session does not work")
		}
		if b.login(t, "vanthu.tinh", "mật-khẩu-mới-3").StatusCode != 200 || b.login(t, "vanthu.tinh", testPassword).StatusCode != 401 {
			t.Fatal("the new password is not the one that works")
		}
	})
}

// TestOpenAPIFragmentNamesRegisteredRoutes checks that every operation of the fragment
// reaches a handler registered for exactly that method and path.
func TestOpenAPIFragmentNamesRegisteredRoutes(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	must(t, json.Unmarshal(auth.OpenAPI, &doc))
	mux := http.NewServeMux()
	auth.New(auth.Config{}).Routes(mux)
	n := 0
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/api/") {
			t.Errorf("%s is not an /api route", path)
		}
		for method := range ops {
			concrete := strings.ReplaceAll(path, "{id}", "0192")
			req := httptest.NewRequest(strings.ToUpper(method), concrete, nil)
			if _, pattern := mux.Handler(req); pattern != strings.ToUpper(method)+" "+path {
				t.Errorf("%s %s reaches %q", method, path, pattern)
			}
			n++
		}
	}
	if n != 7 {
		t.Errorf("%d operations documented, want the 7 registered under /api", n)
	}
	for _, ref := range []string{"Problem", "Me", "Token", "TokenList", "LoginRequest", "TokenCreateRequest", "PasswordChangeRequest"} {
		if doc.Components.Schemas[ref] == nil {
			t.Errorf("schema %s missing", ref)
		}
	}
}

// TestTemporaryPasswordReachesOnlyItsChange: after an administrator's reset, a session
// with the temporary password learns it must change it, and every other API call is
// refused until it has; the web pages have their own form for the same rule.
func TestTemporaryPasswordReachesOnlyItsChange(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		temp, err := b.eng.ResetPassword(ctx, engine.System, b.clerk.ID)
		must(t, err)
		resp := b.login(t, "vanthu.tinh", temp)
		if resp.StatusCode != 200 {
			t.Fatalf("login with the temporary password: %d", resp.StatusCode)
		}
		var me auth.Me
		must(t, json.NewDecoder(resp.Body).Decode(&me))
		if !me.MustChangePassword {
			t.Fatal("the login does not say the password must be changed")
		}
		c := sessionCookie(t, resp)
		csrf := me.CSRFToken
		if resp := b.do(t, "GET", "/api/v1/docs", nil, c, nil); resp.StatusCode != 403 || problemType(t, resp) != "password-change-required" {
			t.Fatalf("another call with a temporary password: %d", resp.StatusCode)
		}
		if resp := b.do(t, "GET", "/api/v1/auth/me", nil, c, nil); resp.StatusCode != 200 {
			t.Fatalf("me with a temporary password: %d", resp.StatusCode)
		}
		resp = b.do(t, "POST", "/api/v1/auth/password", strings.NewReader(`{"current_password":"`+temp+`","new_password":"mật-khẩu-của-tôi-9"}`),
			c, map[string]string{"X-CSRF-Token": csrf})
		if resp.StatusCode != 200 {
			t.Fatalf("change the temporary password: %d", resp.StatusCode)
		}
		fresh := sessionCookie(t, resp)
		if resp := b.do(t, "GET", "/api/v1/docs", nil, fresh, nil); resp.StatusCode != 200 {
			t.Fatalf("a call after the change: %d", resp.StatusCode)
		}
	})
}

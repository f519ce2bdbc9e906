package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/vanthu/vanthu/api/httpx"
)

// loginPaths may be posted with a stale session cookie and no CSRF token: logging in
// again must work from a fresh login form. The cross-site check still applies.
var loginPaths = map[string]bool{"/api/v1/auth/login": true, "/login": true}

// Route needs besides scopes: NeedPublic routes take anyone, NeedAnyToken ones any valid
// API token whatever its scopes (who am I).
const (
	NeedPublic   = "public"
	NeedAnyToken = "any-token"
)

// NeedFunc says what the route of a request asks of an API token: a scope of Scopes,
// NeedPublic or NeedAnyToken; declared is false for a route that takes no token at all
// (the web UI, token management, anything new that nobody thought about).
type NeedFunc func(r *http.Request) (need string, declared bool)

// Middleware is the one authentication every request passes: it puts the principal of an
// authenticated request into its context, checks an API token's scopes against what the
// route needs, and checks CSRF tokens on unsafe requests authenticated by a session cookie.
//
// A request with a bearer token that is unknown, revoked or expired is answered 401 at
// once: a client that sends a credential wants it used. A stale session cookie is simply
// cleared and the request continues unauthenticated (the handler decides).
func (s *Service) Middleware(next http.Handler, need NeedFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if bearer, ok := bearerToken(r); ok {
			p, err := s.tokenPrincipal(ctx, bearer)
			if err != nil && !errors.Is(err, errBadToken) {
				s.cfg.Logger.ErrorContext(ctx, "bearer token lookup", "error", err)
				httpx.Unavailable(w)
				return
			}
			if err != nil {
				s.cfg.Logger.WarnContext(ctx, "bearer token refused", "error", err)
				w.Header().Set("WWW-Authenticate", `Bearer realm="vanthu", error="invalid_token"`)
				httpx.WriteProblem(w, http.StatusUnauthorized, httpx.KindUnauthenticated, "Invalid API token",
					"the bearer token is unknown, revoked or expired")
				return
			}
			if !tokenMayReach(w, r, p, need) {
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, p)))
			return
		}
		unsafe := !isSafeMethod(r.Method)
		if unsafe && crossSite(r) {
			httpx.WriteProblem(w, http.StatusForbidden, httpx.KindCSRF, "Cross-site request refused",
				"this request came from another site")
			return
		}
		c, err := r.Cookie(CookieName)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		p, ok, err := s.session(ctx, c.Value)
		if err != nil {
			s.cfg.Logger.ErrorContext(ctx, "session lookup", "error", err)
			httpx.Unavailable(w)
			return
		}
		if !ok {
			s.clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		token := SessionCSRFToken(c.Value)
		if unsafe && !loginPaths[r.URL.Path] {
			sent, err := sentCSRFToken(r)
			if err != nil || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				httpx.WriteProblem(w, http.StatusForbidden, httpx.KindCSRF, "CSRF token missing or wrong",
					"send the session's token in the X-CSRF-Token header or the csrf_token form field")
				return
			}
		}
		if p.MustChangePassword && strings.HasPrefix(r.URL.Path, "/api/") && !passwordChangePaths[r.URL.Path] {
			httpx.WriteProblem(w, http.StatusForbidden, httpx.KindPasswordChange,
				"Cần đổi mật khẩu / Change your password first",
				"mật khẩu đang dùng là mật khẩu tạm: đổi nó qua POST /api/v1/auth/password / the password is temporary: change it with POST /api/v1/auth/password")
			return
		}
		ctx = context.WithValue(WithPrincipal(ctx, p), csrfKey{}, token)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// tokenMayReach answers 403 and reports false when the route takes no API token or needs a
// scope the token lacks.
func tokenMayReach(w http.ResponseWriter, r *http.Request, p Principal, need NeedFunc) bool {
	scope, declared := "", false
	if need != nil {
		scope, declared = need(r)
	}
	switch {
	case !declared:
		httpx.WriteProblem(w, http.StatusForbidden, httpx.KindInsufficientScope,
			"API token không dùng được ở đây / API tokens are not accepted here",
			"chỉ phiên đăng nhập / only a logged-in session may do this")
		return false
	case scope == NeedPublic || scope == NeedAnyToken || p.Allows(scope):
		return true
	}
	httpx.WriteProblem(w, http.StatusForbidden, httpx.KindInsufficientScope, "API token thiếu quyền / Insufficient scope",
		"yêu cầu này cần scope / this request needs the scope "+scope)
	return false
}

// passwordChangePaths are what a session with a temporary password may reach in the API:
// who it is, the change itself, and leaving. The web pages send it to their own form.
var passwordChangePaths = map[string]bool{
	"/api/v1/auth/me":       true,
	"/api/v1/auth/password": true,
	"/api/v1/auth/logout":   true,
}

// RouteNeeds are what this package's routes ask of API tokens; the others take none.
var RouteNeeds = map[string]string{
	"POST /api/v1/auth/login": NeedPublic,
	"GET /api/v1/auth/me":     NeedAnyToken,
	"GET /auth/oidc/login":    NeedPublic,
	"GET /auth/oidc/callback": NeedPublic,
}

// Require answers 401 to a request that is not authenticated and passes the others on.
func Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := RequireUser(w, r); ok {
			next.ServeHTTP(w, r)
		}
	})
}

// RequireUser returns the request's principal, or writes a 401 problem and reports false.
func RequireUser(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	p, ok := FromContext(r.Context())
	if !ok {
		httpx.WriteProblem(w, http.StatusUnauthorized, httpx.KindUnauthenticated, "Authentication required",
			"log in or send an API token (Authorization: Bearer …)")
		return Principal{}, false
	}
	return p, true
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// crossSite reports a request a browser says came from another site: Sec-Fetch-Site, or
// an Origin whose host is not the one the request was sent to.
func crossSite(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	if origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return true
	}
	// Behind a reverse proxy the Host may be the proxy's upstream; the proxy then names the
	// public host in X-Forwarded-Host. A cross-site page cannot add that header to a
	// browser's request without a CORS preflight, which this server never grants.
	return !strings.EqualFold(u.Host, r.Host) && !strings.EqualFold(u.Host, r.Header.Get("X-Forwarded-Host"))
}

// maxCSRFField bounds what is read to find a csrf_token form field.
const maxCSRFField = 1 << 10

// sentCSRFToken finds the token a request sent: the header, else the csrf_token field of a
// URL-encoded form, else the first field of a multipart form. The multipart body is only
// peeked at and then put back, so that the handler can still stream the upload.
func sentCSRFToken(r *http.Request) (string, error) {
	if t := r.Header.Get("X-CSRF-Token"); t != "" {
		return t, nil
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return "", nil
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		return r.PostFormValue("csrf_token"), nil
	case "multipart/form-data":
		var seen bytes.Buffer
		body := r.Body
		mr := multipart.NewReader(io.TeeReader(body, &seen), params["boundary"])
		part, err := mr.NextPart()
		var token string
		if err == nil && part.FormName() == "csrf_token" {
			b, _ := io.ReadAll(io.LimitReader(part, maxCSRFField))
			token = string(b)
		}
		r.Body = readCloser{Reader: io.MultiReader(bytes.NewReader(seen.Bytes()), body), Closer: body}
		return token, nil
	}
	return "", nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

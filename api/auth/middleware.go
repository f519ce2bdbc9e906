package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// ProblemBase prefixes the type of every problem+json answer.
const ProblemBase = "https://vanthu.dev/problems/"

// loginPaths may be posted with a stale session cookie and no CSRF token: logging in
// again must work from a fresh login form. The cross-site check still applies.
var loginPaths = map[string]bool{"/api/v1/auth/login": true, "/login": true}

// Middleware puts the principal of an authenticated request into its context and checks
// CSRF tokens on unsafe requests authenticated by a session cookie.
//
// A request with a bearer token that is unknown, revoked or expired is answered 401 at
// once: a client that sends a credential wants it used. A stale session cookie is simply
// cleared and the request continues unauthenticated (the handler decides).
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if bearer, ok := bearerToken(r); ok {
			p, err := s.tokenPrincipal(ctx, bearer)
			if err != nil && !errors.Is(err, errBadToken) {
				s.cfg.Logger.ErrorContext(ctx, "bearer token lookup", "error", err)
				WriteProblem(w, http.StatusServiceUnavailable, "unavailable", "Service unavailable", "")
				return
			}
			if err != nil {
				s.cfg.Logger.WarnContext(ctx, "bearer token refused", "error", err)
				w.Header().Set("WWW-Authenticate", `Bearer realm="vanthu", error="invalid_token"`)
				WriteProblem(w, http.StatusUnauthorized, "unauthenticated", "Invalid API token",
					"the bearer token is unknown, revoked or expired")
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, p)))
			return
		}
		unsafe := !isSafeMethod(r.Method)
		if unsafe && crossSite(r) {
			WriteProblem(w, http.StatusForbidden, "csrf", "Cross-site request refused",
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
			WriteProblem(w, http.StatusServiceUnavailable, "unavailable", "Service unavailable", "")
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
				WriteProblem(w, http.StatusForbidden, "csrf", "CSRF token missing or wrong",
					"send the session's token in the X-CSRF-Token header or the csrf_token form field")
				return
			}
		}
		ctx = context.WithValue(WithPrincipal(ctx, p), csrfKey{}, token)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
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
		WriteProblem(w, http.StatusUnauthorized, "unauthenticated", "Authentication required",
			"log in or send an API token (Authorization: Bearer …)")
		return Principal{}, false
	}
	return p, true
}

// RequireScope is RequireUser for an action that needs scope: a session may do anything
// its user may; an API token only what its scopes allow (else 403 insufficient-scope).
func RequireScope(w http.ResponseWriter, r *http.Request, scope string) (Principal, bool) {
	p, ok := RequireUser(w, r)
	if !ok {
		return p, false
	}
	if !p.Allows(scope) {
		WriteProblem(w, http.StatusForbidden, "insufficient-scope", "API token lacks a scope",
			"this request needs the scope "+scope)
		return Principal{}, false
	}
	return p, true
}

// WriteProblem answers an RFC 9457 problem whose type is ProblemBase+kind.
func WriteProblem(w http.ResponseWriter, status int, kind, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail,omitempty"`
	}{ProblemBase + kind, title, status, detail})
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

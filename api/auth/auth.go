// Package auth authenticates people and integrations: local accounts with sessions,
// API tokens, and optional OpenID Connect.
//
// A browser session is a random 256-bit value in the HttpOnly cookie vanthu_session; the
// database keeps only its SHA-256. Unsafe requests authenticated by that cookie must carry
// the session's CSRF token (header X-CSRF-Token or form field csrf_token) and must not come
// from another site. API tokens (Authorization: Bearer vt_…) are scoped, revocable and
// also kept only as their SHA-256; they need no CSRF token.
package auth

import (
	"context"
	_ "embed"
	"errors"
	"log/slog"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// Principal is who a request comes from.
type Principal struct {
	UserID    string
	Username  string
	SessionID string   // set for a browser session (the SHA-256 of its cookie, never the cookie)
	TokenID   string   // set for an API token
	Scopes    []string // an API token's scopes; empty for a session
	// Memberships are the user's, read with the session or token in the same round trip;
	// nil when they were not read, and the acting-as lookup reads them then.
	Memberships []engine.Membership
	// MustChangePassword: the session's password is temporary (an administrator's reset or
	// an import); until it is changed the session reaches only what changes it.
	MustChangePassword bool
}

type ctxKey struct{}

// csrfKey carries the request's CSRF token, derived from the session cookie.
type csrfKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal, if it was authenticated.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}

// ErrBadCredentials is a failed login: unknown user or wrong password, never said which.
var ErrBadCredentials = errors.New("wrong username or password")

// ThrottledError is a login refused because the username or the client address failed
// too often. It reads as ErrBadCredentials (errors.Is) so that callers answer a locked
// account exactly like a wrong password, plus a Retry-After.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string        { return ErrBadCredentials.Error() }
func (e *ThrottledError) Is(target error) bool { return target == ErrBadCredentials }

// OpenAPI is the fragment of the API description for the routes this package registers.
//
//go:embed openapi.json
var OpenAPI []byte

// Config is what the service needs.
type Config struct {
	Engine *engine.Engine
	Store  engine.Store
	Logger *slog.Logger
	// SecureCookies marks cookies Secure (served over TLS or behind a TLS proxy).
	SecureCookies bool
	// Now is the clock (tests); time.Now when nil.
	Now func() time.Time
	// IdleTimeout ends a session unused this long (default 30 minutes); SessionLifetime
	// ends it this long after login whatever the activity (default 12 hours).
	IdleTimeout     time.Duration
	SessionLifetime time.Duration
	// UserThrottle and IPThrottle limit failed logins per username and per client address.
	UserThrottle Throttle
	IPThrottle   Throttle
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client; nil
	// reads VANTHU_TRUSTED_PROXIES (see TrustedProxiesFromEnv).
	TrustedProxies []netip.Prefix
	// OIDC enables login through an OpenID Connect provider; when nil it is read from
	// VANTHU_OIDC_* (see OIDCFromEnv), and without an issuer there it stays off.
	OIDC *OIDCConfig
}

// credentialSource tells of credential changes (sqlstore.Store): the cache trusts what
// it remembers only while it is told of every one.
type credentialSource interface {
	WatchCredentials(sqlstore.CredentialWatcher) bool
}

// Throttle locks a key (a username, a client address) after Failures failed logins within
// Window, for Lockout; every further lockout within a day doubles, up to MaxLockout.
type Throttle struct {
	Failures   int
	Window     time.Duration
	Lockout    time.Duration
	MaxLockout time.Duration
}

// Defaults: five wrong passwords lock a username for 15 minutes; an address shared by a
// whole office (NAT) gets more room before it is locked.
var (
	DefaultUserThrottle = Throttle{Failures: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: 24 * time.Hour}
	DefaultIPThrottle   = Throttle{Failures: 50, Window: 15 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: 24 * time.Hour}
)

// Service authenticates requests.
type Service struct {
	cfg       Config
	dummyHash string
	oidc      *oidcClient
	cache     *credentialCache
}

// New returns the service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = 12 * time.Hour
	}
	if cfg.UserThrottle.Failures <= 0 {
		cfg.UserThrottle = DefaultUserThrottle
	}
	if cfg.IPThrottle.Failures <= 0 {
		cfg.IPThrottle = DefaultIPThrottle
	}
	if cfg.TrustedProxies == nil {
		ps, err := TrustedProxiesFromEnv()
		if err != nil {
			cfg.Logger.Error("trusting no reverse proxy", "error", err)
			ps = []netip.Prefix{}
		}
		cfg.TrustedProxies = ps
	}
	s := &Service{cfg: cfg, cache: newCredentialCache(cfg.Logger)}
	if w, ok := cfg.Store.(credentialSource); ok {
		w.WatchCredentials(s.cache)
	}
	s.dummyHash = dummyHash(cfg.Engine)
	if cfg.OIDC == nil {
		oc, err := OIDCFromEnv()
		if err != nil {
			cfg.Logger.Error("OpenID Connect is off", "error", err)
		}
		s.cfg.OIDC = oc
	}
	if s.cfg.OIDC != nil {
		s.oidc = &oidcClient{cfg: *s.cfg.OIDC}
	}
	return s
}

// Collectors are the service's metrics, for /metrics.
func (s *Service) Collectors() []prometheus.Collector { return s.cache.collectors() }

// Routes registers the authentication endpoints under /api/v1/auth, and the OpenID Connect
// login under /auth/oidc (answering 404 while it is not configured).
func (s *Service) Routes(mux httpx.Mux) {
	mux.HandleFunc("POST /api/v1/auth/login", s.handleLogin)
	mux.HandleFunc("POST /api/v1/auth/logout", s.handleLogout)
	mux.HandleFunc("GET /api/v1/auth/me", s.handleMe)
	mux.HandleFunc("POST /api/v1/auth/password", s.handlePassword)
	mux.HandleFunc("POST /api/v1/auth/tokens", s.handleTokenCreate)
	mux.HandleFunc("GET /api/v1/auth/tokens", s.handleTokenList)
	mux.HandleFunc("DELETE /api/v1/auth/tokens/{id}", s.handleTokenRevoke)
	mux.HandleFunc("GET /auth/oidc/login", s.handleOIDCLogin)
	mux.HandleFunc("GET /auth/oidc/callback", s.handleOIDCCallback)
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

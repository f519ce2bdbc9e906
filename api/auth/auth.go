// Package auth authenticates people and integrations: local accounts with sessions,
// API tokens, and optional OpenID Connect.
package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/vanthu/vanthu/engine"
)

// Principal is who a request comes from.
type Principal struct {
	UserID    string
	Username  string
	SessionID string   // set for a browser session
	TokenID   string   // set for an API token
	Scopes    []string // an API token's scopes; empty for a session
}

type ctxKey struct{}

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

// Config is what the service needs.
type Config struct {
	Engine *engine.Engine
	Store  engine.Store
	Logger *slog.Logger
	// SecureCookies marks cookies Secure (served over TLS or behind a TLS proxy).
	SecureCookies bool
}

// Service authenticates requests.
type Service struct {
	cfg Config
}

// New returns the service.
func New(cfg Config) *Service { return &Service{cfg: cfg} }

// Routes registers the authentication endpoints under /api/v1/auth.
func (s *Service) Routes(mux *http.ServeMux) {}

// Middleware puts the principal of an authenticated request into its context and checks
// CSRF tokens on unsafe requests authenticated by a session cookie.
func (s *Service) Middleware(next http.Handler) http.Handler { return next }

// Login checks a username and password and starts a session cookie on w.
func (s *Service) Login(w http.ResponseWriter, r *http.Request, username, password string) (Principal, error) {
	return Principal{}, ErrBadCredentials
}

// Logout ends the request's session.
func (s *Service) Logout(w http.ResponseWriter, r *http.Request) error { return nil }

// CSRFToken is the token a form of this session must send back (field "csrf_token" or
// header "X-CSRF-Token").
func (s *Service) CSRFToken(r *http.Request) string { return "" }

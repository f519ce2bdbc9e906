package auth

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// OIDCConfig is an OpenID Connect provider to log in with (the province's identity
// provider, VNeID through a broker…). People log in as the existing user whose username
// is the provider's preferred_username claim; nobody is created on the fly.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // https://vanthu.example/auth/oidc/callback
}

// OIDCFromEnv reads VANTHU_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _REDIRECT_URL; nil
// when no issuer is set.
func OIDCFromEnv() (*OIDCConfig, error) {
	c := &OIDCConfig{Issuer: os.Getenv("VANTHU_OIDC_ISSUER"), ClientID: os.Getenv("VANTHU_OIDC_CLIENT_ID"),
		ClientSecret: os.Getenv("VANTHU_OIDC_CLIENT_SECRET"), RedirectURL: os.Getenv("VANTHU_OIDC_REDIRECT_URL")}
	if c.Issuer == "" {
		return nil, nil
	}
	if c.ClientID == "" || c.RedirectURL == "" {
		return nil, errors.New("VANTHU_OIDC_ISSUER needs VANTHU_OIDC_CLIENT_ID and VANTHU_OIDC_REDIRECT_URL too")
	}
	if _, err := url.Parse(c.RedirectURL); err != nil {
		return nil, fmt.Errorf("VANTHU_OIDC_REDIRECT_URL: %w", err)
	}
	return c, nil
}

// oidcCookie carries state, nonce, PKCE verifier and where to go back, between the
// redirect to the provider and its callback.
const oidcCookie = "vanthu_oidc"

// oidcClient discovers the provider on first use, so that a provider that is down at
// start does not stop the server; a failed discovery is tried again on the next login.
type oidcClient struct {
	cfg      OIDCConfig
	mu       sync.Mutex
	provider *oidc.Provider
}

func (c *oidcClient) setup(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("oidc: discover %s: %w", c.cfg.Issuer, err)
		}
		c.provider = p
	}
	oc := &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: c.provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile"}}
	return c.provider, oc, nil
}

func (s *Service) handleOIDCLogin(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		httpx.WriteProblem(w, http.StatusNotFound, httpx.KindNotFound, "OpenID Connect is not configured", "")
		return
	}
	_, oc, err := s.oidc.setup(r.Context())
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "oidc login", "error", err)
		httpx.WriteProblem(w, http.StatusServiceUnavailable, httpx.KindUnavailable, "The identity provider does not answer", "")
		return
	}
	state, err1 := randomSecret("")
	nonce, err2 := randomSecret("")
	if err := errors.Join(err1, err2); err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	verifier := oauth2.GenerateVerifier()
	next := httpx.LocalPath(r.URL.Query().Get("next"))
	value := strings.Join([]string{state, nonce, verifier, base64.RawURLEncoding.EncodeToString([]byte(next))}, ".")
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: value, Path: "/auth/oidc/", MaxAge: 600,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

func (s *Service) handleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		httpx.WriteProblem(w, http.StatusNotFound, httpx.KindNotFound, "OpenID Connect is not configured", "")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/auth/oidc/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	next, err := s.oidcLogin(w, r)
	if err != nil {
		s.cfg.Logger.WarnContext(r.Context(), "oidc login refused", "error", err)
		http.Redirect(w, r, "/login?error=oidc", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// oidcLogin checks the provider's answer and starts a session; it returns where to go.
func (s *Service) oidcLogin(w http.ResponseWriter, r *http.Request) (string, error) {
	ctx := r.Context()
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return "", errors.New("no login in progress (cookie missing or expired)")
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 4 {
		return "", errors.New("malformed login cookie")
	}
	state, nonce, verifier := parts[0], parts[1], parts[2]
	nextBytes, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		return "", errors.New("malformed login cookie")
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return "", fmt.Errorf("the provider refused: %s", truncate(e, 100))
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return "", errors.New("state does not match")
	}
	provider, oc, err := s.oidc.setup(ctx)
	if err != nil {
		return "", err
	}
	tok, err := oc.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return "", fmt.Errorf("exchange code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return "", errors.New("the token answer has no id_token")
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: s.oidc.cfg.ClientID, Now: s.cfg.Now}).Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("id token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return "", errors.New("nonce does not match")
	}
	var claims struct {
		PreferredUsername string `json:"preferred_username"`
	}
	if err := idt.Claims(&claims); err != nil || claims.PreferredUsername == "" {
		return "", fmt.Errorf("id token of %s has no preferred_username", idt.Subject)
	}
	u, err := s.cfg.Store.UserGetByUsername(ctx, claims.PreferredUsername)
	if errors.Is(err, engine.ErrNotFound) {
		return "", fmt.Errorf("no user %q: users are not created at login", claims.PreferredUsername)
	}
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", fmt.Errorf("user %s is disabled", u.Username)
	}
	if old, err := r.Cookie(CookieName); err == nil {
		_ = s.cfg.Store.SessionDelete(ctx, hashSecret(old.Value))
	}
	rawSession, _, err := s.startSession(ctx, u, r)
	if err != nil {
		return "", err
	}
	s.setCookie(w, rawSession, s.cfg.SessionLifetime)
	return string(nextBytes), nil
}

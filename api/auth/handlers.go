package auth

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// UserInfo is the user as the API shows them.
type UserInfo struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Email    string `json:"email,omitempty"`
}

// MembershipInfo is one role of the user in an agency.
type MembershipInfo struct {
	AgencyID   string `json:"agency_id"`
	AgencyCode string `json:"agency_code"`
	AgencyName string `json:"agency_name"`
	UnitID     string `json:"unit_id,omitempty"`
	Role       string `json:"role"`
	Title      string `json:"title,omitempty"`
}

// Me is the answer of login and of GET /api/v1/auth/me.
type Me struct {
	User        UserInfo         `json:"user"`
	Memberships []MembershipInfo `json:"memberships"`
	CSRFToken   string           `json:"csrf_token,omitempty"`
	Scopes      []string         `json:"scopes,omitempty"`
	// MustChangePassword: every other API call answers 403 password-change-required until
	// the password is changed (POST /api/v1/auth/password).
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

type tokenInfo struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	Token      string     `json:"token,omitempty"` // only in the answer that creates it
}

func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !httpx.Decode(w, r, &in) {
		return
	}
	p, err := s.Login(w, r, in.Username, in.Password)
	if errors.Is(err, ErrBadCredentials) {
		httpx.WriteProblem(w, http.StatusUnauthorized, httpx.KindBadCredentials, "Login failed", ErrBadCredentials.Error())
		return
	}
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	me, err := s.me(r, p)
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	me.CSRFToken = SessionCSRFToken(sessionCookieSet(w))
	httpx.WriteJSON(w, http.StatusOK, me)
}

func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.Logout(w, r); err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) handleMe(w http.ResponseWriter, r *http.Request) {
	p, ok := RequireUser(w, r)
	if !ok {
		return
	}
	me, err := s.me(r, p)
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, me)
}

// handlePassword changes the caller's own password. Every session of the user ends, this
// one included; the caller gets a fresh session (and CSRF token) in the answer.
func (s *Service) handlePassword(w http.ResponseWriter, r *http.Request) {
	p, ok := RequireUser(w, r)
	if !ok {
		return
	}
	if p.TokenID != "" {
		httpx.WriteProblem(w, http.StatusForbidden, httpx.KindInsufficientScope, "Passwords are changed in a session",
			"an API token cannot change its user's password")
		return
	}
	var in struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if !httpx.Decode(w, r, &in) {
		return
	}
	ctx := r.Context()
	u, err := s.checkPassword(ctx, p.Username, in.CurrentPassword, s.clientIP(r))
	if errors.Is(err, ErrBadCredentials) {
		setRetryAfter(w, err)
		httpx.WriteProblem(w, http.StatusUnauthorized, httpx.KindBadCredentials, "Wrong current password", "")
		return
	}
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	err = s.cfg.Engine.ChangePassword(ctx, engine.Actor{UserID: u.ID}, u.ID, in.NewPassword)
	if err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
		return
	}
	raw, np, err := s.startSession(ctx, u, r)
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	s.setCookie(w, raw, s.cfg.SessionLifetime)
	me, err := s.me(r, np)
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	me.CSRFToken = SessionCSRFToken(raw)
	httpx.WriteJSON(w, http.StatusOK, me)
}

func (s *Service) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	p, ok := RequireUser(w, r)
	if !ok {
		return
	}
	if p.TokenID != "" {
		httpx.WriteProblem(w, http.StatusForbidden, httpx.KindInsufficientScope, "Tokens are created in a session",
			"an API token cannot create other tokens; log in to create one")
		return
	}
	var in struct {
		Name          string   `json:"name"`
		Scopes        []string `json:"scopes"`
		ExpiresInDays int      `json:"expires_in_days"`
	}
	if !httpx.Decode(w, r, &in) {
		return
	}
	if in.ExpiresInDays < 0 || in.ExpiresInDays > 3650 {
		httpx.Invalid(w, "expires_in_days", "0 (never) to 3650")
		return
	}
	t, err := s.CreateToken(r.Context(), p.UserID, in.Name, in.Scopes, time.Duration(in.ExpiresInDays)*24*time.Hour)
	if errors.Is(err, ErrUnknownScope) {
		httpx.Invalid(w, "scopes", err.Error())
		return
	}
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	info := toTokenInfo(t.APIToken)
	info.Token = t.Secret
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusCreated, info)
}

func (s *Service) handleTokenList(w http.ResponseWriter, r *http.Request) {
	p, ok := RequireUser(w, r)
	if !ok {
		return
	}
	ts, err := s.Tokens(r.Context(), p.UserID)
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	out := struct {
		Items []tokenInfo `json:"items"`
	}{Items: []tokenInfo{}}
	for _, t := range ts {
		out.Items = append(out.Items, toTokenInfo(t))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (s *Service) handleTokenRevoke(w http.ResponseWriter, r *http.Request) {
	p, ok := RequireUser(w, r)
	if !ok {
		return
	}
	err := s.RevokeToken(r.Context(), p.UserID, r.PathValue("id"))
	if errors.Is(err, engine.ErrNotFound) {
		httpx.WriteProblem(w, http.StatusNotFound, httpx.KindNotFound, "No such token", "no active token of yours has this id")
		return
	}
	if err != nil {
		httpx.Internal(w, r, s.cfg.Logger, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// me gathers the user and their memberships with the agencies' names.
func (s *Service) me(r *http.Request, p Principal) (Me, error) {
	ctx := r.Context()
	u, err := s.cfg.Store.UserGetByID(ctx, p.UserID)
	if err != nil {
		return Me{}, fmt.Errorf("me: %w", err)
	}
	ms, err := s.cfg.Store.MembershipListByUser(ctx, p.UserID)
	if err != nil {
		return Me{}, fmt.Errorf("me: memberships: %w", err)
	}
	out := Me{User: UserInfo{ID: u.ID, Username: u.Username, FullName: u.FullName, Email: u.Email},
		Memberships: []MembershipInfo{}, CSRFToken: s.CSRFToken(r), Scopes: p.Scopes, MustChangePassword: u.MustChangePassword}
	agencies := map[string]engine.Agency{}
	for _, m := range ms {
		a, ok := agencies[m.AgencyID]
		if !ok {
			if a, err = s.cfg.Store.AgencyGetByID(ctx, m.AgencyID); err != nil {
				return Me{}, fmt.Errorf("me: agency: %w", err)
			}
			agencies[m.AgencyID] = a
		}
		out.Memberships = append(out.Memberships, MembershipInfo{AgencyID: a.ID, AgencyCode: a.Code, AgencyName: a.Name,
			UnitID: m.UnitID, Role: string(m.Role), Title: m.Title})
	}
	return out, nil
}

func toTokenInfo(t engine.APIToken) tokenInfo {
	return tokenInfo{ID: t.ID, Name: t.Name, Scopes: t.Scopes, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt,
		RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
}

// sessionCookieSet is the session cookie value Login just set on w.
func sessionCookieSet(w http.ResponseWriter) string {
	for _, line := range w.Header().Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == CookieName && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

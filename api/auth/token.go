package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// TokenPrefix starts every API token, so that a leaked one is easy to recognise.
const TokenPrefix = "vt_"

// Scopes an API token can hold. "read" allows every ":read" scope; "write" allows every
// scope but "admin"; "X:write" allows "X:read".
var Scopes = []string{
	"read", "write",
	"documents:read", "documents:write",
	"archive:read", "archive:write",
	"events:read",
	"admin",
}

// ErrUnknownScope is a scope not in Scopes.
var ErrUnknownScope = errors.New("unknown scope")

// errBadToken is a bearer token that is not (or no longer) valid, as opposed to a failure
// to look it up.
var errBadToken = errors.New("invalid API token")

// HasScope reports whether the request's principal may act within scope: a session may
// (what its user may do is then up to the engine); an API token only within its scopes.
func HasScope(ctx context.Context, scope string) bool {
	p, ok := FromContext(ctx)
	return ok && p.Allows(scope)
}

// Allows reports whether p may act within scope.
func (p Principal) Allows(scope string) bool {
	if p.TokenID == "" {
		return p.UserID != ""
	}
	area, level, _ := strings.Cut(scope, ":")
	for _, s := range p.Scopes {
		switch {
		case s == scope,
			s == "write" && scope != "admin",
			s == "read" && (scope == "read" || level == "read"),
			level == "read" && s == area+":write":
			return true
		}
	}
	return false
}

// NewToken is a token just created: the only time its secret is seen.
type NewToken struct {
	engine.APIToken
	Secret string
}

// CreateToken issues an API token to a user. ttl 0 means it does not expire.
func (s *Service) CreateToken(ctx context.Context, userID, name string, scopes []string, ttl time.Duration) (NewToken, error) {
	if len(scopes) == 0 {
		return NewToken{}, fmt.Errorf("create token: %w: at least one scope is needed", ErrUnknownScope)
	}
	for _, sc := range scopes {
		if !slices.Contains(Scopes, sc) {
			return NewToken{}, fmt.Errorf("create token: %w: %q (known: %s)", ErrUnknownScope, sc, strings.Join(Scopes, ", "))
		}
	}
	if ttl < 0 {
		return NewToken{}, fmt.Errorf("create token: expiry must be in the future")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "token"
	}
	secret, err := randomSecret(TokenPrefix)
	if err != nil {
		return NewToken{}, err
	}
	now := s.now()
	t := engine.APIToken{ID: engine.NewID(), UserID: userID, Name: truncate(name, 100), Hash: hashSecret(secret),
		Scopes: slices.Compact(slices.Sorted(slices.Values(scopes))), CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	err = s.cfg.Engine.AuthChange(ctx, userID, "token_create", "api_token", t.ID,
		map[string]any{"name": t.Name, "scopes": t.Scopes, "expires_at": t.ExpiresAt},
		func(q engine.Queries) error {
			if _, err := q.UserGetByID(ctx, userID); err != nil {
				return fmt.Errorf("user: %w", err)
			}
			return q.APITokenInsert(ctx, &t)
		})
	if err != nil {
		return NewToken{}, fmt.Errorf("create token: %w", err)
	}
	return NewToken{APIToken: t, Secret: secret}, nil
}

// Tokens lists a user's tokens (without secrets, which are not kept).
func (s *Service) Tokens(ctx context.Context, userID string) ([]engine.APIToken, error) {
	ts, err := s.cfg.Store.APITokenListByUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes one of a user's tokens; another user's token is ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID string) error {
	err := s.cfg.Engine.AuthChange(ctx, userID, "token_revoke", "api_token", tokenID, nil, func(q engine.Queries) error {
		t, err := q.APITokenGetByID(ctx, tokenID)
		if err != nil {
			return err
		}
		if t.UserID != userID {
			return engine.ErrNotFound
		}
		return q.APITokenRevoke(ctx, tokenID, s.now())
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// tokenPrincipal authenticates a bearer token.
func (s *Service) tokenPrincipal(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return Principal{}, fmt.Errorf("%w: not a vanthu API token", errBadToken)
	}
	key := hashSecret(secret)
	now := s.now()
	if p, ok := s.cache.get(key, now, touchEvery); ok {
		return p, nil
	}
	gen := s.cache.generation()
	t, u, memberships, err := s.cfg.Store.APITokenGetByHash(ctx, key)
	if errors.Is(err, engine.ErrNotFound) {
		return Principal{}, fmt.Errorf("%w: unknown", errBadToken)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("api token: %w", err)
	}
	switch {
	case t.RevokedAt != nil:
		return Principal{}, fmt.Errorf("%w: %s was revoked", errBadToken, t.ID)
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return Principal{}, fmt.Errorf("%w: %s expired", errBadToken, t.ID)
	}
	if u.Disabled {
		return Principal{}, fmt.Errorf("%w: %s: user disabled", errBadToken, t.ID)
	}
	lastUsed := now
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < touchEvery {
		lastUsed = *t.LastUsedAt
	} else if err := s.cfg.Store.APITokenTouch(ctx, t.ID, now); err != nil {
		return Principal{}, fmt.Errorf("api token %s: %w", t.ID, err)
	}
	p := Principal{UserID: u.ID, Username: u.Username, TokenID: t.ID, Scopes: t.Scopes, Memberships: memberships}
	e := cachedCredential{p: p, lastSeen: lastUsed}
	if t.ExpiresAt != nil {
		e.expiresAt = *t.ExpiresAt
	}
	s.cache.put(gen, key, e)
	return p, nil
}

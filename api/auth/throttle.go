package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/password"
)

// strikeMemory is how long a past lockout makes the next one longer.
const strikeMemory = 24 * time.Hour

// checkPassword is the throttled password check of a login: it refuses a locked username
// or address at once, and counts a failure against both. The username key does not
// depend on whether the user exists, so a lockout tells nothing about that either.
func (s *Service) checkPassword(ctx context.Context, username, plain, ip string) (engine.User, error) {
	userKey, ipKey := "user:"+strings.ToLower(username), "ip:"+ip
	now := s.now()
	for _, key := range []string{userKey, ipKey} {
		l, err := s.cfg.Store.LoginLockGet(ctx, key)
		if err != nil && !errors.Is(err, engine.ErrNotFound) {
			return engine.User{}, fmt.Errorf("login: %w", err)
		}
		if err == nil && now.Before(l.LockedUntil) {
			return engine.User{}, &ThrottledError{RetryAfter: l.LockedUntil.Sub(now)}
		}
	}
	u, err := s.verify(ctx, username, plain)
	if err == nil {
		if err := s.cfg.Store.LoginFailureClear(ctx, userKey); err != nil {
			return engine.User{}, fmt.Errorf("login: %w", err)
		}
		return u, nil
	}
	if !errors.Is(err, ErrBadCredentials) {
		return engine.User{}, err
	}
	retry, err := s.recordFailure(ctx, u.ID, ip, userKey, ipKey, now)
	if err != nil {
		return engine.User{}, err
	}
	if retry > 0 {
		return engine.User{}, &ThrottledError{RetryAfter: retry}
	}
	return engine.User{}, ErrBadCredentials
}

// verify checks the password through the engine; an unknown username costs one argon2id
// computation too. On a wrong password it still returns the user (for the audit). The
// user is looked up again only on a refusal, so a good login reads it once.
func (s *Service) verify(ctx context.Context, username, plain string) (engine.User, error) {
	got, err := s.cfg.Engine.Authenticate(ctx, username, plain)
	if err == nil {
		return got, nil
	}
	if !errors.Is(err, engine.ErrBadLogin) {
		return engine.User{}, fmt.Errorf("login: %w", err)
	}
	u, err := s.cfg.Store.UserGetByUsername(ctx, username)
	if errors.Is(err, engine.ErrNotFound) {
		_ = password.Check(plain, s.dummyHash)
		return engine.User{}, ErrBadCredentials
	}
	if err != nil {
		return engine.User{}, fmt.Errorf("login: %w", err)
	}
	return u, ErrBadCredentials
}

// recordFailure counts a failed login against the username and the address and locks
// whichever went over its limit; it returns how long the longer new lock lasts (0: none).
// The failure is audited in the user's agencies when the user exists.
func (s *Service) recordFailure(ctx context.Context, userID, ip, userKey, ipKey string, now time.Time) (time.Duration, error) {
	var retry time.Duration
	var locked []string
	err := s.cfg.Engine.AuthChange(ctx, userID, "login_failed", "user", userID, map[string]any{"ip": ip},
		func(q engine.Queries) error {
			for _, k := range []struct {
				key string
				t   Throttle
			}{{userKey, s.cfg.UserThrottle}, {ipKey, s.cfg.IPThrottle}} {
				d, err := s.countFailure(ctx, q, k.key, k.t, now)
				if err != nil {
					return err
				}
				if d > 0 {
					locked = append(locked, k.key)
				}
				retry = max(retry, d)
			}
			return nil
		})
	if err != nil {
		return 0, fmt.Errorf("login: record failure: %w", err)
	}
	if len(locked) > 0 {
		s.cfg.Logger.WarnContext(ctx, "login locked", "keys", locked, "for", retry.String())
		err := s.cfg.Engine.AuthChange(ctx, userID, "login_locked", "user", userID,
			map[string]any{"ip": ip, "until": now.Add(retry), "keys": locked}, nil)
		if err != nil {
			return 0, fmt.Errorf("login: audit lockout: %w", err)
		}
	}
	return retry, nil
}

// countFailure adds one failure to key and, when the window holds t.Failures of them,
// locks key: t.Lockout doubled for each lockout in the last day, at most t.MaxLockout.
func (s *Service) countFailure(ctx context.Context, q engine.Queries, key string, t Throttle, now time.Time) (time.Duration, error) {
	since := now.Add(-t.Window)
	if err := q.LoginFailureAdd(ctx, key, now, since); err != nil {
		return 0, err
	}
	n, err := q.LoginFailureCount(ctx, key, since)
	if err != nil || n < t.Failures {
		return 0, err
	}
	strikes := 0
	prev, err := q.LoginLockGet(ctx, key)
	switch {
	case err == nil && now.Sub(prev.LockedUntil) < strikeMemory:
		strikes = prev.Strikes
	case err != nil && !errors.Is(err, engine.ErrNotFound):
		return 0, err
	}
	d := t.Lockout
	for i := 0; i < strikes && d < t.MaxLockout; i++ {
		d *= 2
	}
	d = min(d, t.MaxLockout)
	if err := q.LoginLockPut(ctx, engine.LoginLock{Key: key, LockedUntil: now.Add(d), Strikes: strikes + 1}); err != nil {
		return 0, err
	}
	return d, q.LoginFailureClear(ctx, key)
}

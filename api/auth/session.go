package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/password"
)

// CookieName is the session cookie.
const CookieName = "vanthu_session"

// touchEvery limits the writes that keep a session alive to one a minute per session.
const touchEvery = time.Minute

// Login checks a username and password and starts a session cookie on w. Any session the
// request already had is ended first, so a session id planted before login is worthless.
// A refused login is ErrBadCredentials; when the username or the address is locked it is
// a *ThrottledError (still ErrBadCredentials) and w carries Retry-After.
func (s *Service) Login(w http.ResponseWriter, r *http.Request, username, password string) (Principal, error) {
	ctx := r.Context()
	username = strings.TrimSpace(username)
	u, err := s.checkPassword(ctx, username, password, s.clientIP(r))
	if err != nil {
		setRetryAfter(w, err)
		return Principal{}, err
	}
	if c, err := r.Cookie(CookieName); err == nil {
		_ = s.cfg.Store.SessionDelete(ctx, hashSecret(c.Value))
	}
	raw, p, err := s.startSession(ctx, u, r)
	if err != nil {
		return Principal{}, err
	}
	s.setCookie(w, raw, s.cfg.SessionLifetime)
	return p, nil
}

// setRetryAfter tells a throttled client, in whole seconds rounded up, when to try again.
func setRetryAfter(w http.ResponseWriter, err error) {
	var te *ThrottledError
	if errors.As(err, &te) {
		w.Header().Set("Retry-After", fmt.Sprint(int(te.RetryAfter.Seconds()+0.999)))
	}
}

// startSession stores a new session of u and returns its cookie value.
func (s *Service) startSession(ctx context.Context, u engine.User, r *http.Request) (string, Principal, error) {
	raw, err := randomSecret("")
	if err != nil {
		return "", Principal{}, err
	}
	now := s.now()
	sess := engine.Session{IDHash: hashSecret(raw), UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionLifetime), ClientIP: s.clientIP(r), UserAgent: truncate(r.UserAgent(), 200)}
	err = s.cfg.Engine.AuthChange(ctx, u.ID, "login", "user", u.ID, map[string]any{"ip": sess.ClientIP},
		func(q engine.Queries) error {
			// Old sessions are swept here rather than by a timer: logins are frequent enough.
			if _, err := q.SessionDeleteExpired(ctx, now, now.Add(-s.cfg.IdleTimeout)); err != nil {
				return err
			}
			return q.SessionInsert(ctx, &sess)
		})
	if err != nil {
		return "", Principal{}, fmt.Errorf("start session: %w", err)
	}
	return raw, Principal{UserID: u.ID, Username: u.Username, SessionID: sess.IDHash}, nil
}

// Logout ends the request's session.
func (s *Service) Logout(w http.ResponseWriter, r *http.Request) error {
	s.clearCookie(w)
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil
	}
	idHash := hashSecret(c.Value)
	p, _ := FromContext(r.Context())
	err = s.cfg.Engine.AuthChange(r.Context(), p.UserID, "logout", "user", p.UserID, nil, func(q engine.Queries) error {
		err := q.SessionDelete(r.Context(), idHash)
		if errors.Is(err, engine.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// CSRFToken is the token a form of this session must send back (field "csrf_token" or
// header "X-CSRF-Token"); "" when the request has no session. It is an HMAC of the
// session's secret, so it needs no storage and dies with the session.
func (s *Service) CSRFToken(r *http.Request) string {
	if t, ok := r.Context().Value(csrfKey{}).(string); ok {
		return t
	}
	return ""
}

// SessionCSRFToken is the CSRF token of the session whose cookie value is raw, for the
// response of a login (whose request did not carry the new cookie yet).
func SessionCSRFToken(raw string) string {
	m := hmac.New(sha256.New, []byte(raw))
	m.Write([]byte("vanthu csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// session finds the live session of a cookie value; ok is false when there is none.
func (s *Service) session(ctx context.Context, raw string) (Principal, bool, error) {
	idHash := hashSecret(raw)
	now := s.now()
	if p, ok := s.cache.get(idHash, now, s.cfg.IdleTimeout); ok {
		return p, true, nil
	}
	gen := s.cache.generation()
	sess, u, memberships, err := s.cfg.Store.SessionGet(ctx, idHash)
	if errors.Is(err, engine.ErrNotFound) {
		return Principal{}, false, nil
	}
	if err != nil {
		return Principal{}, false, err
	}
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout {
		if err := s.cfg.Store.SessionDelete(ctx, idHash); err != nil && !errors.Is(err, engine.ErrNotFound) {
			return Principal{}, false, err
		}
		return Principal{}, false, nil
	}
	if u.Disabled {
		return Principal{}, false, nil
	}
	lastSeen := sess.LastSeenAt
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.cfg.Store.SessionTouch(ctx, idHash, now); err != nil && !errors.Is(err, engine.ErrNotFound) {
			return Principal{}, false, err
		}
		lastSeen = now
	}
	p := Principal{UserID: u.ID, Username: u.Username, SessionID: idHash, Memberships: memberships,
		MustChangePassword: u.MustChangePassword}
	s.cache.put(gen, idHash, cachedCredential{p: p, expiresAt: sess.ExpiresAt, lastSeen: lastSeen})
	return p, true, nil
}

func (s *Service) setCookie(w http.ResponseWriter, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Service) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// randomSecret is 256 random bits, URL-safe, after a prefix.
func randomSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is what the database keeps of a session cookie or an API token.
func hashSecret(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// clientIP is the address a request comes from: the peer, or — when the peer is a trusted
// reverse proxy — the nearest address in X-Forwarded-For that is not one of the proxies.
// Without that, every login behind a proxy would count against one address.
func (s *Service) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Service) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// TrustedProxiesFromEnv reads VANTHU_TRUSTED_PROXIES (comma-separated addresses or CIDR
// prefixes); unset means loopback only, the usual reverse proxy on the same machine.
func TrustedProxiesFromEnv() ([]netip.Prefix, error) {
	v := os.Getenv("VANTHU_TRUSTED_PROXIES")
	if v == "" {
		return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}, nil
	}
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("VANTHU_TRUSTED_PROXIES: %w", err)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("VANTHU_TRUSTED_PROXIES: %w", err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// dummyHash is a hash with the engine's costs, checked against when the username is
// unknown so that an unknown user takes as long to refuse as a wrong password.
func dummyHash(e *engine.Engine) string {
	params := password.Default
	if e != nil {
		params = e.PasswordParams
	}
	h, err := password.Hash("vanthu: no such user", params)
	if err != nil {
		return ""
	}
	return h
}

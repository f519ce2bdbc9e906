package auth

import (
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vanthu/vanthu/storage/sqlstore"
)

// maxCachedCredentials bounds the memory of the cache: a province's staff signed in at
// once, with their tokens, several times over.
const maxCachedCredentials = 100_000

// credentialCache remembers the sessions and API tokens this node has checked, so that a
// request does not read them again; each is read, and its last use written, once a minute.
//
// It serves only while the store's change feed is live (PostgreSQL's NOTIFY, which every
// node hears as a change commits), and this node's own changes reach it before the
// request that made them answers: a logout, a revoked token, a disabled account, a new
// password or a removed role take effect at once here, and on other nodes as soon as the
// notification arrives. A read that overlaps a change is not remembered (gen). On SQLite
// the feed is never live and every request reads the database.
type credentialCache struct {
	logger  *slog.Logger
	mu      sync.RWMutex
	live    bool
	gen     uint64 // moves on every change: a read begun before it must not be remembered
	entries map[string]cachedCredential
	byUser  map[string][]string // user id: the keys of their entries
	lookups *prometheus.CounterVec
	// fromMemory and fromDatabase are lookups' two series, resolved once: every request
	// counts in one of them.
	fromMemory, fromDatabase prometheus.Counter
}

// cachedCredential is a checked session or token, keyed by the hash of its secret.
type cachedCredential struct {
	p         Principal
	expiresAt time.Time // zero: a token without expiry
	lastSeen  time.Time // the last use written to the database
}

func newCredentialCache(logger *slog.Logger) *credentialCache {
	c := &credentialCache{logger: logger, entries: map[string]cachedCredential{}, byUser: map[string][]string{},
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vanthu_credential_lookups_total",
			Help: "Sessions and API tokens checked, by where they were found: memory or database.",
		}, []string{"from"})}
	c.fromMemory, c.fromDatabase = c.lookups.WithLabelValues("memory"), c.lookups.WithLabelValues("database")
	return c
}

// get returns the principal of a credential checked and used less than a minute ago,
// whose end has not come.
func (c *credentialCache) get(key string, now time.Time, idle time.Duration) (Principal, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	live := c.live
	c.mu.RUnlock()
	if !ok || !live || (!e.expiresAt.IsZero() && !now.Before(e.expiresAt)) || now.Sub(e.lastSeen) >= min(touchEvery, idle) {
		c.fromDatabase.Inc()
		return Principal{}, false
	}
	c.fromMemory.Inc()
	p := e.p
	p.Memberships, p.Scopes = slices.Clone(p.Memberships), slices.Clone(p.Scopes)
	return p, true
}

// generation is read before the database is: put remembers only if nothing changed since.
func (c *credentialCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

func (c *credentialCache) put(gen uint64, key string, e cachedCredential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || gen != c.gen {
		return
	}
	if len(c.entries) >= maxCachedCredentials {
		c.forget()
	}
	// The principal also goes to the request that read it: the cache keeps its own slices.
	e.p.Memberships, e.p.Scopes = slices.Clone(e.p.Memberships), slices.Clone(e.p.Scopes)
	if _, ok := c.entries[key]; !ok {
		c.byUser[e.p.UserID] = append(c.byUser[e.p.UserID], key)
	}
	c.entries[key] = e
}

// CredentialsChanged forgets what the change touches (sqlstore.CredentialWatcher).
func (c *credentialCache) CredentialsChanged(ch sqlstore.CredentialChange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	userID := ch.UserID
	if e, ok := c.entries[ch.SessionHash]; ok && ch.SessionHash != "" {
		userID = e.p.UserID
	}
	if ch.TokenID != "" {
		// A token's entry is found through its user, whom the change does not name.
		for _, e := range c.entries {
			if e.p.TokenID == ch.TokenID {
				userID = e.p.UserID
				break
			}
		}
	}
	// Everything of the user goes: simpler than telling which entry the change touched,
	// and changes are rare next to requests.
	for _, k := range c.byUser[userID] {
		delete(c.entries, k)
	}
	delete(c.byUser, userID)
}

// CredentialFeed turns the cache on while the feed is live; any change in between may
// have been missed, so everything is forgotten either way (sqlstore.CredentialWatcher).
func (c *credentialCache) CredentialFeed(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = live
	c.gen++
	c.forget()
	if live {
		c.logger.Info("credential feed live: checked sessions and tokens are remembered")
	} else {
		c.logger.Warn("credential feed lost: every request reads its session or token from the database until it is back")
	}
}

func (c *credentialCache) forget() {
	clear(c.entries)
	clear(c.byUser)
}

// collectors are the cache's metrics: its lookups, its size and whether its feed is live.
func (c *credentialCache) collectors() []prometheus.Collector {
	read := func(f func() float64) func() float64 {
		return func() float64 { c.mu.RLock(); defer c.mu.RUnlock(); return f() }
	}
	return []prometheus.Collector{c.lookups,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vanthu_credential_feed_live",
			Help: "1 while the database tells this node of every credential change, so checked sessions are remembered."},
			read(func() float64 {
				if c.live {
					return 1
				}
				return 0
			})),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vanthu_credentials_remembered",
			Help: "Sessions and API tokens this node remembers having checked."},
			read(func() float64 { return float64(len(c.entries)) })),
	}
}

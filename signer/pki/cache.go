package pki

import (
	"sync"
	"time"
)

// ttlCache keeps verified answers until their NextUpdate. It is bounded:
// when full, expired entries go first, then the entry closest to expiry,
// so a flood of distinct certificates cannot grow memory without limit.
type ttlCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]cacheEntry
}

type cacheEntry struct {
	value   []byte
	expires time.Time
}

func newTTLCache(max int) *ttlCache {
	if max <= 0 {
		max = defaultCacheEntries
	}
	return &ttlCache{max: max, entries: make(map[string]cacheEntry)}
}

func (c *ttlCache) get(key string, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		delete(c.entries, key)
		return nil, false
	}
	return e.value, true
}

func (c *ttlCache) put(key string, value []byte, expires, now time.Time) {
	if !now.Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[key] = cacheEntry{value: value, expires: expires}
}

// evict drops expired entries, or if none, the one expiring soonest.
func (c *ttlCache) evict(now time.Time) {
	var victim string
	var soonest time.Time
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
			continue
		}
		if victim == "" || e.expires.Before(soonest) {
			victim, soonest = k, e.expires
		}
	}
	if len(c.entries) >= c.max && victim != "" {
		delete(c.entries, victim)
	}
}

package verify

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"
)

// DefaultCacheSize is the number of entries of the cache Verify shares when
// Options.Cache is nil: a few MB at most.
const DefaultCacheSize = 1024

// maxChainsPerLeaf bounds the paths kept for one certificate (cross-signed
// CAs give a leaf more than one).
const maxChainsPerLeaf = 4

var sharedCache = NewCache(DefaultCacheSize)

// Cache remembers work that gives the same answer for the same inputs, so
// verifying many documents from the same signers does not repeat it:
//
//   - certificate paths whose signatures crypto/x509 has verified, by leaf.
//     A path is used again only when, for this verification, its root is in
//     Options.Roots, each intermediate is one the path builder could have
//     used (in the document, Options.Intermediates or Options.Roots) and every
//     certificate is valid at the validation time; otherwise the path is
//     built again. So a changed trust set never meets a stale path.
//   - revocation answers fetched online, by certificate and issuer, only
//     while the answer is current (thisUpdate ≤ now < nextUpdate, now being
//     Options.Now); an answer without nextUpdate is not kept. Revocation
//     data inside the document is always read first and is never cached.
//     Only a Cache given in Options keeps these (see Options.Cache).
//
// It is bounded (least recently used entries go first) and safe for
// concurrent use.
type Cache struct {
	entries *lru[cacheKey, *cacheEntry]
}

// NewCache returns a cache of at most size entries; size ≤ 0 caches nothing.
func NewCache(size int) *Cache {
	return &Cache{entries: newLRU[cacheKey, *cacheEntry](size)}
}

type cacheKey struct {
	kind byte // 'c' chains by leaf, 'r' revocation by certificate and issuer
	sum  [sha256.Size]byte
}

type cacheEntry struct {
	chains [][]*x509.Certificate
	status certStatus
}

func chainKey(leaf *x509.Certificate) cacheKey {
	return cacheKey{kind: 'c', sum: sha256.Sum256(leaf.Raw)}
}

func revocationKey(cert, issuer *x509.Certificate) cacheKey {
	h := sha256.New()
	h.Write(cert.Raw)
	h.Write(issuer.Raw)
	k := cacheKey{kind: 'r'}
	h.Sum(k.sum[:0])
	return k
}

// chains returns the verified paths known for leaf.
func (c *Cache) chains(leaf *x509.Certificate) [][]*x509.Certificate {
	if c == nil {
		return nil
	}
	e, _ := c.entries.get(chainKey(leaf))
	if e == nil {
		return nil
	}
	return e.chains
}

// addChain remembers a path crypto/x509 verified for its leaf.
func (c *Cache) addChain(chain []*x509.Certificate) {
	if c == nil || len(chain) == 0 {
		return
	}
	chain, err := detach(chain)
	if err != nil {
		return
	}
	key := chainKey(chain[0])
	var chains [][]*x509.Certificate
	if e, ok := c.entries.get(key); ok {
		chains = e.chains
	}
	for _, have := range chains {
		if sameChain(have, chain) {
			return
		}
	}
	// A new slice: readers may still hold the old one. Two verifications
	// adding at once may keep only one of their paths, which costs a rebuild.
	chains = append([][]*x509.Certificate{chain}, chains[:min(len(chains), maxChainsPerLeaf-1)]...)
	c.entries.put(key, &cacheEntry{chains: chains})
}

// revocation returns a cached online answer for cert that is current at now.
func (c *Cache) revocation(cert, issuer *x509.Certificate, now time.Time) (certStatus, bool) {
	if c == nil {
		return certStatus{}, false
	}
	e, _ := c.entries.get(revocationKey(cert, issuer))
	if e == nil || !e.status.currentAt(now) {
		return certStatus{}, false
	}
	return e.status, true
}

// addRevocation keeps an online answer until its nextUpdate.
func (c *Cache) addRevocation(cert, issuer *x509.Certificate, st certStatus, now time.Time) {
	if c == nil || !st.currentAt(now) {
		return
	}
	c.entries.put(revocationKey(cert, issuer), &cacheEntry{status: st})
}

// Len returns the number of entries.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	return c.entries.len()
}

// lru is a map of at most max entries that drops the least recently used;
// it is safe for concurrent use.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used; values are *lruItem
	byKey map[K]*list.Element
}

type lruItem[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](size int) *lru[K, V] {
	return &lru[K, V]{max: size, order: list.New(), byKey: map[K]*list.Element{}}
}

func (l *lru[K, V]) get(key K) (V, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(el)
	return el.Value.(*lruItem[K, V]).val, true
}

func (l *lru[K, V]) put(key K, val V) {
	if l.max <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.byKey[key]; ok {
		el.Value.(*lruItem[K, V]).val = val
		l.order.MoveToFront(el)
		return
	}
	l.byKey[key] = l.order.PushFront(&lruItem[K, V]{key: key, val: val})
	for l.order.Len() > l.max {
		last := l.order.Back()
		delete(l.byKey, last.Value.(*lruItem[K, V]).key)
		l.order.Remove(last)
	}
}

func (l *lru[K, V]) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order.Len()
}

// detach parses the chain's certificates again from copies of their bytes:
// a parsed certificate points into the bytes it was read from, which may be
// a whole document that the cache must not keep alive.
func detach(chain []*x509.Certificate) ([]*x509.Certificate, error) {
	out := make([]*x509.Certificate, len(chain))
	for i, c := range chain {
		d, err := x509.ParseCertificate(bytes.Clone(c.Raw))
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

func sameChain(a, b []*x509.Certificate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

package pki

import (
	"testing"
	"time"
)

func TestTTLCacheStaysBounded(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := newTTLCache(2)
	c.put("soon", []byte("1"), now.Add(time.Minute), now)
	c.put("late", []byte("2"), now.Add(time.Hour), now)
	c.put("new", []byte("3"), now.Add(30*time.Minute), now)
	if len(c.entries) != 2 {
		t.Fatalf("cache holds %d entries, want at most 2", len(c.entries))
	}
	if _, ok := c.get("soon", now); ok {
		t.Error("the entry closest to expiry survived eviction")
	}
	if v, ok := c.get("late", now); !ok || string(v) != "2" {
		t.Errorf("get(late) = %q, %v; want 2, true", v, ok)
	}
	if _, ok := c.get("new", now.Add(31*time.Minute)); ok {
		t.Error("an expired entry was returned")
	}
}

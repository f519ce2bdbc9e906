package postgres

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/storage/testenv"
)

// TestFeedStaysLiveThroughQuietSpells checks that a feed with nothing to say proves its
// connection with pings and keeps listening, rather than going dark or deaf, and tells
// each watcher what is sent on its own channel. NOTIFY reaches every schema of the
// database: the other tests' changes may be heard too.
func TestFeedStaysLiveThroughQuietSpells(t *testing.T) {
	quiet := feedQuiet
	feedQuiet = 50 * time.Millisecond
	t.Cleanup(func() { feedQuiet = quiet })
	ctx := context.Background()
	store, err := Open(ctx, testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	d := &driver{pool: store.Raw().(*pgxpool.Pool)}
	t.Cleanup(d.feed.stop)

	var mu sync.Mutex
	var heard, agencies, states []string
	d.ListenCredentials(func(user string) { mu.Lock(); heard = append(heard, user); mu.Unlock() },
		func(live bool) {
			mu.Lock()
			states = append(states, map[bool]string{true: "live", false: "dark"}[live])
			mu.Unlock()
		})
	d.ListenWebhooks(func(agency string) { mu.Lock(); agencies = append(agencies, agency); mu.Unlock() }, func(bool) {})
	snapshot := func() ([]string, []string) {
		mu.Lock()
		defer mu.Unlock()
		return append(append([]string(nil), heard...), agencies...), append([]string(nil), states...)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, s := snapshot(); len(s) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the feed never went live")
		}
	}
	time.Sleep(10 * feedQuiet)
	if _, err := d.pool.Exec(ctx, `SELECT pg_notify('vanthu_credentials', 'someone'), pg_notify('vanthu_webhooks', 'some agency')`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		h, s := snapshot()
		if len(s) != 1 {
			t.Fatalf("the feed went %v; want live once", s)
		}
		if slices.Contains(h, "someone") && slices.Contains(h, "some agency") {
			mu.Lock()
			defer mu.Unlock()
			if slices.Contains(heard, "some agency") || slices.Contains(agencies, "someone") {
				t.Fatalf("a watcher heard another channel: credentials %v, webhooks %v", heard, agencies)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications not heard after ten quiet spells (heard %v)", h)
		}
	}
}

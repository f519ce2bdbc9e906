package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// The feed's channels: as each change commits, the triggers of migration 031 send the id
// of every user whose account, memberships, sessions or API tokens changed, and those of
// 032 the id of every agency whose webhook subscriptions changed.
const (
	credentialChannel = "vanthu_credentials"
	webhookChannel    = "vanthu_webhooks"
)

// A feed quiet for feedQuiet must answer a ping within feedPing, or it goes dark and
// reconnects: what a node remembers is trusted that long at most after a silent loss.
var (
	feedQuiet = 10 * time.Second
	feedPing  = 2 * time.Second
)

// feed is the driver's one LISTEN connection, on every channel, shared by its watchers and
// ended with the driver.
type feed struct {
	mu       sync.Mutex
	watchers []feedWatcher
	live     bool
	cancel   context.CancelFunc
	done     chan struct{}
}

type feedWatcher struct {
	channel string
	changed func(id string)
	live    func(bool)
}

// ListenCredentials implements sqlstore.CredentialListener.
func (d *driver) ListenCredentials(changed func(string), live func(bool)) {
	d.listen(feedWatcher{credentialChannel, changed, live})
}

// ListenWebhooks implements sqlstore.WebhookListener.
func (d *driver) ListenWebhooks(changed func(string), live func(bool)) {
	d.listen(feedWatcher{webhookChannel, changed, live})
}

func (d *driver) listen(w feedWatcher) {
	f := &d.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	f.watchers = append(f.watchers, w)
	if f.live {
		w.live(true)
	}
	if f.done == nil {
		ctx, cancel := context.WithCancel(context.Background())
		f.cancel, f.done = cancel, make(chan struct{})
		cfg := d.pool.Config().ConnConfig.Copy()
		cfg.Tracer = nil // the feed's statements are not the store's
		go func() {
			defer close(f.done)
			f.run(ctx, cfg)
		}()
	}
}

// run listens until ctx ends, connecting again after a loss; the watchers hear the feed
// go dark at once and come back only once LISTEN holds again.
func (f *feed) run(ctx context.Context, cfg *pgx.ConnConfig) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		if f.listen(ctx, cfg) {
			wait = 100 * time.Millisecond // it held for a while: the next try is quick
		}
		if ctx.Err() != nil {
			return // the store is closing: nothing is served from it any more
		}
		f.setLive(false)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// listen holds one connection until it fails; it reports whether it got to listen.
func (f *feed) listen(ctx context.Context, cfg *pgx.ConnConfig) bool {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// One statement, so that the feed goes live on every channel at once.
	if _, err := conn.Exec(ctx, "LISTEN "+credentialChannel+"; LISTEN "+webhookChannel); err != nil {
		return false
	}
	f.setLive(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, feedQuiet)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			// Quiet for a while: a connection that died without a word (a partition) would
			// keep the feed live and deaf, so it must answer a ping to stay trusted.
			pctx, cancel := context.WithTimeout(ctx, feedPing)
			err = conn.Ping(pctx)
			cancel()
			if err == nil {
				continue
			}
		}
		if err != nil {
			return true
		}
		f.mu.Lock()
		ws := f.watchers
		f.mu.Unlock()
		for _, w := range ws {
			if w.channel == n.Channel {
				w.changed(n.Payload)
			}
		}
	}
}

func (f *feed) setLive(live bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live == live {
		return
	}
	f.live = live
	for _, w := range f.watchers {
		w.live(live)
	}
}

// stop ends the listening and waits for it.
func (f *feed) stop() {
	f.mu.Lock()
	cancel, done := f.cancel, f.done
	f.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

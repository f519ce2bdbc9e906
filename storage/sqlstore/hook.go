package sqlstore

import (
	"context"
	"sync"

	"github.com/vanthu/vanthu/engine"
)

// TxHook runs at the end of every write transaction of the store, before it commits, with
// what the transaction recorded. Work that follows from a change (webhook deliveries,
// e-mails) is enqueued here so that it commits with the change or not at all; an error
// rolls the whole transaction back.
type TxHook func(ctx context.Context, tx *TxView) error

// TxView is a transaction as hooks see it.
type TxView struct {
	tx Tx
	// Queries run inside the transaction.
	Queries engine.Queries
	// Events are the audit events the transaction appended, in order.
	Events []engine.Event
	// Notifications are the notifications it stored (duplicates it skipped are absent).
	Notifications []engine.Notification
}

// Raw is the driver's transaction (pgx.Tx on PostgreSQL, *sql.Tx on SQLite), for
// libraries that write in it, such as the job queue. Asking for it sends the writes the
// transaction holds, so a hook that has nothing to write costs no round trip.
func (v *TxView) Raw(ctx context.Context) (any, error) { return v.tx.Raw(ctx) }

// registry is a list of the store's callbacks: added at start, read by every transaction.
type registry[T any] struct {
	mu   sync.RWMutex
	list []T
}

func (r *registry[T]) add(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, v)
}

func (r *registry[T]) snapshot() []T {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.list
}

// AddTxHook makes fn run before every later write transaction commits.
func (s *Store) AddTxHook(fn TxHook) { s.hooks.add(fn) }

// txRecord collects, inside one transaction, what its hooks are told about.
type txRecord struct {
	events        []engine.Event
	notifications []engine.Notification
	// credentials and the agencies whose webhooks changed are told to the store's
	// watchers once the transaction commits.
	credentials []CredentialChange
	webhooks    []string
}

// watchers are the store's caches, told of the changes to what they remember.
type watchers struct {
	credentials registry[CredentialWatcher]
	webhooks    registry[WebhookWatcher]
}

func (q queries) recordEvent(e *engine.Event) {
	if q.rec != nil {
		q.rec.events = append(q.rec.events, *e)
	}
}

func (q queries) recordNotification(n *engine.Notification) {
	if q.rec != nil {
		q.rec.notifications = append(q.rec.notifications, *n)
	}
}

// runHooks gives the hooks the finished transaction's record; the first error wins.
func (s *Store) runHooks(ctx context.Context, tx Tx, q queries) error {
	hs := s.hooks.snapshot()
	if len(hs) == 0 || (len(q.rec.events) == 0 && len(q.rec.notifications) == 0) {
		return nil
	}
	view := &TxView{tx: tx, Queries: q, Events: q.rec.events, Notifications: q.rec.notifications}
	for _, h := range hs {
		if err := h(ctx, view); err != nil {
			return err
		}
	}
	return nil
}

package events_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/testenv"
)

// TestSubscriptionsAreRememberedUntilTheyChange runs two nodes on one PostgreSQL schema.
// A node that knows an agency's webhook subscriptions enqueues deliveries without reading
// them in every transaction, and every change to them — a new subscription, a deleted one,
// one written straight into the database — reaches the node that made it at once and the
// other as soon as PostgreSQL tells it; while that feed is down, they are read again.
func TestSubscriptionsAreRememberedUntilTheyChange(t *testing.T) {
	t.Parallel()
	var traceA, traceB dbtest.StatementCounter
	var url, appName string
	a := setup(t, func(t testing.TB) *sqlstore.Store {
		// Named after the test's schema, so that the test can cut its own nodes' feeds.
		url, appName = testenv.PostgresNamedURL(t)
		return dbtest.PostgresTracedAt(t, url, &traceA)
	}, events.Settings{}, events.DeliverySettings{})
	b := secondNode(t, a, dbtest.PostgresTracedAt(t, url, &traceB))
	ctx := context.Background()
	pool := a.store.Raw().(*pgxpool.Pool)

	// receive has the node's clerk receive a document; it returns the statements its
	// transaction took and whether a delivery to hook was enqueued with it.
	receive := func(n *bundle, trace *dbtest.StatementCounter, hook string) (int64, bool) {
		t.Helper()
		before := trace.Snapshot()
		d, err := n.eng.ReceiveExternal(ctx, n.clerk, engine.ExternalInput{TypeCode: "QĐ", Subject: "Về việc thử",
			SenderName: "Bộ Nội vụ", Files: []engine.FileInput{scan}}, "")
		must(t, err)
		stmts := trace.Snapshot().Minus(before).Statements
		var jobs int
		must(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1
			AND args->>'webhook_id' = $2 AND args->>'payload' LIKE '%' || $3 || '%'`, events.KindWebhook, hook, d.ID).Scan(&jobs))
		return stmts, jobs == 1
	}
	// known waits until the node receives without reading the subscriptions: one
	// statement fewer than read, a receipt that read them.
	known := func(n *bundle, trace *dbtest.StatementCounter, hook string, read int64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if stmts, _ := receive(n, trace, hook); stmts < read {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the subscriptions are still read in every transaction (%d statements)", read)
			}
		}
	}
	// deliveredAtOnce checks that the very next document is delivered to hook, or not; it
	// returns the statements that took, reading the subscriptions that changed.
	deliveredAtOnce := func(n *bundle, trace *dbtest.StatementCounter, hook string, want bool, what string) int64 {
		t.Helper()
		stmts, got := receive(n, trace, hook)
		if got != want {
			t.Fatalf("%s: the same node enqueued a delivery %v, want %v", what, got, want)
		}
		return stmts
	}
	// deliveredSoon gives the other node the notification's way from the database.
	deliveredSoon := func(n *bundle, trace *dbtest.StatementCounter, hook string, want bool, what string) int64 {
		t.Helper()
		start := time.Now()
		for {
			if stmts, got := receive(n, trace, hook); got == want {
				t.Logf("%s: heard after %v", what, time.Since(start).Round(time.Microsecond))
				return stmts
			}
			if time.Since(start) > 3*time.Second {
				t.Fatalf("%s: the other node still enqueues a delivery %v after %v", what, !want, time.Since(start))
			}
			time.Sleep(time.Millisecond)
		}
	}

	read, _ := receive(a, &traceA, "")
	known(a, &traceA, "", read)
	known(b, &traceB, "", read)

	hook, err := a.eng.CreateWebhook(ctx, a.admin, engine.Webhook{URL: "https://hethong.hoabinh.gov.vn/hook",
		Secret: "0123456789abcdef", EventTypes: []string{"document.received"}})
	must(t, err)
	read = deliveredAtOnce(a, &traceA, hook.ID, true, "created")
	known(a, &traceA, hook.ID, read)
	known(b, &traceB, hook.ID, deliveredSoon(b, &traceB, hook.ID, true, "created"))

	must(t, a.eng.DeleteWebhook(ctx, a.admin, hook.ID))
	deliveredAtOnce(a, &traceA, hook.ID, false, "deleted")
	deliveredSoon(b, &traceB, hook.ID, false, "deleted")

	// As an operator or a node of another version might: only the feed tells.
	_, err = pool.Exec(ctx, `UPDATE webhook SET deleted_at = NULL WHERE id = $1`, hook.ID)
	must(t, err)
	deliveredSoon(a, &traceA, hook.ID, true, "restored in SQL")
	read = deliveredSoon(b, &traceB, hook.ID, true, "restored in SQL")

	// Without its feed a node cannot know of other nodes' changes: it reads again until it
	// listens again.
	known(b, &traceB, hook.ID, read)
	_, err = pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND query LIKE 'LISTEN %'`, appName)
	must(t, err)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if stmts, _ := receive(b, &traceB, hook.ID); stmts >= read {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the node still enqueues from memory after losing its feed")
		}
	}
	known(b, &traceB, hook.ID, read)
}

// secondNode is another node of a's database: its own store, deliveries and job queue, and
// a's people.
func secondNode(t *testing.T, a *bundle, s *sqlstore.Store) *bundle {
	n := *a
	n.store, n.eng, n.queue, n.svc, n.srv = s, engine.New(s), enqueueDeliveries(t, s, events.DeliverySettings{}), nil, nil
	return &n
}

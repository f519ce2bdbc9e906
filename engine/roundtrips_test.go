package engine_test

import (
	"context"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// TestRegistrationRoundTrips counts, on PostgreSQL, what the clerk's receipt of a scan and
// its registration send to the database, so that a statement added to the busiest path
// of a province is a decision rather than an accident.
func TestRegistrationRoundTrips(t *testing.T) {
	var trace dbtest.StatementCounter
	bb := setup(t, func(t testing.TB) *sqlstore.Store { return dbtest.PostgresTraced(t, &trace) })
	ctx := context.Background()
	// A server's hooks (webhooks, the exchange) see every step; one with nothing to
	// enqueue must not cost a round trip.
	hooked := 0
	bb.store.AddTxHook(func(context.Context, *sqlstore.TxView) error { hooked++; return nil })
	clerk := bb.province.clerk
	in := engine.ExternalInput{TypeCode: "TB", Subject: "Thông báo", SenderName: "Bộ Nội vụ",
		Files: []engine.FileInput{{Name: "scan.pdf", BlobKey: "blobs/ab/" + "ab" + sha[2:], SHA256: sha, Size: 40 << 10}}}

	start := trace.Snapshot()
	d, err := bb.eng.ReceiveExternal(ctx, clerk, in, "receive-1")
	if err != nil {
		t.Fatal(err)
	}
	received := trace.Snapshot()
	if _, err := bb.eng.Register(ctx, clerk, d.ID, "register-1"); err != nil {
		t.Fatal(err)
	}
	registered := trace.Snapshot()
	in.Register = true
	if _, err := bb.eng.ReceiveExternal(ctx, clerk, in, "receive-2"); err != nil {
		t.Fatal(err)
	}
	both := trace.Snapshot()
	if hooked != 3 {
		t.Fatalf("the hook saw %d transactions, want the three steps", hooked)
	}
	// Each step is one transaction. Its round trips: BEGIN with the request id's lookup;
	// the reads that decide (the document with the actor's membership; the number); the
	// writes, and the check of a creator's membership, sent together with the next read
	// (the chain's head), then with COMMIT. Receiving with registering takes the number
	// and the chain's head for its two events in one round trip.
	for _, c := range []struct {
		step      string
		got       dbtest.Counts
		roundTrip int64
	}{{"receive", received.Minus(start), 3}, {"register", registered.Minus(received), 5},
		{"receive and register", both.Minus(registered), 3}} {
		t.Logf("%s: %d statements in %d transactions, %d round trips", c.step, c.got.Statements, c.got.Transactions, c.got.RoundTrips)
		if c.got.Transactions != 1 || c.got.RoundTrips > c.roundTrip {
			t.Errorf("%s took %d transactions and %d round trips; want 1 and at most %d", c.step, c.got.Transactions,
				c.got.RoundTrips, c.roundTrip)
		}
	}
}

const sha = "abababababababababababababababababababababababababababababababab"

package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/storetest"
	"github.com/vanthu/vanthu/storage/testenv"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) func() storetest.Store {
		url := testenv.PostgresURL(t)
		return func() storetest.Store {
			s, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

func TestOpenRefusesAnUnreachableServer(t *testing.T) {
	t.Parallel()
	_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/x?connect_timeout=2")
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
}

func TestPlansCachedExceptForSearches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// One connection, so that its prepared statements are those the store used.
	s := oneConnection(t)
	agencyID := uuid.NewString()
	for range 8 {
		if _, err := s.SearchQuery(ctx, engine.SearchParams{AgencyID: agencyID, Terms: []string{"muong"}, Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DocumentGetByID(ctx, uuid.NewString()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("lookup: %v", err)
		}
	}
	rows, err := s.Raw().(*pgxpool.Pool).Query(ctx, "SELECT statement, generic_plans FROM pg_prepared_statements")
	if err != nil {
		t.Fatal(err)
	}
	var lookupGeneric int64
	for rows.Next() {
		var statement string
		var generic int64
		if err := rows.Scan(&statement, &generic); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(statement, "FROM search_entry s") {
			t.Errorf("a search is a prepared statement, which PostgreSQL may plan generically:\n%s", statement)
		}
		if strings.Contains(statement, "FROM document WHERE id = $1") {
			lookupGeneric = generic
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if lookupGeneric == 0 {
		t.Error("a primary-key lookup never ran from a cached generic plan")
	}
}

// BEGIN waits for a transaction's first statement and goes with it: a transaction that
// sends nothing costs nothing, one that fails leaves nothing, and either way the one
// connection is idle again for the next.
func TestTransactionsBeginWithTheirFirstStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var trace dbtest.StatementCounter
	s := oneConnection(t, postgres.WithTracer(&trace))
	before := trace.Snapshot()
	if err := s.InTx(ctx, func(engine.Queries) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := trace.Snapshot().Minus(before); got.RoundTrips != 0 {
		t.Errorf("an empty transaction took %d round trips", got.RoundTrips)
	}

	agency := func(code string) *engine.Agency {
		return &engine.Agency{ID: uuid.NewString(), Code: code, Name: "Sở " + code, ShortName: "S", Tier: engine.TierProvince}
	}
	before = trace.Snapshot()
	refused := errors.New("refused after the write")
	err := s.InTx(ctx, func(q engine.Queries) error {
		if err := q.AgencyInsert(ctx, agency("H23.90")); err != nil {
			return err
		}
		if _, err := q.AgencyGetByCode(ctx, "H23.90"); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("got %v, want the refusal", err)
	}
	if got := trace.Snapshot().Minus(before); got.Transactions != 1 {
		t.Errorf("the refused transaction counted as %d", got.Transactions)
	}
	if _, err := s.AgencyGetByCode(ctx, "H23.90"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("a rolled-back insert is visible: %v", err)
	}

	if err := s.InTx(ctx, func(q engine.Queries) error { return q.AgencyInsert(ctx, agency("H23.92")) }); err != nil {
		t.Fatalf("the connection did not come back idle: %v", err)
	}
	if _, err := s.AgencyGetByCode(ctx, "H23.92"); err != nil {
		t.Fatal(err)
	}
}

// A number taken with its chain's head is one round trip: the number's read is held and
// travels in front of the head's, which is the order every transaction locks the two
// rows in. A held read that fails fails the transaction, named by its own operation.
func TestNumberAndChainHeadTravelTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var trace dbtest.StatementCounter
	s := oneConnection(t, postgres.WithTracer(&trace))
	a := &engine.Agency{ID: uuid.NewString(), Code: "H23.93", Name: "Sở thử", ShortName: "S", Tier: engine.TierProvince}
	if err := s.AgencyInsert(ctx, a); err != nil {
		t.Fatal(err)
	}
	for want := 1; want <= 2; want++ {
		before := trace.Snapshot()
		var n int
		var first int64
		err := s.InTx(ctx, func(q engine.Queries) (err error) {
			n, first, _, err = q.RegisterNextNumberWithChain(ctx, a.ID, 2026, engine.RegisterIncoming, "", 3)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != want || first != int64(3*want-2) {
			t.Fatalf("number %d and first sequence number %d; want %d and %d", n, first, want, 3*want-2)
		}
		if got := trace.Snapshot().Minus(before); got.RoundTrips != 2 {
			t.Errorf("number and chain head took %d round trips with COMMIT, want 2", got.RoundTrips)
		}
	}

	err := s.InTx(ctx, func(q engine.Queries) error {
		_, _, _, err := q.RegisterNextNumberWithChain(ctx, uuid.NewString(), 2026, engine.RegisterIncoming, "", 1)
		return err
	})
	if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "register next number") {
		t.Fatalf("a number in an agency that does not exist: %v", err)
	}
	if err := s.InTx(ctx, func(q engine.Queries) error { _, err := q.AgencyGetByCode(ctx, "H23.93"); return err }); err != nil {
		t.Fatalf("the connection did not come back idle: %v", err)
	}
}

// oneConnection is a migrated store of a fresh schema on a single connection, closed when
// the test ends.
func oneConnection(t *testing.T, opts ...postgres.Option) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, testenv.PostgresURL(t)+"&pool_max_conns=1", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/testenv"
)

// TestServerGoneIsUnavailable cuts the connection to a running server: reads, writes and
// pings then fail as engine.ErrUnavailable (an outage, 503 to the API), not as faults.
func TestServerGoneIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	proxy, url := testenv.PostgresURLVia(t, testenv.PostgresURL(t))
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AgencyList(ctx); err != nil {
		t.Fatalf("before the cut: %v", err)
	}
	proxy.Cut()

	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	t.Run("ReadIsUnavailable", func(t *testing.T) {
		if _, err := s.DocumentGetByID(ctx, "0190d7a0-0000-7000-8000-000000000001"); !errors.Is(err, engine.ErrUnavailable) {
			t.Fatalf("got %v, want ErrUnavailable", err)
		}
	})
	t.Run("TransactionIsUnavailable", func(t *testing.T) {
		err := s.InTx(ctx, func(q engine.Queries) error {
			_, err := q.RegisterNextNumber(ctx, "0190d7a0-0000-7000-8000-000000000002", 2026, engine.RegisterOutgoing, "")
			return err
		})
		if !errors.Is(err, engine.ErrUnavailable) {
			t.Fatalf("got %v, want ErrUnavailable", err)
		}
	})
}

// TestServerGoneMidTransactionIsUnavailable cuts the connection while a transaction is
// open: its next statements fail on a closed connection ("conn closed"), which is the
// outage too, never a 500.
func TestServerGoneMidTransactionIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	proxy, url := testenv.PostgresURLVia(t, testenv.PostgresURL(t))
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var errs []error
	err = s.InTx(ctx, func(q engine.Queries) error {
		if _, err := q.AgencyList(ctx); err != nil {
			return err
		}
		proxy.Cut()
		for range 3 {
			_, err := q.AgencyList(ctx)
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
	if !errors.Is(err, engine.ErrUnavailable) {
		t.Fatalf("the transaction failed with %v, want ErrUnavailable", err)
	}
	for i, e := range errs {
		if !errors.Is(e, engine.ErrUnavailable) {
			t.Fatalf("statement %d after the cut: %v, want ErrUnavailable", i+1, e)
		}
	}
}

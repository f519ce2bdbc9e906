package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// Store implements engine.Store on a Driver.
type Store struct {
	queries // outside any transaction; its watchers are the store's
	driver  Driver
	hooks   *registry[TxHook]
}

var _ engine.Store = (*Store)(nil)

// New wraps a driver whose schema is already migrated.
func New(d Driver) *Store {
	return &Store{queries: queries{conn: d.Conn(), translate: namingHeld(d.Translate), watchers: &watchers{}}, driver: d, hooks: &registry[TxHook]{}}
}

// InTx runs fn in a transaction. The rollback after a failure runs on a context that is
// not cancelled with the request, so a cancelled request never leaves a transaction open.
func (s *Store) InTx(ctx context.Context, fn func(q engine.Queries) error) error {
	var q queries
	err := inTx(ctx, s.driver, func(tx Tx) error {
		q = queries{conn: tx, translate: namingHeld(s.driver.Translate), rec: &txRecord{}, watchers: s.watchers}
		if err := fn(q); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, q)
	})
	if q.rec != nil {
		// Even after a rollback or a failed commit, which may have committed: forgetting is
		// always safe.
		tellCredentials(s.watchers, q.rec.credentials)
		tellWebhooks(s.watchers, q.rec.webhooks)
	}
	if err != nil {
		return namingHeld(s.driver.Translate)(err)
	}
	return nil
}

// Raw is the driver's own handle (*pgxpool.Pool on PostgreSQL, the write *sql.DB on
// SQLite), for libraries such as the job queue that run their own statements on it.
func (s *Store) Raw() any { return s.driver.Raw() }

// Dialect names the database: "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.driver.Dialect() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.driver.Ping(ctx) }

// Close releases the driver's connections.
func (s *Store) Close() error { return s.driver.Close() }

// queries runs the named SQL of queries/*.sql on a connection or a transaction.
type queries struct {
	conn      Conn
	translate func(error) error
	rec       *txRecord // inside a transaction: what its hooks will see
	watchers  *watchers
}

func (q queries) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	n, err := q.conn.Exec(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, q.translate(err))
	}
	return n, nil
}

// execOne is exec for statements that must touch exactly one row.
func (q queries) execOne(ctx context.Context, op, query string, args ...any) error {
	n, err := q.exec(ctx, op, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, engine.ErrNotFound)
	}
	return nil
}

func (q queries) get(ctx context.Context, op, query string, scan func(Row) error, args ...any) error {
	if err := scan(q.conn.QueryRow(ctx, query, args...)); err != nil {
		return fmt.Errorf("%s: %w", op, q.translate(err))
	}
	return nil
}

// list runs a query and collects one T per row.
func list[T any](ctx context.Context, q queries, op, query string, scan func(Row) (T, error), args ...any) ([]T, error) {
	rows, err := q.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, q.translate(err))
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: scan: %w", op, q.translate(err))
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, q.translate(err))
	}
	return out, nil
}

// nullable stores "" as NULL, for optional references.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// utc normalises times read back from either database.
func utc(t time.Time) time.Time { return t.UTC() }

// Package postgres is the production metadata database: PostgreSQL through pgx/v5.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// migrationLockKey is the advisory lock every node takes before migrating ("vanthu" in ASCII).
const migrationLockKey = 0x76616e746875

// Option adjusts how Open connects.
type Option func(*pgxpool.Config)

// WithTracer traces every statement the store's connections send (a pgx.QueryTracer,
// which may also be a pgx.BatchTracer), for counting round trips in benchmarks and tests.
func WithTracer(t pgx.QueryTracer) Option {
	return func(cfg *pgxpool.Config) { cfg.ConnConfig.Tracer = t }
}

// Open connects to the database at url (postgres://…) and checks that it answers.
func Open(ctx context.Context, url string, opts ...Option) (*sqlstore.Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse postgres url: %w", err)
	}
	for _, opt := range opts {
		opt(cfg)
	}
	// Plans are cached as PostgreSQL decides (plan_cache_mode, which the URL may set);
	// the queries marked for custom plans run as unnamed statements (conn.Query).
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return sqlstore.New(&driver{pool: pool}), nil
}

type driver struct {
	pool *pgxpool.Pool
	feed feed
}

func (d *driver) Dialect() string                { return "postgres" }
func (d *driver) Conn() sqlstore.Conn            { return conn{d.pool} }
func (d *driver) Ping(ctx context.Context) error { return d.pool.Ping(ctx) }
func (d *driver) Close() error                   { d.feed.stop(); d.pool.Close(); return nil }
func (d *driver) Raw() any                       { return d.pool }

func (d *driver) Begin(ctx context.Context) (sqlstore.Tx, error) {
	c, err := d.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	// A transaction on the connection itself rather than the pool's, so that BEGIN can
	// travel with the first statement and COMMIT with the last writes, and the connection
	// still go back.
	return beginLater(c.Conn(), c.Release), nil
}

// Exclusive holds a session-level advisory lock on one connection while fn runs, so that
// nodes starting at the same time migrate one after another.
func (d *driver) Exclusive(ctx context.Context, fn func(b sqlstore.Beginner) error) error {
	c, err := d.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire connection: %w", err)
	}
	defer c.Release()
	if _, err := c.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLockKey)); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	defer func() {
		// On a cancelled ctx the unlock would fail; closing the connection releases the lock.
		if _, err := c.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrationLockKey)); err != nil {
			c.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	return fn(beginner{c})
}

type beginner struct{ c *pgxpool.Conn }

func (b beginner) Begin(context.Context) (sqlstore.Tx, error) {
	return beginLater(b.c.Conn(), func() {}), nil
}

// Translate maps pgx's errors onto the engine's kinds.
func (d *driver) Translate(err error) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%w: %w", engine.ErrNotFound, err)
	case errors.As(err, &pgErr) && pgErr.Code == "23505": // unique_violation
		return fmt.Errorf("%w: %s", engine.ErrConflict, pgErr.ConstraintName)
	case errors.As(err, &pgErr) && pgErr.Code == "23503": // foreign_key_violation
		return fmt.Errorf("%w: %s", engine.ErrInvalid, pgErr.ConstraintName)
	case unavailable(err):
		return fmt.Errorf("%w: %w", engine.ErrUnavailable, err)
	}
	return err
}

// unavailable reports an outage of the server rather than a fault of the statement: no
// connection (refused, reset, pool acquire timing out), the server shutting down or out of
// connections, disk full.
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 08: connection exception; 53: insufficient resources (disk full, too many
		// connections); 57P01–03: shutting down, cannot connect now.
		class := pgErr.Code[:min(2, len(pgErr.Code))]
		return class == "08" || class == "53" || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.Timeout(err) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		// A connection the server dropped (stopped, restarted) fails every later
		// statement with "conn closed", never sent: the outage, not the statement.
		errors.Is(err, pgconn.ErrConnClosed) || pgconn.SafeToRetry(err)
}

// querier is what pgxpool.Pool and pgx.Tx share.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type conn struct{ q querier }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return c.q.Query(ctx, query, planned(query, args)...)
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return c.q.QueryRow(ctx, query, planned(query, args)...)
}

// planned sends the queries that need custom plans as unnamed statements: PostgreSQL
// plans an unnamed statement when its values are bound, where a named one, prepared once
// per connection, goes generic after five runs. The statement's description is still
// cached, so this costs no extra round trip.
func planned(query string, args []any) []any {
	if !sqlstore.CustomPlan(query) {
		return args
	}
	return append([]any{pgx.QueryExecModeCacheDescribe}, args...)
}

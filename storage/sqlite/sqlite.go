// Package sqlite is the embedded zero-setup metadata database: SQLite in pure Go
// (modernc.org/sqlite), one file on disk.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// Open opens (creating if needed) the database file at path.
//
// SQLite allows one writer at a time: writes go through a pool of one connection whose
// transactions begin IMMEDIATE, so they queue instead of failing; reads use their own
// pool and see the last committed state (WAL).
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create directory for %s: %w", path, err)
		}
	}
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Set("_time_format", "sqlite")
	params.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + params.Encode()

	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	d := &driver{write: write, read: read, writeStmts: newStmtCache(write), readStmts: newStmtCache(read)}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return sqlstore.New(d), nil
}

type driver struct {
	write, read           *sql.DB
	writeStmts, readStmts *stmtCache
}

func (d *driver) Dialect() string { return "sqlite" }
func (d *driver) Conn() sqlstore.Conn {
	return readWrite{read: conn{db: d.read, stmts: d.readStmts, lazy: true}, write: conn{db: d.write}}
}

// Ping writes nothing but makes both pools open the file, so a path that cannot hold a
// database fails here rather than on the first request.
func (d *driver) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	var v string
	return d.read.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v)
}

// Raw is the write pool: River and anything else that writes must queue behind the one
// writer like the store does.
func (d *driver) Raw() any { return d.write }

func (d *driver) Close() error {
	return errors.Join(d.readStmts.close(), d.writeStmts.close(), d.read.Close(), d.write.Close())
}

// Begin starts a write transaction. Before the first ones it prepares every query on the
// write connection, outside any transaction: preparing inside one would wait for the
// pool's only connection, which the transaction holds.
func (d *driver) Begin(ctx context.Context) (sqlstore.Tx, error) {
	d.writeStmts.warm(ctx, sqlstore.ParameterizedQueries())
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return txConn{conn{db: tx, stmts: d.writeStmts, tx: tx}, tx}, nil
}

// Exclusive needs no extra lock: every write transaction already begins IMMEDIATE, which
// takes the database's write lock, across processes too.
func (d *driver) Exclusive(ctx context.Context, fn func(b sqlstore.Beginner) error) error {
	return fn(d)
}

// Translate maps SQLite's errors onto the engine's kinds.
func (d *driver) Translate(err error) error {
	var sqErr *sqlite.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %w", engine.ErrNotFound, err)
	case errors.As(err, &sqErr):
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", engine.ErrConflict, sqErr.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %s", engine.ErrInvalid, sqErr.Error())
		}
		// An outage of the file rather than a fault of the statement: disk full, the
		// file read-only or gone, an I/O error, the write lock not granted in time.
		switch sqErr.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_BUSY:
			return fmt.Errorf("%w: %s", engine.ErrUnavailable, sqErr.Error())
		}
	}
	return err
}

// execer is what *sql.DB and *sql.Tx share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs statements on a pool or a transaction, through prepared statements where it
// has them: parsing SQL is most of SQLite's cost for small statements. Statements without
// arguments (migrations, which may hold several) always run as they are.
type conn struct {
	db    execer
	stmts *stmtCache
	tx    *sql.Tx // set inside a transaction
	lazy  bool    // may prepare on first use (the read pool, never inside a transaction)
}

func (c conn) stmt(ctx context.Context, query string, args []any) *sql.Stmt {
	if len(args) == 0 || c.stmts == nil {
		return nil
	}
	st := c.stmts.lookup(query)
	if st == nil && c.lazy {
		st = c.stmts.prepare(ctx, query)
	}
	if st == nil || c.tx == nil {
		return st
	}
	return c.tx.StmtContext(ctx, st)
}

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st := c.stmt(ctx, query, args); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = c.db.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	var rows *sql.Rows
	var err error
	if st := c.stmt(ctx, query, args); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = c.db.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	if st := c.stmt(ctx, query, args); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// stmtCache keeps one prepared statement per query text for a pool.
type stmtCache struct {
	db *sql.DB

	mu     sync.RWMutex
	m      map[string]*sql.Stmt
	warmMu sync.Mutex
	warmed bool
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// prepare prepares query on the pool; a statement that does not prepare (a table not
// migrated yet) simply runs unprepared.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok {
		st.Close()
		return old
	}
	c.m[query] = st
	return st
}

// warm prepares every query until all of them prepare (the schema is migrated).
func (c *stmtCache) warm(ctx context.Context, queries []string) {
	c.warmMu.Lock()
	defer c.warmMu.Unlock()
	if c.warmed {
		return
	}
	all := true
	for _, q := range queries {
		if c.lookup(q) == nil && c.prepare(ctx, q) == nil {
			all = false
		}
	}
	c.warmed = all
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	c.m = map[string]*sql.Stmt{}
	return errors.Join(errs...)
}

// readWrite sends statements outside a transaction to the pool that can run them.
type readWrite struct{ read, write conn }

func (rw readWrite) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return rw.write.Exec(ctx, query, args...)
}

func (rw readWrite) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return rw.read.Query(ctx, query, args...)
}

func (rw readWrite) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return rw.read.QueryRow(ctx, query, args...)
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

type txConn struct {
	conn
	tx *sql.Tx
}

func (t txConn) Commit(context.Context) error     { return t.tx.Commit() }
func (t txConn) Rollback(context.Context) error   { return t.tx.Rollback() }
func (t txConn) Raw(context.Context) (any, error) { return t.tx, nil }

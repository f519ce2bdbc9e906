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
	d := &driver{write: write, read: read}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return sqlstore.New(d), nil
}

type driver struct {
	write, read *sql.DB
}

func (d *driver) Dialect() string     { return "sqlite" }
func (d *driver) Conn() sqlstore.Conn { return readWrite{read: conn{d.read}, write: conn{d.write}} }

// Ping writes nothing but makes both pools open the file, so a path that cannot hold a
// database fails here rather than on the first request.
func (d *driver) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	var v string
	return d.read.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v)
}

func (d *driver) Close() error { return errors.Join(d.read.Close(), d.write.Close()) }

func (d *driver) Begin(ctx context.Context) (sqlstore.Tx, error) {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return txConn{conn{tx}, tx}, nil
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
	}
	return err
}

// execer is what *sql.DB and *sql.Tx share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type conn struct{ db execer }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := c.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return c.db.QueryRowContext(ctx, query, args...)
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

func (t txConn) Commit(context.Context) error   { return t.tx.Commit() }
func (t txConn) Rollback(context.Context) error { return t.tx.Rollback() }

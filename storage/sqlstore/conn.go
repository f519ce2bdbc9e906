// Package sqlstore implements engine.Store over SQL. The queries live in queries/*.sql
// and are written so that PostgreSQL and SQLite both accept them ($1-style parameters
// bind positionally in both); storage/postgres and storage/sqlite supply the connection
// and the error translation.
package sqlstore

import "context"

// Conn is what a database driver offers, on its pool or inside a transaction.
type Conn interface {
	Exec(ctx context.Context, query string, args ...any) (rowsAffected int64, err error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Rows is the common shape of pgx.Rows and *sql.Rows.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is the common shape of pgx.Row and *sql.Row.
type Row interface {
	Scan(dest ...any) error
}

// Tx is a transaction a driver began.
type Tx interface {
	Conn
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	// Raw is the driver's transaction: pgx.Tx or *sql.Tx, with the writes held so far
	// sent ahead of what the caller writes through it.
	Raw(ctx context.Context) (any, error)
}

// Beginner starts read-write transactions.
type Beginner interface {
	Begin(ctx context.Context) (Tx, error)
}

// Driver is one database behind the store.
type Driver interface {
	Beginner
	// Dialect names the SQL dialect, and with it the folder of migrations/.
	Dialect() string
	// Conn reads outside any transaction.
	Conn() Conn
	// Exclusive runs fn while holding a lock that only one process at a time can hold on
	// this database, with transactions begun on the lock's own connection.
	Exclusive(ctx context.Context, fn func(b Beginner) error) error
	// Translate maps the database's errors onto engine.ErrNotFound and engine.ErrConflict.
	Translate(err error) error
	Ping(ctx context.Context) error
	Close() error
	// Raw is the driver's handle: *pgxpool.Pool or the write *sql.DB.
	Raw() any
}

package sqlstore

import (
	"context"
	"fmt"
)

// Pipeliner is a transaction that can hold statements back and send them together with
// its next statement, or with its commit, in one round trip (PostgreSQL's pipelining). A
// held statement's failure is reported by the statement or commit that sends it, which
// fails the transaction as the statement itself would have.
type Pipeliner interface {
	// Defer holds a write; check, when not nil, judges its count of affected rows.
	Defer(op, query string, args []any, check func(rowsAffected int64) error)
	// DeferRead holds a read of one row, which scan takes when the read has run.
	DeferRead(op, query string, args []any, scan func(Row) error)
	// Flush sends the held writes now.
	Flush(ctx context.Context) error
}

// DeferredError is the failure of a held statement, named by its operation.
type DeferredError struct {
	Op  string
	Err error
}

func (e *DeferredError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *DeferredError) Unwrap() error { return e.Err }

// namingHeld keeps a held statement's name on its failure through translate, which
// writes some of the database's errors (a broken constraint) anew. An error wrapped
// since is left to translate whole, so as to keep what the wrapping says.
func namingHeld(translate func(error) error) func(error) error {
	return func(err error) error {
		if held, ok := err.(*DeferredError); ok {
			return &DeferredError{Op: held.Op, Err: translate(held.Err)}
		}
		return translate(err)
	}
}

// execLater is exec for writes whose outcome nothing in the transaction reads before its
// next statement: on a connection that pipelines they travel with that statement; check
// judges the count of affected rows either way.
func (q queries) execLater(ctx context.Context, op, query string, check func(rowsAffected int64) error, args ...any) error {
	if p, ok := q.conn.(Pipeliner); ok {
		p.Defer(op, query, args, func(n int64) error {
			if check == nil {
				return nil
			}
			return check(n)
		})
		return nil
	}
	n, err := q.exec(ctx, op, query, args...)
	if err != nil || check == nil {
		return err
	}
	if err := check(n); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// getLater is get for a read whose row the caller needs only after its next statement,
// which on a connection that pipelines carries it: scan runs when that statement has.
func (q queries) getLater(ctx context.Context, op, query string, scan func(Row) error, args ...any) error {
	if p, ok := q.conn.(Pipeliner); ok {
		p.DeferRead(op, query, args, scan)
		return nil
	}
	return q.get(ctx, op, query, scan, args...)
}

package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vanthu/vanthu/storage/sqlstore"
)

// txConn is a transaction that pipelines: statements the store holds back
// (sqlstore.Pipeliner) travel in one batch with the next statement or with the COMMIT, so
// that a step's document update, audit event, request id and commit cost one round trip,
// not four.
// BEGIN is held the same way and goes with the first statement.
type txConn struct {
	conn    *pgx.Conn
	tx      pgx.Tx // pgx's handle on the open transaction, made when Raw asks for it
	held    []heldStatement
	release func() // gives the connection back once the transaction is over
	over    bool
}

// begin is the held BEGIN of a transaction that has sent nothing yet.
const begin = "begin"

// beginLater starts a transaction on c whose BEGIN travels with its first statement.
func beginLater(c *pgx.Conn, release func()) *txConn {
	return &txConn{conn: c, release: release, held: []heldStatement{{op: begin, query: begin}}}
}

// unstarted reports a transaction that has sent nothing, not even its BEGIN.
func (t *txConn) unstarted() bool { return len(t.held) > 0 && t.held[0].op == begin }

var _ sqlstore.Pipeliner = (*txConn)(nil)

// heldStatement is a statement held back: a write judged by its count of affected rows,
// or a read whose one row scan takes.
type heldStatement struct {
	op, query string
	args      []any
	check     func(rowsAffected int64) error
	scan      func(sqlstore.Row) error
}

func (t *txConn) Defer(op, query string, args []any, check func(int64) error) {
	t.held = append(t.held, heldStatement{op: op, query: query, args: args, check: check})
}

func (t *txConn) DeferRead(op, query string, args []any, scan func(sqlstore.Row) error) {
	t.held = append(t.held, heldStatement{op: op, query: query, args: args, scan: scan})
}

func (t *txConn) Flush(ctx context.Context) error {
	switch len(t.held) {
	case 0:
		return nil
	case 1:
		w := t.held[0]
		t.held = nil
		if w.scan != nil {
			return w.judgeRow(t.conn.QueryRow(ctx, w.query, w.args...))
		}
		tag, err := t.conn.Exec(ctx, w.query, w.args...)
		return w.judge(tag.RowsAffected(), err)
	}
	br := t.send(ctx, "", nil)
	err := t.readHeld(br)
	return firstError(err, br.Close())
}

func (t *txConn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	// A statement without arguments may be several (a migration): those go alone, in
	// the simple protocol, which a batch cannot carry.
	if len(t.held) == 0 || len(args) == 0 {
		if err := t.Flush(ctx); err != nil {
			return 0, err
		}
		tag, err := t.conn.Exec(ctx, query, args...)
		return tag.RowsAffected(), err
	}
	br := t.send(ctx, query, args)
	defer br.Close()
	if err := t.readHeld(br); err != nil {
		return 0, err
	}
	tag, err := br.Exec()
	return tag.RowsAffected(), err
}

func (t *txConn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	if len(t.held) == 0 || sqlstore.CustomPlan(query) {
		if err := t.Flush(ctx); err != nil {
			return nil, err
		}
		return t.conn.Query(ctx, query, planned(query, args)...)
	}
	br := t.send(ctx, query, args)
	if err := t.readHeld(br); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return batchRows{rows, br}, nil
}

func (t *txConn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	if len(t.held) == 0 || sqlstore.CustomPlan(query) {
		if err := t.Flush(ctx); err != nil {
			return errRow{err}
		}
		return t.conn.QueryRow(ctx, query, planned(query, args)...)
	}
	br := t.send(ctx, query, args)
	if err := t.readHeld(br); err != nil {
		br.Close()
		return errRow{err}
	}
	return batchRow{br}
}

// Commit sends the held writes and COMMIT in one batch. A failure leaves the transaction
// to Rollback, which the store always calls after a failed commit. A transaction that
// sent nothing has nothing to commit.
func (t *txConn) Commit(ctx context.Context) error {
	if t.unstarted() && len(t.held) == 1 {
		t.held = nil
		t.end()
		return nil
	}
	b := &pgx.Batch{}
	for _, w := range t.held {
		b.Queue(w.query, w.args...)
	}
	b.Queue("commit")
	br := t.conn.SendBatch(ctx, b)
	err := t.readHeld(br)
	if err == nil {
		var tag pgconn.CommandTag
		if tag, err = br.Exec(); err == nil && tag.String() == "ROLLBACK" {
			err = pgx.ErrTxCommitRollback
		}
	}
	if err = firstError(err, br.Close()); err != nil {
		return err
	}
	t.end()
	return nil
}

// Rollback ends the transaction; one whose BEGIN never left has nothing to roll back. A
// connection the ROLLBACK cannot reach is not idle, and the pool drops it on release.
func (t *txConn) Rollback(ctx context.Context) error {
	unstarted := t.unstarted()
	t.held = nil
	if t.over {
		return nil
	}
	var err error
	if !unstarted {
		_, err = t.conn.Exec(ctx, "rollback")
	}
	t.end()
	return err
}

func (t *txConn) end() {
	if !t.over {
		t.over = true
		t.release()
	}
}

// Raw is pgx's handle on the transaction, for libraries that write in it (the job
// queue): the held writes go first. The transaction is open by then, so the handle is
// made with a statement that changes nothing rather than a second BEGIN.
func (t *txConn) Raw(ctx context.Context) (any, error) {
	if t.tx != nil {
		return t.tx, t.Flush(ctx)
	}
	opts := pgx.TxOptions{BeginQuery: "SELECT 1"}
	if t.unstarted() && len(t.held) == 1 {
		t.held, opts = nil, pgx.TxOptions{}
	}
	if err := t.Flush(ctx); err != nil {
		return nil, err
	}
	tx, err := t.conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	t.tx = tx
	return tx, nil
}

// send queues the held writes and then query (none when empty) in one batch.
func (t *txConn) send(ctx context.Context, query string, args []any) pgx.BatchResults {
	b := &pgx.Batch{}
	for _, w := range t.held {
		b.Queue(w.query, w.args...)
	}
	if query != "" {
		b.Queue(query, args...)
	}
	return t.conn.SendBatch(ctx, b)
}

// readHeld reads the held statements' results off br, which was sent with them in front.
func (t *txConn) readHeld(br pgx.BatchResults) error {
	held := t.held
	t.held = nil
	for _, w := range held {
		if w.scan != nil {
			if err := w.judgeRow(br.QueryRow()); err != nil {
				return err
			}
			continue
		}
		tag, err := br.Exec()
		if err := w.judge(tag.RowsAffected(), err); err != nil {
			return err
		}
	}
	return nil
}

// firstError is the first failure of a batch: closing it repeats the one already read.
func firstError(err, closeErr error) error {
	if err != nil {
		return err
	}
	return closeErr
}

func (w heldStatement) judgeRow(row pgx.Row) error {
	if err := w.scan(row); err != nil {
		return &sqlstore.DeferredError{Op: w.op, Err: err}
	}
	return nil
}

func (w heldStatement) judge(n int64, err error) error {
	if err == nil && w.check != nil {
		err = w.check(n)
	}
	if err != nil {
		return &sqlstore.DeferredError{Op: w.op, Err: err}
	}
	return nil
}

// batchRow is the last statement of a batch read as one row; reading it ends the batch.
type batchRow struct{ br pgx.BatchResults }

func (r batchRow) Scan(dest ...any) error {
	err := r.br.QueryRow().Scan(dest...)
	return firstError(err, r.br.Close())
}

// batchRows are the rows of a batch's last statement; closing them ends the batch.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r batchRows) Close() {
	r.Rows.Close()
	_ = r.br.Close()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

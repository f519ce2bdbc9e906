package dbtest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/testenv"
)

// Floor does, straight on a pgx pool and on vanthu's own schema, the statements that
// registering an incoming document cannot do without: the register's next number, the
// document's row, and its audit event appended to the agency's chain (the head advanced,
// the event inserted, the trigger moving the head to its hash), in one transaction. The
// benchmarks measure the engine and the API against it.
type Floor struct {
	Pool     *pgxpool.Pool
	AgencyID string
	UserID   string
}

// InsertRegistered inserts a new incoming document with the register's next number.
func (f Floor) InsertRegistered(ctx context.Context, subject string) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	id := engine.NewID()
	return pgx.BeginFunc(ctx, f.Pool, func(tx pgx.Tx) error {
		number, err := floorNumber(ctx, tx, f.AgencyID, now.Year())
		if err != nil {
			return err
		}
		if err := f.insert(ctx, tx, id, subject, "registered", 2, &number, now); err != nil {
			return err
		}
		return f.audit(ctx, tx, id, "register", registeredAfter(number, subject), now)
	})
}

// InsertReceived inserts a new incoming document, received and not yet registered,
// with its audit event: the first of the two transactions a client receiving a document
// and then registering it (Register) makes at the least.
func (f Floor) InsertReceived(ctx context.Context, subject string) (string, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	id := engine.NewID()
	return id, pgx.BeginFunc(ctx, f.Pool, func(tx pgx.Tx) error {
		if err := f.insert(ctx, tx, id, subject, "received", 1, nil, now); err != nil {
			return err
		}
		return f.audit(ctx, tx, id, "receive", fmt.Sprintf(`{"state":"received","version":1,"subject":%q}`, subject), now)
	})
}

func (f Floor) insert(ctx context.Context, tx pgx.Tx, id, subject, state string, version int, number *int, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO document (id, agency_id, flow, state, version, type_code, subject, urgency,
		classification, drafter_id, drafting_unit_id, signer_id, signing_form, signer_title, year, series, number, notation,
		issued_at, incoming_number, received_at, source_id, sender_name, sender_notation, direction, deadline, note,
		created_at, updated_at, reply_to_id, replaces_id, replace_kind, document_date, signer_name, page_count,
		intended_signer_id)
		VALUES ($1, $2, 'incoming', $3, $4, 'CV', $5, '', '', NULL, NULL, NULL, '', '', $6, '', NULL, '',
		NULL, $7, $8, NULL, 'Bộ Nội vụ', '', '', NULL, '', $8, $8, NULL, NULL, '', NULL, '', 0, NULL)`,
		id, f.AgencyID, state, version, subject, now.Year(), number, now); err != nil {
		return fmt.Errorf("floor document: %w", err)
	}
	return nil
}

// Register gives the received document docID the register's next number.
func (f Floor) Register(ctx context.Context, docID, subject string) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return pgx.BeginFunc(ctx, f.Pool, func(tx pgx.Tx) error {
		number, err := floorNumber(ctx, tx, f.AgencyID, now.Year())
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE document SET state = 'registered', version = version + 1, year = $2, series = '',
			incoming_number = $3, updated_at = $4 WHERE id = $1 AND version = 1`, docID, now.Year(), number, now)
		if err != nil || tag.RowsAffected() != 1 {
			return fmt.Errorf("floor document %s: %v rows, %w", docID, tag.RowsAffected(), err)
		}
		return f.audit(ctx, tx, docID, "register", registeredAfter(number, subject), now)
	})
}

func floorNumber(ctx context.Context, tx pgx.Tx, agencyID string, year int) (int, error) {
	var number int
	err := tx.QueryRow(ctx, `INSERT INTO register_counter (agency_id, year, kind, series, last_number) VALUES ($1, $2, $3, '', 1)
		ON CONFLICT (agency_id, year, kind, series) DO UPDATE SET last_number = register_counter.last_number + 1
		RETURNING last_number`, agencyID, year, string(engine.RegisterIncoming)).Scan(&number)
	if err != nil {
		return 0, fmt.Errorf("floor number: %w", err)
	}
	return number, nil
}

// registeredAfter is the audit event's state of a document registered with number.
func registeredAfter(number int, subject string) string {
	return fmt.Sprintf(`{"state":"registered","version":2,"incoming_number":%d,"subject":%q}`, number, subject)
}

func (f Floor) audit(ctx context.Context, tx pgx.Tx, docID, action, after string, now time.Time) error {
	e := engine.Event{AgencyID: f.AgencyID, At: now, ActorID: f.UserID, Role: engine.RoleClerk, Action: action,
		ObjectType: "document", ObjectID: docID, After: after}
	if err := tx.QueryRow(ctx, `INSERT INTO audit_head (agency_id, seq, hash) VALUES ($1, 1, $2)
		ON CONFLICT (agency_id) DO UPDATE SET seq = audit_head.seq + 1 RETURNING seq, hash`,
		f.AgencyID, strings.Repeat("0", 64)).Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("floor audit head: %w", err)
	}
	e.Hash = e.ComputeHash()
	if _, err := tx.Exec(ctx, `INSERT INTO audit_event (agency_id, seq, at, actor_id, role, action, object_type, object_id,
		before, after, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.AgencyID, e.Seq, e.At, e.ActorID, string(e.Role), e.Action, e.ObjectType, e.ObjectID, e.Before, e.After,
		e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("floor audit event: %w", err)
	}
	return nil
}

// CheckIncomingRegisters returns an error unless every incoming register holds the
// numbers 1 to its last number, each on exactly one document.
func CheckIncomingRegisters(ctx context.Context, pool *pgxpool.Pool) error {
	var registers, broken int
	err := pool.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE held <> r.last_number OR distinct_held <> r.last_number
		                                     OR lowest <> 1 OR highest <> r.last_number)
		FROM register_counter r
		CROSS JOIN LATERAL (
			SELECT count(*) AS held, count(DISTINCT d.incoming_number) AS distinct_held,
			       coalesce(min(d.incoming_number), 1) AS lowest, coalesce(max(d.incoming_number), 0) AS highest
			FROM document d
			WHERE d.agency_id = r.agency_id AND d.flow = 'incoming' AND d.year = r.year AND d.series = r.series
			  AND d.incoming_number IS NOT NULL) n
		WHERE r.kind = $1`, string(engine.RegisterIncoming)).Scan(&registers, &broken)
	switch {
	case err != nil:
		return fmt.Errorf("check registers: %w", err)
	case registers == 0:
		return fmt.Errorf("check registers: no incoming register was used")
	case broken > 0:
		return fmt.Errorf("check registers: %d of %d incoming registers do not hold their numbers once each without a gap", broken, registers)
	}
	return nil
}

// StatementCounter is a pgx tracer (postgres.WithTracer) that counts what a store sends:
// statements, the transactions they run in, and round trips (a batch is one).
type StatementCounter struct {
	statements, transactions, roundTrips atomic.Int64
}

// Counts is what a StatementCounter counted.
type Counts struct{ Statements, Transactions, RoundTrips int64 }

// Snapshot is what was counted so far.
func (c *StatementCounter) Snapshot() Counts {
	return Counts{c.statements.Load(), c.transactions.Load(), c.roundTrips.Load()}
}

// Minus is what was counted between u and t.
func (t Counts) Minus(u Counts) Counts {
	return Counts{t.Statements - u.Statements, t.Transactions - u.Transactions, t.RoundTrips - u.RoundTrips}
}

// Plus adds two counts.
func (t Counts) Plus(u Counts) Counts {
	return Counts{t.Statements + u.Statements, t.Transactions + u.Transactions, t.RoundTrips + u.RoundTrips}
}

// Per is each count divided by n, for "per document" figures.
func (t Counts) Per(n int) (statements, transactions, roundTrips float64) {
	return float64(t.Statements) / float64(n), float64(t.Transactions) / float64(n), float64(t.RoundTrips) / float64(n)
}

// TraceQueryStart counts a statement sent alone: one round trip. A statement outside an
// explicit transaction is a transaction of its own; BEGIN starts one.
func (c *StatementCounter) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	c.roundTrips.Add(1)
	switch begin, end := control(data.SQL); {
	case begin:
		c.transactions.Add(1)
	case end:
	default:
		c.statements.Add(1)
		if conn.PgConn().TxStatus() == 'I' {
			c.transactions.Add(1)
		}
	}
	return ctx
}

func (c *StatementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a batch: one round trip, a transaction if none is open.
func (c *StatementCounter) TraceBatchStart(ctx context.Context, conn *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.roundTrips.Add(1)
	if conn.PgConn().TxStatus() == 'I' {
		c.transactions.Add(1)
	}
	return ctx
}

// TraceBatchQuery counts each statement of a batch.
func (c *StatementCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	if begin, end := control(data.SQL); !begin && !end {
		c.statements.Add(1)
	}
}

// control reports whether sql begins a transaction or ends one. It reads the
// statement in place: the counter runs inside every timed statement, and a
// lowered copy of each would be charged to the side sending more of them.
func control(sql string) (begin, end bool) {
	q := strings.TrimSpace(sql)
	begin = len(q) >= len("begin") && strings.EqualFold(q[:len("begin")], "begin")
	return begin, strings.EqualFold(q, "commit") || strings.EqualFold(q, "rollback")
}

func (c *StatementCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// PostgresTraced is Postgres with every statement counted by counter.
func PostgresTraced(t testing.TB, counter *StatementCounter) *sqlstore.Store {
	t.Helper()
	return PostgresTracedAt(t, testenv.PostgresURL(t), counter)
}

// PostgresTracedAt opens the database at url (another node's, say) with tracer seeing
// every statement; the store is closed when the test ends.
func PostgresTracedAt(t testing.TB, url string, tracer pgx.QueryTracer) *sqlstore.Store {
	t.Helper()
	quiet(t)
	s, err := postgres.Open(context.Background(), url, postgres.WithTracer(tracer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

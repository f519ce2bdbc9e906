package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
)

// benchClients is how many clients the concurrent benchmarks run at once.
const benchClients = 16

// BenchmarkTransition measures the engine's dearest common step (the clerk's issue: a
// number from the register, the document update and an audit event, all in one
// transaction) against the floor of any transition on the same database: one transaction
// with one insert and one update of a document row, the least a recorded change of a
// document costs. Both run with benchClients clients, in alternating rounds, so that
// the machine's noise falls on both alike. It reports both and their ratio (target:
// within 3×).
func BenchmarkTransition(b *testing.B) {
	for _, tc := range []struct {
		name string
		open opener
	}{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}} {
		b.Run(tc.name, func(b *testing.B) {
			bb := setup(b, tc.open)
			ctx := context.Background()
			p := bb.province
			now := time.Now().UTC().Truncate(time.Microsecond)
			signed := func() engine.Document {
				d := engine.Document{ID: engine.NewID(), AgencyID: p.agency.ID, Flow: engine.Outgoing, State: engine.StateSigned,
					Version: 1, TypeCode: "QĐ", Subject: "Quyết định", CreatedAt: now, UpdatedAt: now}
				if err := bb.store.DocumentInsert(ctx, &d); err != nil {
					b.Fatal(err)
				}
				return d
			}
			floorDocs, issued := make([]engine.Document, b.N), make([]engine.Document, b.N)
			for i := range b.N {
				floorDocs[i], issued[i] = signed(), signed()
			}
			floor := func(i int) error {
				return bb.store.InTx(ctx, func(q engine.Queries) error {
					if err := q.RequestLogInsert(ctx, engine.RequestRecord{RequestID: "floor-" + floorDocs[i].ID, ActorID: p.clerk.UserID,
						Action: "floor", ObjectID: floorDocs[i].ID, CreatedAt: now}); err != nil {
						return err
					}
					d := &floorDocs[i]
					d.Version, d.Note, d.UpdatedAt = 2, "floor", now
					return q.DocumentUpdate(ctx, d, 1)
				})
			}
			issue := func(i int) error {
				_, err := bb.eng.Issue(ctx, p.clerk, issued[i].ID, "")
				return err
			}

			b.ResetTimer()
			var floorTime, stepTime time.Duration
			const round = benchClients * 4
			for from := 0; from < b.N; from += round {
				to := min(from+round, b.N)
				floorTime += concurrently(b, from, to, floor)
				stepTime += concurrently(b, from, to, issue)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/stepTime.Seconds(), "transitions/s")
			b.ReportMetric(float64(b.N)/floorTime.Seconds(), "floor-tx/s")
			b.ReportMetric(stepTime.Seconds()/floorTime.Seconds(), "x-floor")
		})
	}
}

// concurrently runs op for every i in [from, to) on benchClients goroutines and returns
// the time they took.
func concurrently(b *testing.B, from, to int, op func(i int) error) time.Duration {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	errs := make(chan error, benchClients)
	start := time.Now()
	for range benchClients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < to; i = int(next.Add(1) - 1) {
				if err := op(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// BenchmarkInbox measures a page of 50 of a clerk's inbox with many documents waiting
// (VANTHU_BENCH_INBOX, default 50,000) on PostgreSQL, against a primary-key lookup of a
// document, the two alternating in the same run. It pages on through the inbox, back to
// the start every 20 pages, and reports both p95s and their ratio (target: inbox p95 ≤ 50 ms).
func BenchmarkInbox(b *testing.B) {
	waiting := 50_000
	if v := os.Getenv("VANTHU_BENCH_INBOX"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			b.Fatalf("VANTHU_BENCH_INBOX=%q: want a number of documents, at least 100", v)
		}
		waiting = n
	}
	bb := setup(b, openPostgres)
	ctx := context.Background()
	ids := seedInbox(b, bb, waiting)
	if _, err := bb.store.Raw().(*pgxpool.Pool).Exec(ctx, "ANALYZE document"); err != nil {
		b.Fatal(err)
	}

	var pages, lookups []time.Duration
	cursor := ""
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := bb.store.DocumentGetByID(ctx, ids[rand.IntN(len(ids))]); err != nil {
			b.Fatal(err)
		}
		lookups = append(lookups, time.Since(start))

		if i%20 == 0 {
			cursor = ""
		}
		start = time.Now()
		page, err := bb.eng.InboxPage(ctx, bb.province.clerk, cursor, 50)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, time.Since(start))
		if len(page.Documents) != 50 {
			b.Fatalf("a page of %d documents", len(page.Documents))
		}
		cursor = page.Next
	}
	b.StopTimer()
	page95, lookup95 := p95(pages), p95(lookups)
	b.ReportMetric(float64(page95)/float64(time.Millisecond), "inbox-p95-ms")
	b.ReportMetric(float64(lookup95)/float64(time.Millisecond), "lookup-p95-ms")
	b.ReportMetric(float64(page95)/float64(lookup95), "x-lookup")
	b.Logf("%d waiting: inbox page p95 %v, primary-key lookup p95 %v (target: inbox p95 ≤ 50ms)", waiting, page95, lookup95)
}

func p95(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)*95/100]
}

// BenchmarkHotRegister measures one hot register on PostgreSQL: benchClients clerks'
// clients registering incoming documents of the same agency, each taking the next number
// of the same incoming register (one row every one of them locks until commit), against
// that register's floor: the same row bumped, the document's row updated and the audit
// event appended, in one transaction, at the same concurrency (dbtest.Floor). The two
// alternate in rounds and number in the same register, which must end holding every
// number once, without a gap. It reports both rates and their ratio (target ≥ 0.70).
func BenchmarkHotRegister(b *testing.B) {
	bb := setup(b, openPostgres)
	ctx := context.Background()
	p := bb.province
	now := time.Now().UTC().Truncate(time.Microsecond)
	received := func(n int) []engine.Document {
		docs := make([]engine.Document, n)
		err := bb.store.InTx(ctx, func(q engine.Queries) error {
			for i := range docs {
				docs[i] = engine.Document{ID: engine.NewID(), AgencyID: p.agency.ID, Flow: engine.Incoming, State: engine.StateReceived,
					Version: 1, TypeCode: "CV", Subject: fmt.Sprintf("Công văn đến %d", i), SenderName: "Bộ Nội vụ", Year: now.Year(),
					ReceivedAt: &now, CreatedAt: now, UpdatedAt: now}
				if err := q.DocumentInsert(ctx, &docs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		return docs
	}
	viaEngine, viaFloor := received(b.N), received(b.N)
	pool := bb.store.Raw().(*pgxpool.Pool)
	floor := dbtest.Floor{Pool: pool, AgencyID: p.agency.ID, UserID: p.clerk.UserID}
	register := func(i int) error {
		_, err := bb.eng.Register(ctx, p.clerk, viaEngine[i].ID, "")
		return err
	}
	floorRegister := func(i int) error { return floor.Register(ctx, viaFloor[i].ID, viaFloor[i].Subject) }

	b.ResetTimer()
	var floorTime, stepTime time.Duration
	const round = benchClients * 4
	for from := 0; from < b.N; from += round {
		to := min(from+round, b.N)
		stepTime += concurrently(b, from, to, register)
		floorTime += concurrently(b, from, to, floorRegister)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/stepTime.Seconds(), "registrations/s")
	b.ReportMetric(float64(b.N)/floorTime.Seconds(), "floor-tx/s")
	b.ReportMetric(floorTime.Seconds()/stepTime.Seconds(), "of-floor")
	if err := dbtest.CheckIncomingRegisters(ctx, pool); err != nil {
		b.Fatal(err)
	}
	if problems, _, err := bb.eng.VerifyAudit(ctx, p.agency.ID); err != nil || len(problems) > 0 {
		b.Fatalf("audit chain: %v %v", err, problems)
	}
}

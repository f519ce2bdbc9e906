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

// seedInbox adds n documents waiting for the province's clerk, in every state the clerk
// acts on and every urgency, changed over the last 30 days, and returns their ids.
func seedInbox(b *testing.B, bb *bundle, n int) []string {
	ctx := context.Background()
	states := []struct {
		flow  engine.Flow
		state engine.State
	}{{engine.Incoming, engine.StateReceived}, {engine.Incoming, engine.StateRegistered}, {engine.Outgoing, engine.StateSigned},
		{engine.Outgoing, engine.StateNumbered}, {engine.Outgoing, engine.StateAgencySigned}}
	urgencies := []engine.Urgency{engine.UrgencyNormal, engine.UrgencyNormal, engine.UrgencyNormal, engine.UrgencyNormal,
		engine.UrgencyNormal, engine.UrgencyNormal, engine.UrgencyUrgent, engine.UrgencyVeryUrgent, engine.UrgencyFlash}
	now := time.Now().UTC().Truncate(time.Microsecond)
	ids := make([]string, 0, n)
	for chunk := range slices.Chunk(make([]struct{}, n), 1000) {
		err := bb.store.InTx(ctx, func(q engine.Queries) error {
			for range chunk {
				i := len(ids)
				st := states[i%len(states)]
				d := engine.Document{ID: engine.NewID(), AgencyID: bb.province.agency.ID, Flow: st.flow, State: st.state, Version: 1,
					TypeCode: "CV", Subject: fmt.Sprintf("Văn bản chờ %d", i), Urgency: urgencies[i%len(urgencies)], Year: now.Year(),
					CreatedAt: now, UpdatedAt: now.Add(-time.Duration(rand.IntN(30*24*3600)) * time.Second)}
				if err := q.DocumentInsert(ctx, &d); err != nil {
					return err
				}
				ids = append(ids, d.ID)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

func p95(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)*95/100]
}

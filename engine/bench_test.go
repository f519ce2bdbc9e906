package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// BenchmarkTransition measures the engine's dearest common step (the clerk's issue: a
// number from the register, the document update and an audit event, all in one
// transaction) against the floor of any transition on the same database in the same run:
// one transaction with one insert and one update of a document row, the least a recorded
// change of a document costs. It reports both and their ratio (target: within 3×).
func BenchmarkTransition(b *testing.B) {
	for _, tc := range []struct {
		name string
		open opener
	}{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}} {
		b.Run(tc.name, func(b *testing.B) {
			bb := setup(b, tc.open)
			ctx := context.Background()
			p := bb.province
			ids := make([]string, b.N)
			floorDocs := make([]engine.Document, b.N)
			now := time.Now().UTC().Truncate(time.Microsecond)
			for i := range floorDocs {
				floorDocs[i] = engine.Document{ID: engine.NewID(), AgencyID: p.agency.ID, Flow: engine.Outgoing, State: engine.StateSigned,
					Version: 1, TypeCode: "QĐ", Subject: "Quyết định", CreatedAt: now, UpdatedAt: now}
				if err := bb.store.DocumentInsert(ctx, &floorDocs[i]); err != nil {
					b.Fatal(err)
				}
			}
			for i := range ids {
				d := engine.Document{ID: engine.NewID(), AgencyID: p.agency.ID, Flow: engine.Outgoing, State: engine.StateSigned,
					Version: 1, TypeCode: "QĐ", Subject: "Quyết định", CreatedAt: now, UpdatedAt: now}
				if err := bb.store.DocumentInsert(ctx, &d); err != nil {
					b.Fatal(err)
				}
				ids[i] = d.ID
			}

			floorStart := time.Now()
			for i := 0; i < b.N; i++ {
				err := bb.store.InTx(ctx, func(q engine.Queries) error {
					if err := q.RequestLogInsert(ctx, engine.RequestRecord{RequestID: fmt.Sprintf("floor-%d", i), ActorID: p.clerk.UserID,
						Action: "floor", ObjectID: ids[i], CreatedAt: now}); err != nil {
						return err
					}
					d := &floorDocs[i]
					d.Version, d.Note, d.UpdatedAt = 2, "floor", now
					return q.DocumentUpdate(ctx, d, 1)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			floor := time.Since(floorStart)

			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := bb.eng.Issue(ctx, p.clerk, ids[i], ""); err != nil {
					b.Fatal(err)
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "transitions/s")
			b.ReportMetric(float64(b.N)/floor.Seconds(), "floor-tx/s")
			b.ReportMetric(elapsed.Seconds()/floor.Seconds(), "x-floor")
		})
	}
}

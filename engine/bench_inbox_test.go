package engine_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/engine"
)

// seedInbox adds n documents waiting for the province's clerk, in every state the clerk
// acts on and every urgency, changed over the last 30 days, and returns their ids. One
// document goes through the store; the database copies it n-1 times in one statement
// (INSERT … SELECT over generate_series), varying the id, flow, state, urgency, subject and
// time of change, so that every other column is what the store writes.
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
	template := engine.Document{ID: engine.NewID(), AgencyID: bb.province.agency.ID, Flow: states[0].flow, State: states[0].state,
		Version: 1, TypeCode: "CV", Subject: "Văn bản chờ 0", Year: now.Year(), CreatedAt: now,
		UpdatedAt: now.Add(-time.Duration(rand.IntN(30*24*3600)) * time.Second)}
	if err := bb.store.InTx(ctx, func(q engine.Queries) error { return q.DocumentInsert(ctx, &template) }); err != nil {
		b.Fatal(err)
	}
	var flows, stateNames, urgencyNames []string
	for _, s := range states {
		flows, stateNames = append(flows, string(s.flow)), append(stateNames, string(s.state))
	}
	for _, u := range urgencies {
		urgencyNames = append(urgencyNames, string(u))
	}
	rows, err := bb.store.Raw().(*pgxpool.Pool).Query(ctx, `
		INSERT INTO document
		SELECT (jsonb_populate_record(t, jsonb_build_object(
			'id', gen_random_uuid(),
			'flow', ($2::text[])[i % cardinality($2::text[]) + 1],
			'state', ($3::text[])[i % cardinality($3::text[]) + 1],
			'urgency', ($4::text[])[i % cardinality($4::text[]) + 1],
			'subject', 'Văn bản chờ ' || i,
			'updated_at', $5::timestamptz - floor(random() * 30 * 24 * 3600) * interval '1 second'))).*
		FROM document t, generate_series(1, $6::int - 1) i
		WHERE t.id = $1
		RETURNING id::text`, template.ID, flows, stateNames, urgencyNames, now, n)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	ids := []string{template.ID}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) != n {
		b.Fatalf("seeded %d of %d documents: %v", len(ids), n, err)
	}
	return ids
}

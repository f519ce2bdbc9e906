package exchange

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/axis/axistest"
	"github.com/vanthu/vanthu/service/axis/emulator"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/testenv"
)

// TestOriginIsReadOncePerDocument checks that a node with the axis on looks up whether a
// document came over the axis once, not in every step: a clerk's receipt reads nothing
// of the exchange (only the system takes documents in from the axis), nor registering a
// document the node received, and one it did not is read once. (That documents from the
// axis still report their steps is TestExchangeBetweenTwoInstances.)
func TestOriginIsReadOncePerDocument(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var reads exchangeReads
	url := axistest.Start(t, axistest.TwoSystems([]axis.Agency{{Code: provinceCode, Name: "Ủy ban nhân dân tỉnh Hòa Bình"}},
		axis.Agency{Code: ministryCode, Name: "Bộ Tài chính"}))
	in := newInstance(t, func(t testing.TB) *sqlstore.Store {
		return dbtest.PostgresTracedAt(t, testenv.PostgresURL(t), &reads)
	}, "H23", provinceCode, "Ủy ban nhân dân tỉnh Hòa Bình", url, emulator.DemoSystem, axistest.DemoSecret)
	clerk := in.people[engine.RoleClerk]
	receive := func(subject string, register bool) engine.Document {
		scan := engine.FileInput{Name: "cong-van.pdf", BlobKey: "sha256/ab/ab" + strings.Repeat("0", 62),
			SHA256: "ab" + strings.Repeat("0", 62), Size: 1234}
		before := reads.Load()
		d, err := in.eng.ReceiveExternal(ctx, clerk, engine.ExternalInput{TypeCode: "QĐ", Subject: subject,
			SenderName: "Sở Tài chính", Files: []engine.FileInput{scan}, Register: register}, "")
		must(t, err)
		if n := reads.Load() - before; n != 0 {
			t.Fatalf("a clerk's receipt (registering: %t) read the exchange %d times", register, n)
		}
		return d
	}
	received := func(subject string) engine.Document { return receive(subject, false) }
	receive("Về việc vào sổ ngay", true)
	register := func(d engine.Document) int64 {
		before := reads.Load()
		if _, err := in.eng.Register(ctx, clerk, d.ID, ""); err != nil {
			t.Fatal(err)
		}
		return reads.Load() - before
	}
	unseen := received("Về việc thứ nhất")
	in.svc.origins = origins{} // as another node, which did not receive it, would
	seen := received("Về việc thứ hai")
	if s, u := register(seen), register(unseen); s != 0 || u != 1 {
		t.Fatalf("registering read the exchange %d times for a document the node received and %d for one it did not; want 0 and 1", s, u)
	}
}

// exchangeReads counts the statements that read exchange_document.
type exchangeReads struct{ atomic.Int64 }

func (r *exchangeReads) count(sql string) {
	if strings.Contains(sql, "FROM exchange_document") {
		r.Add(1)
	}
}

func (r *exchangeReads) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	r.count(data.SQL)
	return ctx
}

func (r *exchangeReads) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *exchangeReads) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (r *exchangeReads) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	r.count(data.SQL)
}

func (r *exchangeReads) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

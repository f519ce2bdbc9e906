package engine_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

func TestAuditChainDetectsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	b := setup(t, func(t testing.TB) *sqlstore.Store {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
	p := b.province
	for _, subject := range []string{"Báo cáo tháng 1", "Báo cáo tháng 2"} {
		b.signedDraft(t, subject) // several events in the province's chain
	}
	problems, n, err := b.eng.VerifyAudit(ctx, p.agency.ID)
	if err != nil || len(problems) != 0 || n < 10 {
		t.Fatalf("untouched chain: %d events, %v, %v", n, problems, err)
	}

	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tamper := func(t *testing.T, stmt string, wantReason string) {
		t.Helper()
		if _, err := raw.Exec(stmt, p.agency.ID); err != nil {
			t.Fatal(err)
		}
		problems, _, err := b.eng.VerifyAudit(ctx, p.agency.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range problems {
			if strings.Contains(pr.Reason, wantReason) {
				return
			}
		}
		t.Fatalf("after %q: problems %v, want one saying %q", stmt, problems, wantReason)
	}
	t.Run("EditedEvent", func(t *testing.T) {
		tamper(t, `UPDATE audit_event SET after = '{"state":"signed"}' WHERE agency_id = $1 AND seq = 4`, "edited")
	})
	t.Run("DeletedEvent", func(t *testing.T) {
		tamper(t, `DELETE FROM audit_event WHERE agency_id = $1 AND seq = 6`, "missing")
	})
	t.Run("TruncatedTail", func(t *testing.T) {
		tamper(t, `DELETE FROM audit_event WHERE agency_id = $1 AND seq = (SELECT max(seq) FROM audit_event WHERE agency_id = $1)`, "chain head")
	})
	other, _, _ := b.eng.VerifyAudit(ctx, b.districts[0].agency.ID)
	if len(other) != 0 {
		t.Fatalf("another agency's chain is reported broken: %v", other)
	}
}

func TestVerifyChainOnItsOwn(t *testing.T) {
	t.Parallel()
	if got := engine.VerifyChain(engine.ChainHead{}, nil); len(got) != 0 {
		t.Fatalf("empty chain: %v", got)
	}
	if got := engine.VerifyChain(engine.ChainHead{Seq: 2, Hash: "x"}, nil); len(got) != 1 {
		t.Fatalf("a head with no events must be reported: %v", got)
	}
}

package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/testenv"
)

// TestCheckedCredentialsAreRememberedUntilTheyChange runs two nodes on one PostgreSQL
// schema. A session or token checked once is served without reading the database, and
// every way of taking it away — logout, a revoked token, a disabled account, a removed
// role, a change written straight into the database — takes effect on the node that made
// it at once and on the other as soon as PostgreSQL tells it; while that feed is down,
// nothing is served from memory.
func TestCheckedCredentialsAreRememberedUntilTheyChange(t *testing.T) {
	t.Parallel()
	var traceA, traceB dbtest.StatementCounter
	var url, appName string
	a := setup(t, func(t testing.TB) *sqlstore.Store {
		// Named after the test's schema, so that the test can cut its own nodes' feeds and
		// nobody else's.
		url, appName = testenv.PostgresNamedURL(t)
		return dbtest.PostgresTracedAt(t, url, &traceA)
	})
	b := a.node(t, url, &traceB)
	ctx := context.Background()
	pool := a.store.Raw().(*pgxpool.Pool)

	// reads is what one request costs in statements; the handler itself reads nothing.
	reads := func(n *bundle, trace *dbtest.StatementCounter, c *http.Cookie, header map[string]string) (int, int64) {
		before := trace.Snapshot()
		status := n.do(t, "GET", "/api/v1/docs", nil, c, header).StatusCode
		return status, trace.Snapshot().Minus(before).Statements
	}
	// remembered waits until a request is answered from memory: the feed is live.
	remembered := func(n *bundle, trace *dbtest.StatementCounter, c *http.Cookie, header map[string]string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			status, stmts := reads(n, trace, c, header)
			if status != 200 {
				t.Fatalf("request refused: %d", status)
			}
			if stmts == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("a checked credential is still read from the database (%d statements a request)", stmts)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// refusedAtOnce checks that the very next request is refused.
	refusedAtOnce := func(n *bundle, trace *dbtest.StatementCounter, c *http.Cookie, header map[string]string, what string) {
		t.Helper()
		if status, _ := reads(n, trace, c, header); status != 401 {
			t.Fatalf("%s: the same node still lets the request through (%d)", what, status)
		}
	}
	// refusedSoon gives the other node the notification's way from the database.
	refusedSoon := func(n *bundle, trace *dbtest.StatementCounter, c *http.Cookie, header map[string]string, what string) {
		t.Helper()
		start := time.Now()
		for {
			status, _ := reads(n, trace, c, header)
			if status == 401 {
				t.Logf("%s: refused after %v", what, time.Since(start).Round(time.Microsecond))
				return
			}
			if time.Since(start) > 3*time.Second {
				t.Fatalf("%s: still let through after %v", what, time.Since(start))
			}
			time.Sleep(time.Millisecond)
		}
	}

	t.Run("Logout", func(t *testing.T) {
		c, csrf := a.session(t)
		remembered(a, &traceA, c, nil)
		remembered(b, &traceB, c, nil)
		if live, fromMemory := metric(t, a.svc, "vanthu_credential_feed_live", ""), metric(t, a.svc, "vanthu_credential_lookups_total", "memory"); live != 1 || fromMemory < 1 {
			t.Fatalf("/metrics says the feed is live %v and %v lookups came from memory", live, fromMemory)
		}
		if resp := a.do(t, "POST", "/api/v1/auth/logout", nil, c, map[string]string{"X-CSRF-Token": csrf}); resp.StatusCode != 204 {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		refusedAtOnce(a, &traceA, c, nil, "logout")
		refusedSoon(b, &traceB, c, nil, "logout")
	})
	t.Run("RevokedToken", func(t *testing.T) {
		tok, err := a.svc.CreateToken(ctx, a.clerk.ID, "trục", []string{"read"}, 0)
		must(t, err)
		bearer := map[string]string{"Authorization": "Bearer " + tok.Secret}
		remembered(a, &traceA, nil, bearer)
		remembered(b, &traceB, nil, bearer)
		must(t, a.svc.RevokeToken(ctx, a.clerk.ID, tok.ID))
		refusedAtOnce(a, &traceA, nil, bearer, "revoked token")
		refusedSoon(b, &traceB, nil, bearer, "revoked token")
	})
	t.Run("DisabledAccount", func(t *testing.T) {
		c, _ := a.session(t)
		tok, err := a.svc.CreateToken(ctx, a.clerk.ID, "trục", []string{"read"}, 0)
		must(t, err)
		bearer := map[string]string{"Authorization": "Bearer " + tok.Secret}
		for _, n := range []struct {
			b     *bundle
			trace *dbtest.StatementCounter
		}{{a, &traceA}, {b, &traceB}} {
			remembered(n.b, n.trace, c, nil)
			remembered(n.b, n.trace, nil, bearer)
		}
		must(t, a.eng.SetUserDisabled(ctx, engine.System, a.clerk.ID, true))
		t.Cleanup(func() { must(t, a.eng.SetUserDisabled(ctx, engine.System, a.clerk.ID, false)) })
		refusedAtOnce(a, &traceA, nil, bearer, "disabled account's token")
		refusedAtOnce(a, &traceA, c, nil, "disabled account's session")
		refusedSoon(b, &traceB, nil, bearer, "disabled account's token")
		refusedSoon(b, &traceB, c, nil, "disabled account's session")
	})
	t.Run("RemovedRole", func(t *testing.T) {
		c, _ := a.session(t)
		extra := engine.Membership{UserID: a.clerk.ID, AgencyID: a.agency.ID, Role: engine.RoleSpecialist}
		must(t, a.eng.Grant(ctx, engine.System, extra))
		// The principal's roles: /auth/me would read them from the database again.
		roles := func(n *bundle) []string {
			resp := n.do(t, "GET", "/api/v1/roles", nil, c, nil)
			body, err := io.ReadAll(resp.Body)
			must(t, err)
			if resp.StatusCode != 200 {
				t.Fatalf("roles: %d", resp.StatusCode)
			}
			return strings.Fields(string(body))
		}
		remembered(a, &traceA, c, nil)
		remembered(b, &traceB, c, nil)
		if !slices.Contains(roles(a), string(engine.RoleSpecialist)) || !slices.Contains(roles(b), string(engine.RoleSpecialist)) {
			t.Fatal("the granted role is not seen")
		}
		must(t, a.eng.RevokeRole(ctx, engine.System, extra))
		if slices.Contains(roles(a), string(engine.RoleSpecialist)) {
			t.Fatal("the same node still sees the removed role")
		}
		for start := time.Now(); slices.Contains(roles(b), string(engine.RoleSpecialist)); time.Sleep(time.Millisecond) {
			if time.Since(start) > 3*time.Second {
				t.Fatal("the other node still sees the removed role after 3 seconds")
			}
		}
	})
	t.Run("ChangeWrittenStraightIntoTheDatabase", func(t *testing.T) {
		// As an operator, a command-line tool or a node of another version might: no
		// node's own code sees it, only the feed.
		c, _ := a.session(t)
		remembered(a, &traceA, c, nil)
		remembered(b, &traceB, c, nil)
		_, err := pool.Exec(ctx, `DELETE FROM auth_session WHERE user_id = $1`, a.clerk.ID)
		must(t, err)
		refusedSoon(a, &traceA, c, nil, "session deleted in SQL")
		refusedSoon(b, &traceB, c, nil, "session deleted in SQL")
	})
	t.Run("NothingIsServedFromMemoryWhileTheFeedIsDown", func(t *testing.T) {
		c, _ := a.session(t)
		remembered(a, &traceA, c, nil)
		_, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name = $1 AND query LIKE 'LISTEN %'`, appName)
		must(t, err)
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			if _, stmts := reads(a, &traceA, c, nil); stmts > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the node still answers from memory after losing its feed")
			}
		}
		// Back once it listens again, and again told of changes.
		remembered(a, &traceA, c, nil)
		_, err = pool.Exec(ctx, `UPDATE app_user SET disabled = true WHERE id = $1`, a.clerk.ID)
		must(t, err)
		t.Cleanup(func() { must(t, a.eng.SetUserDisabled(ctx, engine.System, a.clerk.ID, false)) })
		refusedSoon(a, &traceA, c, nil, "account disabled in SQL after the feed came back")
	})
}

// node is a second server of b's province on its own connections to the same schema.
func (b *bundle) node(t *testing.T, url string, trace *dbtest.StatementCounter) *bundle {
	t.Helper()
	s := dbtest.PostgresTracedAt(t, url, trace)
	n := *b
	n.store = s
	n.eng = engine.New(s)
	n.eng.PasswordParams = cheap
	n.svc, n.server = serve(t, n.eng, s, b.clock)
	return &n
}

// watcher records what a store tells of credential changes.
type watcher struct {
	mu      sync.Mutex
	changes []sqlstore.CredentialChange
}

func (w *watcher) CredentialsChanged(ch sqlstore.CredentialChange) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.changes = append(w.changes, ch)
}

func (w *watcher) CredentialFeed(bool) {}

func (w *watcher) take() []sqlstore.CredentialChange {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.changes
	w.changes = nil
	return out
}

// TestCredentialChangesAreToldOnCommit checks, on both databases, that the node making a
// change tells its own cache before answering, without waiting for any feed: each way of
// taking access away names what it took.
func TestCredentialChangesAreToldOnCommit(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		w := &watcher{}
		live := b.store.WatchCredentials(w)
		if want := b.store.Dialect() == "postgres"; live != want {
			t.Fatalf("WatchCredentials = %v on %s", live, b.store.Dialect())
		}
		user := sqlstore.CredentialChange{UserID: b.clerk.ID}
		check := func(what string, want sqlstore.CredentialChange) {
			t.Helper()
			if got := w.take(); !slices.Contains(got, want) {
				t.Fatalf("%s: told %v, want %v among them", what, got, want)
			}
		}

		c, csrf := b.session(t)
		if got := w.take(); len(got) != 0 {
			t.Fatalf("a login changed nobody's access, yet told %v", got)
		}
		b.do(t, "POST", "/api/v1/auth/logout", nil, c, map[string]string{"X-CSRF-Token": csrf})
		check("logout", sqlstore.CredentialChange{SessionHash: sessionHash(c.Value)})

		tok, err := b.svc.CreateToken(ctx, b.clerk.ID, "trục", []string{"read"}, 0)
		must(t, err)
		must(t, b.svc.RevokeToken(ctx, b.clerk.ID, tok.ID))
		check("token revoked", sqlstore.CredentialChange{TokenID: tok.ID})

		extra := engine.Membership{UserID: b.clerk.ID, AgencyID: b.agency.ID, Role: engine.RoleSpecialist}
		must(t, b.eng.Grant(ctx, engine.System, extra))
		check("role granted", user)
		must(t, b.eng.RevokeRole(ctx, engine.System, extra))
		check("role revoked", user)
		must(t, b.eng.SetUserDisabled(ctx, engine.System, b.clerk.ID, true))
		check("account disabled", user)
		must(t, b.eng.SetUserDisabled(ctx, engine.System, b.clerk.ID, false))
		check("account enabled", user)
		must(t, b.eng.ChangePassword(ctx, engine.Actor{UserID: b.clerk.ID}, b.clerk.ID, "mật-khẩu-mới-4"))
		check("password changed", user)
	})
}

func sessionHash(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// metric reads one of svc's metrics, the series labelled from (if given).
func metric(t *testing.T, svc *auth.Service, name, from string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(svc.Collectors()...)
	families, err := reg.Gather()
	must(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if from != "" && (len(m.GetLabel()) == 0 || m.GetLabel()[0].GetValue() != from) {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s %s", name, from)
	return 0
}

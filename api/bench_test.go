package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// BenchmarkHTTP measures, over loopback against PostgreSQL, the clerk's inbox listing and
// an incoming document's registration through the whole API (session lookup, acting-as,
// idempotency, engine, audit) next to a bare net/http handler that runs the same engine
// call, and with it the same statements, without the API around it. The inbox holds
// VANTHU_BENCH_INBOX documents waiting (default 50,000). The API and the bare handler
// take turns, a round of requests each, so that the machine's noise falls on both alike.
// It reports requests per second and the 99th percentile latency of each, and the API's
// rate over the bare handler's (target ≥ 0.5).
func BenchmarkHTTP(b *testing.B) {
	ctx := context.Background()
	store := dbtest.Postgres(b)
	api, eng := benchServer(b, store)
	province, err := store.AgencyGetByCode(ctx, "H23")
	if err != nil {
		b.Fatal(err)
	}
	clerkUser, err := store.UserGetByUsername(ctx, "vanthu.tinh")
	if err != nil {
		b.Fatal(err)
	}
	clerk := engine.Actor{UserID: clerkUser.ID, AgencyID: province.ID, Role: engine.RoleClerk}
	// A register with history: 5 000 handled documents and many waiting for the clerk.
	insert := func(n int, state engine.State) []string {
		ids := make([]string, 0, n)
		now := time.Now().UTC().Truncate(time.Microsecond)
		for chunk := range slices.Chunk(make([]struct{}, n), 1000) {
			err := store.InTx(ctx, func(q engine.Queries) error {
				for range chunk {
					d := engine.Document{ID: engine.NewID(), AgencyID: province.ID, Flow: engine.Incoming, State: state, Version: 1,
						TypeCode: "TB", Subject: fmt.Sprintf("Thông báo %d", len(ids)), SenderName: "Bộ Nội vụ", Year: now.Year(),
						CreatedAt: now, UpdatedAt: now.Add(-time.Duration(len(ids)) * time.Second)}
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
	waiting := 50_000
	if v := os.Getenv("VANTHU_BENCH_INBOX"); v != "" {
		if waiting, err = strconv.Atoi(v); err != nil {
			b.Fatalf("VANTHU_BENCH_INBOX=%q: %v", v, err)
		}
	}
	insert(5000, engine.StateCompleted)
	insert(waiting, engine.StateRegistered)
	if _, err := store.Raw().(*pgxpool.Pool).Exec(ctx, "ANALYZE document"); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d documents waiting for the clerk", waiting)

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	resp, err := hc.Post(api.URL+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"vanthu.tinh","password":"`+demoPassword+`"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("login: %v %v", err, resp)
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()

	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			page, err := eng.InboxPage(r.Context(), clerk, "", 50)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			httpx.WriteJSON(w, http.StatusOK, mapSlice(page.Documents, documentOut))
			return
		}
		d, err := eng.Register(r.Context(), clerk, r.URL.Query().Get("id"), "")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, documentOut(d))
	}))
	defer bare.Close()

	request := func(method, url string) *http.Request {
		req, _ := http.NewRequest(method, url, nil)
		if method == http.MethodPost {
			req.Header.Set("X-CSRF-Token", me.CSRF)
			req.Header.Set("If-Match", `"v1"`)
		}
		return req
	}
	b.Run("InboxListing", func(b *testing.B) {
		side(b, hc, func(int) *http.Request { return request("GET", api.URL+"/api/v1/documents?view=inbox&limit=50") },
			func(int) *http.Request { return request("GET", bare.URL) })
	})
	b.Run("Register", func(b *testing.B) {
		viaAPI, viaBare := insert(b.N, engine.StateReceived), insert(b.N, engine.StateReceived)
		b.ResetTimer()
		side(b, hc, func(i int) *http.Request { return request("POST", api.URL+"/api/v1/documents/"+viaAPI[i]+"/register") },
			func(i int) *http.Request { return request("POST", bare.URL+"?id="+viaBare[i]) })
	})
}

// side sends b.N requests to the API and b.N to the bare handler, in alternating rounds,
// and reports the throughput and p99 of each and the API's rate over the bare one's.
func side(b *testing.B, hc *http.Client, api, bare func(i int) *http.Request) {
	const round = 64
	var apiTime, bareTime time.Duration
	var apiLat, bareLat []time.Duration
	for from := 0; from < b.N; from += round {
		to := min(from+round, b.N)
		elapsed, lat := load(b, hc, from, to, api)
		apiTime, apiLat = apiTime+elapsed, append(apiLat, lat...)
		elapsed, lat = load(b, hc, from, to, bare)
		bareTime, bareLat = bareTime+elapsed, append(bareLat, lat...)
	}
	p99 := func(l []time.Duration) float64 {
		slices.Sort(l)
		return float64(l[len(l)*99/100].Microseconds()) / 1000
	}
	n := float64(b.N)
	b.ReportMetric(n/apiTime.Seconds(), "api-req/s")
	b.ReportMetric(n/bareTime.Seconds(), "bare-req/s")
	b.ReportMetric(p99(apiLat), "api-p99-ms")
	b.ReportMetric(p99(bareLat), "bare-p99-ms")
	b.ReportMetric(bareTime.Seconds()/apiTime.Seconds(), "api/bare")
}

// load sends requests from to to from 8 concurrent clients and returns the time they took
// and each one's latency.
func load(b *testing.B, hc *http.Client, from, to int, next func(i int) *http.Request) (time.Duration, []time.Duration) {
	const clients = 8
	latencies := make([]time.Duration, to-from)
	var n atomic.Int64
	n.Store(int64(from))
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(n.Add(1)) - 1
				if i >= to {
					return
				}
				t0 := time.Now()
				resp, err := hc.Do(next(i))
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				latencies[i-from] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	return time.Since(start), latencies
}

// benchServer migrates store, seeds the demo province and serves the API over it with a
// file blob store, until the benchmark ends.
func benchServer(b *testing.B, store *sqlstore.Store) (*httptest.Server, *engine.Engine) {
	b.Helper()
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Demo(ctx, store, demoPassword); err != nil {
		b.Fatal(err)
	}
	blobs, err := blob.NewFS(benchBlobDir(b))
	if err != nil {
		b.Fatal(err)
	}
	eng := engine.New(store)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// As serve does: every write transaction enqueues its webhook deliveries.
	deliveries := events.NewDeliveries(store, events.DeliverySettings{}, logger)
	workers := river.NewWorkers()
	deliveries.AddWorkers(workers)
	queue, err := jobs.New(store, jobs.Config{Workers: workers, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	store.AddTxHook(deliveries.TxHook(queue))
	api := httptest.NewServer(New(Deps{Engine: eng, Store: store, Blobs: blobs, Logger: logger}))
	b.Cleanup(api.Close)
	return api, eng
}

// benchBlobs is the one blob directory of every benchmark round in this process, and
// its place on the disk is a fresh one. ext4 without a journal, as on the development
// machine, makes every new file scan past the inodes deleted nearby in the last minutes
// (recently_deleted), which tests and earlier benchmarks leave by the thousand when they
// clean up; a store whose files stay pays nothing of the kind. So the rounds share the
// directory, and it is made inside a directory marked as a top of hierarchies (chattr
// +T), which has ext4 place it in a block group of its own rather than beside the
// temporary directory's. TestMain removes it.
var benchBlobs struct {
	once sync.Once
	dir  string
	err  error
}

func benchBlobDir(b *testing.B) string {
	benchBlobs.once.Do(func() {
		benchBlobs.dir, benchBlobs.err = os.MkdirTemp("", "vanthu-bench-")
		if benchBlobs.err == nil {
			markTopOfHierarchy(b, benchBlobs.dir)
		}
	})
	if benchBlobs.err != nil {
		b.Fatal(benchBlobs.err)
	}
	dir, err := os.MkdirTemp(benchBlobs.dir, "blobs-")
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchBlobs.dir != "" {
		os.RemoveAll(benchBlobs.dir)
	}
	os.Exit(code)
}

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
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/testenv"
)

// BenchmarkHTTP measures, over loopback against PostgreSQL, the clerk's inbox listing and
// an incoming document's registration through the whole API (session lookup, acting-as,
// engine, audit) next to a bare net/http handler running the single query underneath in
// the same run. It reports requests per second and the 99th percentile latency of each.
func BenchmarkHTTP(b *testing.B) {
	ctx := context.Background()
	store, err := postgres.Open(ctx, testenv.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Demo(ctx, store, demoPassword); err != nil {
		b.Fatal(err)
	}
	blobs, err := blob.NewFS(filepath.Join(b.TempDir(), "blobs"))
	if err != nil {
		b.Fatal(err)
	}
	srv := New(Deps{Engine: engine.New(store), Store: store, Blobs: blobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	api := httptest.NewServer(srv)
	defer api.Close()
	province, err := store.AgencyGetByCode(ctx, "H23")
	if err != nil {
		b.Fatal(err)
	}
	// A register with history: 5 000 handled documents and 100 waiting for the clerk.
	insert := func(n int, state engine.State) []string {
		ids := make([]string, n)
		now := time.Now().UTC().Truncate(time.Microsecond)
		for i := range ids {
			d := engine.Document{ID: engine.NewID(), AgencyID: province.ID, Flow: engine.Incoming, State: state, Version: 1,
				TypeCode: "TB", Subject: fmt.Sprintf("Thông báo %d", i), SenderName: "Bộ Nội vụ", Year: now.Year(), CreatedAt: now, UpdatedAt: now}
			if err := store.DocumentInsert(ctx, &d); err != nil {
				b.Fatal(err)
			}
			ids[i] = d.ID
		}
		return ids
	}
	insert(5000, engine.StateCompleted)
	insert(100, engine.StateRegistered)

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
			docs, err := store.DocumentPage(r.Context(), engine.DocumentPageFilter{AgencyID: province.ID, Flow: engine.Incoming,
				State: engine.StateRegistered, Limit: 50})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			httpx.WriteJSON(w, http.StatusOK, mapSlice(docs, documentOut))
			return
		}
		d := engine.Document{ID: r.URL.Query().Get("id"), AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateRegistered,
			Version: 2, TypeCode: "TB", Subject: "Thông báo", SenderName: "Bộ Nội vụ", UpdatedAt: time.Now().UTC()}
		if err := store.DocumentUpdate(r.Context(), &d, 1); err != nil {
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
	b.Run("InboxListing/API", func(b *testing.B) {
		load(b, hc, func(int) *http.Request { return request("GET", api.URL+"/api/v1/documents?view=inbox&limit=50") })
	})
	b.Run("InboxListing/BareHandler", func(b *testing.B) {
		load(b, hc, func(int) *http.Request { return request("GET", bare.URL) })
	})
	b.Run("Register/API", func(b *testing.B) {
		ids := insert(b.N, engine.StateReceived)
		b.ResetTimer()
		load(b, hc, func(i int) *http.Request { return request("POST", api.URL+"/api/v1/documents/"+ids[i]+"/register") })
	})
	b.Run("Register/BareHandler", func(b *testing.B) {
		ids := insert(b.N, engine.StateReceived)
		b.ResetTimer()
		load(b, hc, func(i int) *http.Request { return request("POST", bare.URL+"?id="+ids[i]) })
	})
}

// load sends b.N requests from 8 concurrent clients and reports throughput and p99.
func load(b *testing.B, hc *http.Client, next func(i int) *http.Request) {
	const clients = 8
	latencies := make([]time.Duration, b.N)
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(n.Add(1)) - 1
				if i >= b.N {
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
				latencies[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(latencies[(len(latencies)*99)/100].Microseconds())/1000, "p99-ms")
}

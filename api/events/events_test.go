package events_test

import (
	"bufio"
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

type opener = dbtest.Opener

var openSQLite = dbtest.MigratedSQLite

// forEachStore runs a test on SQLite and on PostgreSQL.
var forEachStore = dbtest.ForEach

// bundle is one agency with its people, the event service and an HTTP server in front,
// and the job queue that delivers webhooks and e-mails.
type bundle struct {
	store                                     *sqlstore.Store
	eng                                       *engine.Engine
	svc                                       *events.Service
	queue                                     jobs.Queue
	srv                                       *httptest.Server
	agency, other                             engine.Agency
	unit                                      engine.Unit
	admin, clerk, leader, specialist, foreign engine.Actor
}

// testUser is the header the test server takes the principal from, standing in for the
// session or token the auth middleware checks.
const testUser = "X-Test-User"

// setup opens and migrates a database, and enqueues deliveries as serve does: in the
// transaction of each change; start works them.
func setup(t *testing.T, open opener, st events.Settings, ds events.DeliverySettings) *bundle {
	t.Helper()
	ctx := context.Background()
	s := open(t)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := &bundle{store: s, eng: engine.New(s), queue: enqueueDeliveries(t, s, ds)}
	var err error
	b.agency, err = b.eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình",
		ShortName: "UBND", Tier: engine.TierProvince})
	must(t, err)
	b.other, err = b.eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23.11", Name: "Ủy ban nhân dân huyện Mai Châu",
		ShortName: "UBND", Tier: engine.TierDistrict, ParentID: b.agency.ID})
	must(t, err)
	b.unit, err = b.eng.CreateUnit(ctx, engine.System, engine.Unit{AgencyID: b.agency.ID, Name: "Khối Văn hóa – Xã hội", ShortName: "VX"})
	must(t, err)
	person := func(agencyID string, role engine.Role, unit, name, email string) engine.Actor {
		slug := "tinh"
		if agencyID != b.agency.ID {
			slug = "huyen"
		}
		u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: string(role) + "." + slug,
			FullName: name, Email: email}, "x")
		must(t, err)
		must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: agencyID, UnitID: unit, Role: role}))
		return engine.Actor{UserID: u.ID, AgencyID: agencyID, Role: role}
	}
	b.admin = person(b.agency.ID, engine.RoleAdmin, "", "Quản trị tỉnh", "")
	b.clerk = person(b.agency.ID, engine.RoleClerk, "", "Văn thư tỉnh", "")
	b.leader = person(b.agency.ID, engine.RoleLeader, "", "Chủ tịch tỉnh", "")
	b.specialist = person(b.agency.ID, engine.RoleSpecialist, b.unit.ID, "Nguyễn Thị Hoà", "hoa@hoabinh.gov.vn")
	b.foreign = person(b.other.ID, engine.RoleAdmin, "", "Quản trị huyện", "")

	b.svc = events.New(events.Config{Engine: b.eng, Store: s, Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	b.svc.Configure(st)
	mux := http.NewServeMux()
	b.svc.Routes(mux)
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(testUser); id != "" {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{UserID: id}))
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// enqueueDeliveries has every write transaction of s enqueue its deliveries, as serve
// does, on the job queue it returns (not started).
func enqueueDeliveries(t *testing.T, s *sqlstore.Store, ds events.DeliverySettings) jobs.Queue {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	deliveries := events.NewDeliveries(s, ds, logger)
	workers := river.NewWorkers()
	deliveries.AddWorkers(workers)
	queue, err := jobs.New(s, jobs.Config{Workers: workers, PollInterval: 50 * time.Millisecond, Logger: logger})
	must(t, err)
	s.AddTxHook(deliveries.TxHook(queue))
	return queue
}

// start runs the live counts and the job queue's workers until the test ends.
func (b *bundle) start(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	b.svc.Start(ctx)
	must(t, b.queue.Start(ctx))
	t.Cleanup(func() {
		sctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		_ = b.queue.Stop(sctx)
		cancel()
		b.svc.Stop()
	})
}

var scan = engine.FileInput{Name: "cong-van.pdf", BlobKey: "sha256/ab/ab" + fmt.Sprintf("%062d", 0),
	SHA256: "ab" + fmt.Sprintf("%062d", 0), Size: 1234}

// registered is an incoming document the clerk received and registered.
func (b *bundle) registered(t *testing.T, subject string) engine.Document {
	t.Helper()
	ctx := context.Background()
	d, err := b.eng.ReceiveExternal(ctx, b.clerk, engine.ExternalInput{TypeCode: "QĐ", Subject: subject,
		SenderName: "Bộ Nội vụ", SenderNotation: "12/BNV-VP", Files: []engine.FileInput{scan}}, "")
	must(t, err)
	d, err = b.eng.Register(ctx, b.clerk, d.ID, "")
	must(t, err)
	return d
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// request sends a JSON request as a user ("" for nobody).
func (b *bundle) request(t *testing.T, method, path, user string, body any) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		must(t, err)
		r = strings.NewReader(string(j))
	}
	req, err := http.NewRequest(method, b.srv.URL+path, r)
	must(t, err)
	if user != "" {
		req.Header.Set(testUser, user)
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp, data
}

// sseEvent is one event read off a stream; comment lines are kept as they come.
type sseEvent struct {
	id, name, data string
	comments       []string
}

type stream struct {
	resp   *http.Response
	events chan sseEvent
}

func (b *bundle) connect(t *testing.T, user, lastEventID string) *stream {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.srv.URL+"/api/v1/events/inbox", nil)
	must(t, err)
	req.Header.Set(testUser, user)
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	s := &stream{resp: resp, events: make(chan sseEvent, 16)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				s.events <- ev
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				ev.comments = append(ev.comments, strings.TrimSpace(line[1:]))
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return s
}

// nextCounts waits for the next counts event, skipping comments and retry hints.
func (s *stream) nextCounts(t *testing.T, within time.Duration) (events.Counts, string) {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.name != "counts" {
				continue
			}
			var c events.Counts
			if err := json.Unmarshal([]byte(ev.data), &c); err != nil {
				t.Fatalf("counts %q: %v", ev.data, err)
			}
			return c, ev.id
		case <-timeout:
			t.Fatalf("no counts event within %s", within)
		}
	}
}

func TestInboxStream(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		b := setup(t, open, events.Settings{PollInterval: 20 * time.Millisecond, Heartbeat: 50 * time.Millisecond},
			events.DeliverySettings{})
		b.start(t)
		ctx := context.Background()
		doc := b.registered(t, "Về việc triển khai chuyển đổi số")

		t.Run("RefusesAnonymousWithAProblem", func(t *testing.T) {
			resp, body := b.request(t, http.MethodGet, "/api/v1/events/inbox", "", nil)
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(string(body), "problems/unauthenticated") {
				t.Fatalf("anonymous: %s %s %s", resp.Status, resp.Header.Get("Content-Type"), body)
			}
		})

		var lastID string
		t.Run("APresentationByTheClerkReachesTheLeadersStream", func(t *testing.T) {
			s := b.connect(t, b.leader.UserID, "")
			c, _ := s.nextCounts(t, 5*time.Second)
			if c.Inbox != 0 {
				t.Fatalf("leader's inbox before = %d, want 0", c.Inbox)
			}
			_, err := b.eng.Present(ctx, b.clerk, doc.ID, "")
			must(t, err)
			c, lastID = s.nextCounts(t, 5*time.Second)
			if c.Inbox != 1 {
				t.Fatalf("leader's inbox after the presentation = %d, want 1", c.Inbox)
			}
		})

		t.Run("HeartbeatsKeepAnIdleStreamOpen", func(t *testing.T) {
			s := b.connect(t, b.clerk.UserID, "")
			deadline := time.After(5 * time.Second)
			for {
				select {
				case ev := <-s.events:
					for _, c := range ev.comments {
						if c == "ping" {
							return
						}
					}
				case <-deadline:
					t.Fatal("no ': ping' within 5 s")
				}
			}
		})

		t.Run("AReconnectWithTheLastEventIDIsNotSentTheSameCountsAgain", func(t *testing.T) {
			s := b.connect(t, b.leader.UserID, lastID)
			ev := <-s.events // retry hint and the resume comment come first
			if ev.name == "counts" || !strings.Contains(strings.Join(ev.comments, ";"), "up to date") {
				t.Fatalf("first event after resuming = %+v, want the up-to-date comment and no counts", ev)
			}
			stale := b.connect(t, b.leader.UserID, "0000")
			if c, _ := stale.nextCounts(t, 5*time.Second); c.Inbox != 1 {
				t.Fatalf("a client with an old id gets the current counts: %+v", c)
			}
		})

		t.Run("ADirectionShowsTheSpecialistTheirOverdueTask", func(t *testing.T) {
			s := b.connect(t, b.specialist.UserID, "")
			if c, _ := s.nextCounts(t, 5*time.Second); c != (events.Counts{}) {
				t.Fatalf("specialist before = %+v, want nothing", c)
			}
			past := time.Now().Add(-72 * time.Hour)
			_, err := b.eng.Direct(ctx, b.leader, doc.ID, engine.DirectInput{Text: "Giao chị Hoà chủ trì",
				Tasks: []engine.UnitTask{{UserID: b.specialist.UserID, Role: engine.Lead, Deadline: &past}}}, "")
			must(t, err)
			c, _ := s.nextCounts(t, 5*time.Second)
			if c.Inbox != 1 || c.Overdue != 1 || c.DueSoon != 0 {
				t.Fatalf("specialist after the direction = %+v, want 1 in the inbox, 1 overdue", c)
			}
		})

		t.Run("StopEndsOpenStreams", func(t *testing.T) {
			s := b.connect(t, b.leader.UserID, "")
			s.nextCounts(t, 5*time.Second)
			done := make(chan struct{})
			go func() { b.svc.Stop(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Stop did not return")
			}
			for {
				select {
				case _, ok := <-s.events:
					if !ok {
						return
					}
				case <-time.After(5 * time.Second):
					t.Fatal("the stream is still open after Stop")
				}
			}
		})
	})
}

// receiver is an integration that checks signatures and fails its first tries.
type receiver struct {
	secret   string
	failures int
	got      chan delivery
}

type delivery struct {
	deliveryID, eventID, eventType string
	signed                         bool
	status                         int
	body                           map[string]any
}

func (rv *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	d := delivery{deliveryID: r.Header.Get("Vanthu-Delivery-Id"), eventID: r.Header.Get("Vanthu-Event-Id"),
		eventType: r.Header.Get("Vanthu-Event-Type")}
	_ = json.Unmarshal(body, &d.body)
	d.signed = verify(r.Header.Get("Vanthu-Signature"), rv.secret, body)
	d.status = http.StatusOK
	if !d.signed {
		d.status = http.StatusUnauthorized
	} else if rv.failures > 0 {
		rv.failures--
		d.status = http.StatusServiceUnavailable
	}
	w.WriteHeader(d.status)
	rv.got <- d
}

// verify is what a receiver does: recompute the HMAC over "<t>.<body>" and compare.
func verify(header, secret string, body []byte) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(t, 0)).Abs() > 5*time.Minute {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(events.Sign(secret, t, body)))
}

func TestWebhooks(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		b := setup(t, open, events.Settings{}, events.DeliverySettings{RetryBase: 10 * time.Millisecond, MaxAttempts: 4,
			WebhookAllowLoopback: true})
		outer := t
		ctx := context.Background()
		rv := &receiver{secret: "bí-mật-của-tích-hợp-0123456789", failures: 2, got: make(chan delivery, 16)}
		hook := httptest.NewServer(rv)
		t.Cleanup(hook.Close)

		t.Run("OnlyTheAgencysAdminManagesThem", func(t *testing.T) {
			resp, body := b.request(t, http.MethodPost, "/api/v1/webhooks", b.clerk.UserID,
				map[string]any{"url": hook.URL, "secret": rv.secret, "event_types": []string{"document.received"}})
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("clerk creates a webhook: %s %s", resp.Status, body)
			}
			resp, body = b.request(t, http.MethodPost, "/api/v1/webhooks", b.admin.UserID,
				map[string]any{"url": "ftp://example.test", "secret": rv.secret, "event_types": []string{"document.received"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"field":"url"`) {
				t.Fatalf("bad URL: %s %s", resp.Status, body)
			}
			resp, body = b.request(t, http.MethodPost, "/api/v1/webhooks", b.admin.UserID,
				map[string]any{"url": hook.URL, "secret": rv.secret, "event_types": []string{"document.eaten"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "event_types") {
				t.Fatalf("unknown event type: %s %s", resp.Status, body)
			}
		})

		var hookID string
		t.Run("AReceivedDocumentIsDeliveredSignedAfterTwoFailures", func(t *testing.T) {
			resp, body := b.request(t, http.MethodPost, "/api/v1/webhooks", b.admin.UserID,
				map[string]any{"url": hook.URL, "secret": rv.secret, "event_types": []string{"document.received", "document.issued"}})
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("create: %s %s", resp.Status, body)
			}
			if strings.Contains(string(body), rv.secret) {
				t.Fatal("the secret is echoed back")
			}
			var created struct{ ID string }
			must(t, json.Unmarshal(body, &created))
			hookID = created.ID

			// The event happens while no worker runs: its delivery waits in the queue.
			doc, err := b.eng.ReceiveExternal(ctx, b.clerk, engine.ExternalInput{TypeCode: "QĐ", Subject: "Về việc báo cáo quý",
				SenderName: "Bộ Nội vụ", Files: []engine.FileInput{scan}}, "")
			must(t, err)
			queued, err := b.queue.JobList(ctx, river.NewJobListParams().Kinds(events.KindWebhook))
			must(t, err)
			if len(queued.Jobs) != 1 {
				t.Fatalf("%d webhook jobs committed with the receipt, want 1", len(queued.Jobs))
			}
			b.start(outer)

			var tries []delivery
			for len(tries) < 3 {
				select {
				case d := <-rv.got:
					tries = append(tries, d)
				case <-time.After(10 * time.Second):
					t.Fatalf("got %d tries, want 3", len(tries))
				}
			}
			for i, d := range tries {
				if !d.signed || d.eventType != "document.received" || d.eventID != tries[0].eventID ||
					d.deliveryID == "" || d.deliveryID != tries[0].deliveryID {
					t.Fatalf("try %d: %+v", i+1, d)
				}
			}
			if tries[2].status != http.StatusOK || tries[2].body["object_id"] != doc.ID || tries[2].body["type"] != "document.received" {
				t.Fatalf("last try: %+v", tries[2])
			}
			waitFor(t, func() bool {
				_, body := b.request(t, http.MethodGet, "/api/v1/webhooks/"+hookID+"/deliveries", b.admin.UserID, nil)
				var got struct{ Items []map[string]any }
				must(t, json.Unmarshal(body, &got))
				return len(got.Items) == 1 && got.Items[0]["status"] == "delivered" && got.Items[0]["attempts"] == 3.0 &&
					got.Items[0]["id"] == tries[0].deliveryID && got.Items[0]["event_id"] == tries[0].eventID
			})
			select {
			case d := <-rv.got:
				t.Fatalf("a delivered event was sent again: %+v", d)
			case <-time.After(200 * time.Millisecond):
			}
		})

		t.Run("AMalformedIDIsNotFound", func(t *testing.T) {
			for _, method := range []string{http.MethodDelete, http.MethodGet} {
				path := "/api/v1/webhooks/khong-phai-uuid"
				if method == http.MethodGet {
					path += "/deliveries"
				}
				if resp, body := b.request(t, method, path, b.admin.UserID, nil); resp.StatusCode != http.StatusNotFound {
					t.Fatalf("%s %s: %s %s", method, path, resp.Status, body)
				}
			}
		})

		t.Run("AnotherAgencySeesNothing", func(t *testing.T) {
			resp, _ := b.request(t, http.MethodGet, "/api/v1/webhooks/"+hookID+"/deliveries", b.foreign.UserID, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("foreign admin reads deliveries: %s", resp.Status)
			}
			resp, _ = b.request(t, http.MethodDelete, "/api/v1/webhooks/"+hookID, b.foreign.UserID, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("foreign admin deletes: %s", resp.Status)
			}
			_, body := b.request(t, http.MethodGet, "/api/v1/webhooks", b.foreign.UserID, nil)
			if strings.Contains(string(body), hookID) {
				t.Fatalf("foreign admin lists: %s", body)
			}
		})

		t.Run("AReceiverThatKeepsFailingEndsFailed", func(t *testing.T) {
			down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
			}))
			t.Cleanup(down.Close)
			resp, body := b.request(t, http.MethodPost, "/api/v1/webhooks", b.admin.UserID,
				map[string]any{"url": down.URL, "secret": rv.secret, "event_types": []string{"document.received"}})
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("create: %s %s", resp.Status, body)
			}
			var created struct{ ID string }
			must(t, json.Unmarshal(body, &created))
			_, err := b.eng.ReceiveExternal(ctx, b.clerk, engine.ExternalInput{TypeCode: "QĐ", Subject: "Về việc khác",
				SenderName: "Bộ Tài chính", Files: []engine.FileInput{scan}}, "")
			must(t, err)
			waitFor(t, func() bool {
				_, body := b.request(t, http.MethodGet, "/api/v1/webhooks/"+created.ID+"/deliveries", b.admin.UserID, nil)
				var got struct{ Items []map[string]any }
				must(t, json.Unmarshal(body, &got))
				return len(got.Items) == 1 && got.Items[0]["status"] == "failed" && got.Items[0]["attempts"] == 4.0 &&
					got.Items[0]["last_status"] == 500.0
			})
		})

		t.Run("DeletedWebhooksAreNotListed", func(t *testing.T) {
			resp, _ := b.request(t, http.MethodDelete, "/api/v1/webhooks/"+hookID, b.admin.UserID, nil)
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("delete: %s", resp.Status)
			}
			_, body := b.request(t, http.MethodGet, "/api/v1/webhooks", b.admin.UserID, nil)
			if strings.Contains(string(body), hookID) || strings.Contains(string(body), rv.secret) {
				t.Fatalf("list after delete: %s", body)
			}
			events, err := b.store.AuditListByAgency(ctx, b.agency.ID, 0, 1000)
			must(t, err)
			var audited []string
			for _, e := range events {
				if e.ObjectType == "webhook" {
					audited = append(audited, e.Action)
					if strings.Contains(e.After, rv.secret) {
						t.Fatal("the audit log holds the secret")
					}
				}
			}
			if strings.Join(audited, ",") != "webhook_create,webhook_create,webhook_delete" {
				t.Fatalf("audited webhook changes = %v", audited)
			}
		})
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testWriter sends the service's log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestWebhooksStayAwayFromThisMachine(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite, events.Settings{}, events.DeliverySettings{MaxAttempts: 1})
	hit := make(chan struct{}, 1)
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit <- struct{}{} }))
	t.Cleanup(local.Close)
	ctx := context.Background()
	hook, err := b.eng.CreateWebhook(ctx, b.admin, engine.Webhook{URL: local.URL, Secret: "0123456789abcdef",
		EventTypes: []string{"document.received"}})
	must(t, err)
	b.registered(t, "Về việc thử")
	b.start(t)
	waitFor(t, func() bool {
		ds, err := b.store.WebhookDeliveryListByWebhook(ctx, hook.ID, 10)
		must(t, err)
		return len(ds) == 1 && ds[0].Status == engine.WebhookFailed && strings.Contains(ds[0].LastError, "may not be sent to 127.0.0.1")
	})
	select {
	case <-hit:
		t.Fatal("a webhook reached a loopback address")
	default:
	}
}

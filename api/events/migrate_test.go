package events_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/storage/dbtest"
)

// A database upgraded with deliveries and e-mails still pending in the old outbox: they
// become jobs, keep their delivery id and attempts, and are delivered.
func TestPendingOutboxBecomesJobs(t *testing.T) {
	t.Parallel()
	dbtest.ForEachEmpty(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		s := open(t)
		if _, err := s.MigrateTo(ctx, 14); err != nil {
			t.Fatal(err)
		}
		eng := engine.New(s)
		agency, err := eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình",
			ShortName: "UBND", Tier: engine.TierProvince})
		must(t, err)
		// The user row as the schema of version 14 has it: today's store writes columns
		// added since.
		u := engine.User{ID: engine.NewID(), Username: "quantri.tinh"}
		dbtest.Exec(t, s, `INSERT INTO app_user (id, username, full_name, email, password_hash, disabled, created_at)
VALUES ('`+u.ID+`', 'quantri.tinh', 'Quản trị tỉnh', 'qt@hoabinh.gov.vn', 'x', false, CURRENT_TIMESTAMP)`)
		must(t, eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: agency.ID, Role: engine.RoleAdmin}))
		rv := &receiver{secret: "bí-mật-của-tích-hợp-0123456789", got: make(chan delivery, 4)}
		hookSrv := httptest.NewServer(rv)
		t.Cleanup(hookSrv.Close)
		hook, err := eng.CreateWebhook(ctx, engine.Actor{UserID: u.ID, AgencyID: agency.ID, Role: engine.RoleAdmin},
			engine.Webhook{URL: hookSrv.URL, Secret: rv.secret, EventTypes: []string{"document.received"}})
		must(t, err)

		const pendingID, deliveredID = "0b7a52c4-8f0e-4c1f-9d6e-3f1f7b0e0001", "0b7a52c4-8f0e-4c1f-9d6e-3f1f7b0e0002"
		body := `{"id":"` + agency.ID + `:5","type":"document.received","agency_id":"` + agency.ID + `"}`
		dbtest.Exec(t, s, `INSERT INTO webhook_delivery (id, webhook_id, event_id, event_type, payload, status, attempts,
    next_attempt_at, created_at)
VALUES ('`+pendingID+`', '`+hook.ID+`', '`+agency.ID+`:5', 'document.received', '`+body+`', 'pending', 2,
    CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('`+deliveredID+`', '`+hook.ID+`', '`+agency.ID+`:4', 'document.received', '{}', 'delivered', 1,
    CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
		dbtest.Exec(t, s, `INSERT INTO mail_outbox (id, dedup_key, user_id, to_addr, subject, text_body, html_body, status, attempts,
    next_attempt_at, created_at)
VALUES ('0b7a52c4-8f0e-4c1f-9d6e-3f1f7b0e0003', 'notification:1', '`+u.ID+`', 'qt@hoabinh.gov.vn',
    '[Văn thư] Quá hạn xử lý', 'Quá hạn xử lý', '<p>Quá hạn xử lý</p>', 'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)

		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		conf, ms := startMailServer(t)
		logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
		deliveries := events.NewDeliveries(s, events.DeliverySettings{Mail: conf, RetryBase: 10 * time.Millisecond,
			WebhookAllowLoopback: true}, logger)
		workers := river.NewWorkers()
		deliveries.AddWorkers(workers)
		queue, err := jobs.New(s, jobs.Config{Workers: workers, PollInterval: 50 * time.Millisecond, Logger: logger})
		must(t, err)
		carried, err := queue.JobList(ctx, river.NewJobListParams().Kinds(events.KindWebhook, events.KindMail))
		must(t, err)
		if len(carried.Jobs) != 2 {
			t.Fatalf("%d jobs after the upgrade, want the pending delivery and the pending mail", len(carried.Jobs))
		}
		for _, j := range carried.Jobs {
			if j.Kind == events.KindWebhook && j.Attempt != 2 {
				t.Fatalf("carried delivery: attempt %d, want the 2 made before", j.Attempt)
			}
		}
		must(t, queue.Start(ctx))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = queue.Stop(sctx)
		})

		select {
		case d := <-rv.got:
			if d.deliveryID != pendingID || !d.signed || d.eventID != agency.ID+":5" || d.body["type"] != "document.received" {
				t.Fatalf("carried delivery arrived as %+v", d)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the carried delivery was not sent")
		}
		select {
		case r := <-ms.received:
			if r.to != "qt@hoabinh.gov.vn" || !strings.Contains(parseMessage(t, r.data).subject, "Quá hạn xử lý") {
				t.Fatalf("carried mail arrived as %s: %s", r.to, r.data)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the carried mail was not sent")
		}
		waitFor(t, func() bool {
			log, err := s.WebhookDeliveryListByWebhook(ctx, hook.ID, 10)
			must(t, err)
			for _, d := range log {
				if d.ID == pendingID {
					return d.Status == engine.WebhookDelivered && d.Attempts == 3
				}
			}
			return false
		})
		// River records the completion after the worker returns, in its own batch: the
		// carried delivery is one job, and it ends completed.
		waitFor(t, func() bool {
			res, err := queue.JobList(ctx, river.NewJobListParams().Kinds(events.KindWebhook))
			must(t, err)
			return len(res.Jobs) == 1 && res.Jobs[0].State == rivertype.JobStateCompleted
		})
	})
}

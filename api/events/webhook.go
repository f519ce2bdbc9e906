package events

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
)

// webhookView is a subscription as the API shows it: never its secret.
type webhookView struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	EventTypes []string  `json:"event_types"`
	CreatedAt  time.Time `json:"created_at"`
}

func viewOf(w engine.Webhook) webhookView {
	return webhookView{ID: w.ID, URL: w.URL, EventTypes: w.EventTypes, CreatedAt: w.CreatedAt}
}

type deliveryView struct {
	ID            string     `json:"id"`
	EventID       string     `json:"event_id"`
	EventType     string     `json:"event_type"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	LastStatus    int        `json:"last_status,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
}

func (s *Service) createWebhook(w http.ResponseWriter, r *http.Request) {
	actor, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in struct {
		URL        string   `json:"url"`
		Secret     string   `json:"secret"`
		EventTypes []string `json:"event_types"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		auth.WriteProblem(w, http.StatusBadRequest, "bad-request", "Yêu cầu không đọc được / Bad request",
			"the body must be a JSON object with url, secret and event_types")
		return
	}
	hook, err := s.cfg.Engine.CreateWebhook(r.Context(), actor, engine.Webhook{URL: in.URL, Secret: in.Secret, EventTypes: in.EventTypes})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+hook.ID)
	writeJSON(w, http.StatusCreated, viewOf(hook))
}

func (s *Service) listWebhooks(w http.ResponseWriter, r *http.Request) {
	actor, ok := s.actor(w, r)
	if !ok {
		return
	}
	hooks, err := s.cfg.Engine.Webhooks(r.Context(), actor)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := make([]webhookView, 0, len(hooks))
	for _, h := range hooks {
		out = append(out, viewOf(h))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Service) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	actor, ok := s.actor(w, r)
	if !ok {
		return
	}
	if err := s.cfg.Engine.DeleteWebhook(r.Context(), actor, r.PathValue("id")); err != nil {
		s.engineError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) listDeliveries(w http.ResponseWriter, r *http.Request) {
	actor, ok := s.actor(w, r)
	if !ok {
		return
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			auth.WriteProblem(w, http.StatusBadRequest, "bad-request", "Yêu cầu không hợp lệ / Bad request",
				"limit must be a number from 1 to 1000")
			return
		}
		limit = n
	}
	ds, err := s.cfg.Engine.WebhookDeliveries(r.Context(), actor, r.PathValue("id"), limit)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := make([]deliveryView, 0, len(ds))
	for _, d := range ds {
		v := deliveryView{ID: d.ID, EventID: d.EventID, EventType: d.EventType, Status: d.Status, Attempts: d.Attempts,
			LastStatus: d.LastStatus, LastError: d.LastError, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt}
		if d.Status == engine.OutboxPending {
			v.NextAttemptAt = &d.NextAttemptAt
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// eventTypeOf names the webhook event an audit event is, or "" when it is none.
func eventTypeOf(e engine.Event) string {
	switch {
	case e.ObjectType == "document" && e.Action == string(engine.ActionIssue):
		return "document.issued"
	case e.ObjectType == "document" && e.Action == string(engine.ActionDispatch):
		return "document.dispatched"
	case e.ObjectType == "document" && e.Action == "receive":
		return "document.received"
	case e.ObjectType == "record" && e.Action == "archive_record":
		return "record.archived"
	}
	return ""
}

// payload is the JSON body of a webhook POST.
type payload struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	AgencyID   string          `json:"agency_id"`
	OccurredAt time.Time       `json:"occurred_at"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Data       json.RawMessage `json:"data,omitempty"`
}

const producerBatch = 500

// ProduceWebhooks turns the audit events each subscription has not seen yet into
// deliveries, in chain order, moving the subscription's cursor in the same transaction:
// after a crash the next run starts where the last commit ended, and a delivery queued
// twice by two nodes is stored once. It returns how many deliveries it queued.
func (s *Service) ProduceWebhooks(ctx context.Context) (int, error) {
	hooks, err := s.cfg.Store.WebhookListBehind(ctx, 1000)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, h := range hooks {
		events, err := s.cfg.Store.AuditListByAgency(ctx, h.AgencyID, h.CursorSeq, producerBatch)
		if err != nil {
			return queued, err
		}
		if len(events) == 0 {
			continue
		}
		now := time.Now().UTC()
		err = s.cfg.Store.InTx(ctx, func(q engine.Queries) error {
			for _, e := range events {
				typ := eventTypeOf(e)
				if typ == "" || !slices.Contains(h.EventTypes, typ) {
					continue
				}
				id := fmt.Sprintf("%s:%d", e.AgencyID, e.Seq)
				body, err := json.Marshal(payload{ID: id, Type: typ, AgencyID: e.AgencyID, OccurredAt: e.At, ObjectType: e.ObjectType,
					ObjectID: e.ObjectID, Data: rawOrNil(e.After)})
				if err != nil {
					return err
				}
				ok, err := q.WebhookDeliveryInsert(ctx, &engine.WebhookDelivery{ID: engine.NewID(), WebhookID: h.ID, EventID: id,
					EventType: typ, Payload: string(body), Status: engine.OutboxPending, NextAttemptAt: now, CreatedAt: now})
				if err != nil {
					return err
				}
				if ok {
					queued++
				}
			}
			return q.WebhookAdvance(ctx, h.ID, events[len(events)-1].Seq)
		})
		if err != nil {
			return queued, fmt.Errorf("webhook %s: %w", h.ID, err)
		}
	}
	return queued, nil
}

// queueOverdue queues an assignment.overdue delivery to every subscription of the
// agency that asked for it; the event id is the assignment's, so it is sent once.
func queueOverdue(ctx context.Context, q engine.Queries, agencyID string, n engine.Notification, now time.Time) error {
	hooks, err := q.WebhookListByAgency(ctx, agencyID)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if !slices.Contains(h.EventTypes, "assignment.overdue") {
			continue
		}
		id := "assignment.overdue:" + n.AssignmentID
		data, _ := json.Marshal(map[string]string{"document_id": n.DocumentID, "assignment_id": n.AssignmentID, "text": n.Body})
		body, err := json.Marshal(payload{ID: id, Type: "assignment.overdue", AgencyID: agencyID, OccurredAt: n.CreatedAt,
			ObjectType: "assignment", ObjectID: n.AssignmentID, Data: data})
		if err != nil {
			return err
		}
		if _, err := q.WebhookDeliveryInsert(ctx, &engine.WebhookDelivery{ID: engine.NewID(), WebhookID: h.ID, EventID: id,
			EventType: "assignment.overdue", Payload: string(body), Status: engine.OutboxPending, NextAttemptAt: now,
			CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// DeliverWebhooks posts the deliveries that are due, a few at a time, and records each
// outcome: delivered on a 2xx answer, else retried later, else failed after the last
// attempt. It returns how many it attempted.
func (s *Service) DeliverWebhooks(ctx context.Context) (int, error) {
	st := s.settings
	now := time.Now().UTC()
	// The lease outlasts every attempt of the batch, which run in parallel.
	var claimed []engine.WebhookDelivery
	err := s.cfg.Store.InTx(ctx, func(q engine.Queries) (err error) {
		claimed, err = q.WebhookDeliveryClaim(ctx, now, now.Add(2*st.WebhookTimeout+time.Minute), 16)
		return err
	})
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, d := range claimed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.deliver(ctx, d)
		}()
	}
	wg.Wait()
	return len(claimed), nil
}

func (s *Service) deliver(ctx context.Context, d engine.WebhookDelivery) {
	log := s.cfg.Logger
	hook, err := s.cfg.Store.WebhookGetByID(ctx, d.WebhookID)
	if err != nil {
		log.ErrorContext(ctx, "webhook delivery", "delivery", d.ID, "error", err)
		return // the lease runs out and the delivery is tried again
	}
	if hook.DeletedAt != nil {
		d.Status, d.LastError = engine.OutboxFailed, "the subscription was deleted"
	} else {
		status, err := s.post(ctx, hook, d)
		d.LastStatus = status
		switch {
		case err == nil:
			at := time.Now().UTC()
			d.Status, d.LastError, d.DeliveredAt = engine.OutboxDelivered, "", &at
		case d.Attempts >= s.settings.MaxAttempts:
			d.Status, d.LastError = engine.OutboxFailed, err.Error()
		default:
			d.Status, d.LastError = engine.OutboxPending, err.Error()
			d.NextAttemptAt = time.Now().UTC().Add(backoff(s.settings.RetryBase, d.Attempts))
		}
		if err != nil {
			log.WarnContext(ctx, "webhook delivery failed", "webhook", hook.ID, "delivery", d.ID, "attempt", d.Attempts,
				"status", d.Status, "error", err)
		}
	}
	// Record the outcome even when shutdown has begun: a delivered event stays delivered.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.cfg.Store.WebhookDeliveryUpdate(uctx, &d); err != nil {
		log.ErrorContext(ctx, "webhook delivery: record outcome", "delivery", d.ID, "error", err)
	}
}

// post sends one attempt, signed: Vanthu-Signature is t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>.<body>" keyed with the subscription's secret>.
func (s *Service) post(ctx context.Context, hook engine.Webhook, d engine.WebhookDelivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.settings.WebhookTimeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vanthu-webhook/1")
	req.Header.Set("Vanthu-Event-Id", d.EventID)
	req.Header.Set("Vanthu-Event-Type", d.EventType)
	req.Header.Set("Vanthu-Signature", "t="+strconv.FormatInt(ts, 10)+",v1="+Sign(hook.Secret, ts, body))
	resp, err := s.settings.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL, which may carry a token in its query
		}
		return 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("receiver answered HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// Sign is the v1 signature of a webhook body sent at unix time ts.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// backoff is the wait before attempt n+1: base doubled per failure, at most an hour,
// with "equal jitter" (between half and all of it) so that retries of many deliveries
// do not arrive together.
func backoff(base time.Duration, attempts int) time.Duration {
	d := base
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d/2 + rand.N(d/2+1)
}

func rawOrNil(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

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
	"strconv"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
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

// deliveryView is a delivery's log entry; its id is the Vanthu-Delivery-Id header the
// receiver got.
type deliveryView struct {
	ID          string     `json:"id"`
	EventID     string     `json:"event_id"`
	EventType   string     `json:"event_type"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastStatus  int        `json:"last_status,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
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
	if !httpx.Decode(w, r, &in) {
		return
	}
	hook, err := s.cfg.Engine.CreateWebhook(r.Context(), actor, engine.Webhook{URL: in.URL, Secret: in.Secret, EventTypes: in.EventTypes})
	if err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
		return
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+hook.ID)
	httpx.WriteJSON(w, http.StatusCreated, viewOf(hook))
}

func (s *Service) listWebhooks(w http.ResponseWriter, r *http.Request) {
	actor, ok := s.actor(w, r)
	if !ok {
		return
	}
	hooks, err := s.cfg.Engine.Webhooks(r.Context(), actor)
	if err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
		return
	}
	out := make([]webhookView, 0, len(hooks))
	for _, h := range hooks {
		out = append(out, viewOf(h))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Service) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	actor, ok := s.actor(w, r)
	if !ok {
		return
	}
	if err := s.cfg.Engine.DeleteWebhook(r.Context(), actor, r.PathValue("id")); err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
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
			httpx.BadRequest(w, "limit", "a number from 1 to 1000")
			return
		}
		limit = n
	}
	ds, err := s.cfg.Engine.WebhookDeliveries(r.Context(), actor, r.PathValue("id"), limit)
	if err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
		return
	}
	out := make([]deliveryView, 0, len(ds))
	for _, d := range ds {
		out = append(out, deliveryView{ID: d.ID, EventID: d.EventID, EventType: d.EventType, Status: d.Status,
			Attempts: d.Attempts, LastStatus: d.LastStatus, LastError: d.LastError, CreatedAt: d.CreatedAt,
			DeliveredAt: d.DeliveredAt})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
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

// post sends one attempt, signed: Vanthu-Signature is t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>.<body>" keyed with the subscription's secret>. Vanthu-Delivery-Id
// is the same on every attempt of the delivery: a receiver that got it before has it.
func (d *Deliveries) post(ctx context.Context, hook engine.Webhook, a webhookArgs) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, d.settings.WebhookTimeout)
	defer cancel()
	body := []byte(a.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vanthu-webhook/1")
	req.Header.Set("Vanthu-Delivery-Id", a.DeliveryID)
	req.Header.Set("Vanthu-Event-Id", a.EventID)
	req.Header.Set("Vanthu-Event-Type", a.EventType)
	req.Header.Set("Vanthu-Signature", "t="+strconv.FormatInt(ts, 10)+",v1="+Sign(hook.Secret, ts, body))
	resp, err := d.settings.HTTPClient.Do(req)
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

package engine

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// EventQueries are the store operations of events: webhooks and the log of their deliveries.
type EventQueries interface {
	WebhookInsert(ctx context.Context, w *Webhook) error
	WebhookGetByID(ctx context.Context, id string) (Webhook, error)
	// WebhookListByAgency lists an agency's subscriptions that were not deleted.
	WebhookListByAgency(ctx context.Context, agencyID string) ([]Webhook, error)
	// WebhookDelete ends a subscription; its deliveries stay for the record.
	WebhookDelete(ctx context.Context, id string, at time.Time) error

	// WebhookDeliveryRecord writes the outcome of a delivery's latest attempt, creating
	// its log entry on the first.
	WebhookDeliveryRecord(ctx context.Context, d *WebhookDelivery) error
	// WebhookDeliveryListByWebhook lists a subscription's deliveries, newest first.
	WebhookDeliveryListByWebhook(ctx context.Context, webhookID string, limit int) ([]WebhookDelivery, error)

	NotificationCountUnread(ctx context.Context, userID string) (int, error)

	// AssignmentCountDue counts, without reading them, a person's open tasks with a
	// deadline on an agency's documents still being handled — given to them, or to a unit
	// of theirs without naming anyone: those due before now (overdue), and those due from
	// now and before soonBefore (due soon).
	AssignmentCountDue(ctx context.Context, userID, agencyID string, now, soonBefore time.Time) (dueSoon, overdue int, err error)
}

// Webhook is an agency's subscription: events of the listed types are POSTed to URL,
// signed with Secret.
type Webhook struct {
	ID         string
	AgencyID   string
	URL        string
	Secret     string // never logged
	EventTypes []string
	CreatedBy  string
	CreatedAt  time.Time
	DeletedAt  *time.Time
}

// String keeps the secret out of logs.
func (w Webhook) String() string { return "Webhook(" + w.ID + " " + w.URL + ")" }

// Delivery states of webhooks.
const (
	WebhookPending   = "pending" // an attempt failed; the job queue tries again later
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed" // the last attempt failed, or the subscription was deleted
)

// WebhookDelivery is the log entry of one event POSTed to one subscription. The event
// itself travels as a job of the job queue; this is what its worker reports.
type WebhookDelivery struct {
	ID          string // the delivery id, the same on every attempt: receivers deduplicate on it
	WebhookID   string
	EventID     string
	EventType   string
	Status      string
	Attempts    int
	LastStatus  int // HTTP status of the last attempt, 0 when it got no answer
	LastError   string
	CreatedAt   time.Time
	DeliveredAt *time.Time
}

// Webhook event types: what a subscription may ask for.
var WebhookEventTypes = []string{"document.issued", "document.dispatched", "document.received", "assignment.overdue",
	"record.archived"}

// CreateWebhook subscribes the actor's agency to events; only its admin (or an admin
// above it) may. Events committed from now on are delivered: on other nodes of a cluster,
// from when the database tells them of it, a few milliseconds later.
func (e *Engine) CreateWebhook(ctx context.Context, actor Actor, w Webhook) (Webhook, error) {
	w.ID, w.AgencyID, w.CreatedBy, w.CreatedAt, w.DeletedAt = NewID(), actor.AgencyID, actor.UserID, e.timestamp(), nil
	if err := w.Validate(); err != nil {
		return Webhook{}, err
	}
	after := map[string]any{"url": w.URL, "event_types": w.EventTypes} // never the secret
	err := e.orgChange(ctx, actor, actor.AgencyID, "webhook_create", "webhook", w.ID, after, func(q Queries) error {
		return q.WebhookInsert(ctx, &w)
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("create webhook: %w", err)
	}
	return w, nil
}

// DeleteWebhook ends a subscription of the actor's agency.
func (e *Engine) DeleteWebhook(ctx context.Context, actor Actor, id string) error {
	w, err := e.Webhook(ctx, actor, id)
	if err != nil {
		return err
	}
	err = e.orgChange(ctx, actor, w.AgencyID, "webhook_delete", "webhook", w.ID, map[string]any{"url": w.URL},
		func(q Queries) error { return q.WebhookDelete(ctx, w.ID, e.timestamp()) })
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	return nil
}

// Webhooks lists the subscriptions of the actor's agency, for its admin.
func (e *Engine) Webhooks(ctx context.Context, actor Actor) ([]Webhook, error) {
	if err := e.readAsAdmin(ctx, actor); err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return e.store.WebhookListByAgency(ctx, actor.AgencyID)
}

// Webhook reads one live subscription of the actor's agency; another agency's is not found.
func (e *Engine) Webhook(ctx context.Context, actor Actor, id string) (Webhook, error) {
	if err := e.readAsAdmin(ctx, actor); err != nil {
		return Webhook{}, fmt.Errorf("webhook: %w", err)
	}
	if _, err := uuid.Parse(id); err != nil {
		return Webhook{}, fmt.Errorf("webhook %q: %w", id, ErrNotFound) // no such id can exist
	}
	w, err := e.store.WebhookGetByID(ctx, id)
	if err != nil {
		return Webhook{}, fmt.Errorf("webhook: %w", err)
	}
	if w.AgencyID != actor.AgencyID || w.DeletedAt != nil {
		return Webhook{}, fmt.Errorf("webhook %s: %w", id, ErrNotFound)
	}
	return w, nil
}

// WebhookDeliveries lists a subscription's latest deliveries, newest first.
func (e *Engine) WebhookDeliveries(ctx context.Context, actor Actor, id string, limit int) ([]WebhookDelivery, error) {
	if _, err := e.Webhook(ctx, actor, id); err != nil {
		return nil, err
	}
	return e.store.WebhookDeliveryListByWebhook(ctx, id, limit)
}

// readAsAdmin checks that the actor administers the agency they act in.
func (e *Engine) readAsAdmin(ctx context.Context, actor Actor) error {
	c := &change{e: e, q: e.store, actor: actor, action: "read_webhooks"}
	return c.adminOf(ctx, actor.AgencyID)
}

// Validate reports the first problem with the subscription's fields.
func (w *Webhook) Validate() error {
	u, err := url.Parse(w.URL)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil:
		return invalid("url", "the URL must be an absolute http or https address without credentials")
	case len(w.URL) > 2000:
		return invalid("url", "the URL is longer than 2000 characters")
	case len(w.Secret) < 16 || len(w.Secret) > 200:
		return invalid("secret", "the secret must be 16 to 200 characters")
	case len(w.EventTypes) == 0:
		return invalid("event_types", "name at least one event type: %s", strings.Join(WebhookEventTypes, ", "))
	}
	seen := map[string]bool{}
	for _, t := range w.EventTypes {
		if !slices.Contains(WebhookEventTypes, t) {
			return invalid("event_types", "unknown event type %q; known: %s", t, strings.Join(WebhookEventTypes, ", "))
		}
		if seen[t] {
			return invalid("event_types", "event type %q is named twice", t)
		}
		seen[t] = true
	}
	return nil
}

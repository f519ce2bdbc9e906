package engine

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// EventQueries are the store operations of events: webhooks, their deliveries, e-mail outbox.
type EventQueries interface {
	WebhookInsert(ctx context.Context, w *Webhook) error
	WebhookGetByID(ctx context.Context, id string) (Webhook, error)
	// WebhookListByAgency lists an agency's subscriptions that were not deleted.
	WebhookListByAgency(ctx context.Context, agencyID string) ([]Webhook, error)
	// WebhookDelete ends a subscription; its deliveries stay for the record.
	WebhookDelete(ctx context.Context, id string, at time.Time) error
	// WebhookListBehind lists live subscriptions whose cursor is behind their agency's
	// audit chain head: the ones with events still to turn into deliveries.
	WebhookListBehind(ctx context.Context, limit int) ([]Webhook, error)
	// WebhookAdvance moves a subscription's cursor forward to seq (never back).
	WebhookAdvance(ctx context.Context, id string, seq int64) error

	// WebhookDeliveryInsert queues a delivery unless the subscription already has one for
	// that event; it reports whether it queued one.
	WebhookDeliveryInsert(ctx context.Context, d *WebhookDelivery) (bool, error)
	// WebhookDeliveryClaim leases up to limit pending deliveries that are due at now and
	// not leased by another node, until leaseUntil. It writes: call it in a transaction.
	WebhookDeliveryClaim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]WebhookDelivery, error)
	// WebhookDeliveryUpdate records an attempt's outcome and releases the lease.
	WebhookDeliveryUpdate(ctx context.Context, d *WebhookDelivery) error
	// WebhookDeliveryListByWebhook lists a subscription's deliveries, newest first.
	WebhookDeliveryListByWebhook(ctx context.Context, webhookID string, limit int) ([]WebhookDelivery, error)

	// EventCursorListBehind lists the agencies whose audit chain head is ahead of the
	// consumer's cursor, with the cursor (0 when the consumer never read that agency).
	EventCursorListBehind(ctx context.Context, consumer string, limit int) ([]EventCursor, error)
	// EventCursorAdvance moves a consumer's cursor on an agency forward to seq (never back).
	EventCursorAdvance(ctx context.Context, consumer, agencyID string, seq int64) error

	// NotificationListUndispatched lists notifications not yet handed to e-mail and
	// webhooks, oldest first.
	NotificationListUndispatched(ctx context.Context, limit int) ([]Notification, error)
	NotificationMarkDispatched(ctx context.Context, id string, at time.Time) error
	NotificationCountUnread(ctx context.Context, userID string) (int, error)

	// MailInsert queues an e-mail unless one with the same key was queued before; it
	// reports whether it queued one.
	MailInsert(ctx context.Context, m *Mail) (bool, error)
	// MailClaim leases up to limit pending e-mails due at now until leaseUntil. It
	// writes: call it in a transaction.
	MailClaim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Mail, error)
	// MailUpdate records a sending attempt's outcome and releases the lease.
	MailUpdate(ctx context.Context, m *Mail) error
	MailListByUser(ctx context.Context, userID string, limit int) ([]Mail, error)

	// AssignmentListOpenForUser lists a person's open tasks with a deadline on documents
	// still being handled: given to them, or to a unit of theirs without naming anyone.
	AssignmentListOpenForUser(ctx context.Context, userID string, limit int) ([]OpenTask, error)
}

// OpenTask is an open assignment with the agency of its document.
type OpenTask struct {
	Assignment
	AgencyID string
}

// Webhook is an agency's subscription: events of the listed types are POSTed to URL,
// signed with Secret.
type Webhook struct {
	ID         string
	AgencyID   string
	URL        string
	Secret     string // never logged
	EventTypes []string
	// CursorSeq is the last event of the agency's audit chain already turned into deliveries.
	CursorSeq int64
	CreatedBy string
	CreatedAt time.Time
	DeletedAt *time.Time
}

// String keeps the secret out of logs.
func (w Webhook) String() string { return "Webhook(" + w.ID + " " + w.URL + ")" }

// Delivery states of webhooks and e-mails.
const (
	OutboxPending   = "pending"
	OutboxDelivered = "delivered"
	OutboxFailed    = "failed"
)

// WebhookDelivery is one event to POST to one subscription, with its attempts so far.
type WebhookDelivery struct {
	ID            string
	WebhookID     string
	EventID       string // the same on every retry: receivers deduplicate on it
	EventType     string
	Payload       string // JSON body
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    *time.Time
	LastStatus    int // HTTP status of the last attempt, 0 when it got no answer
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   *time.Time
}

// EventCursor is how far a consumer has read an agency's audit chain.
type EventCursor struct {
	Consumer string
	AgencyID string
	Seq      int64
	HeadSeq  int64
}

// Mail is one e-mail in the outbox.
type Mail struct {
	ID            string
	Key           string // what it is about; the same thing is never mailed twice
	UserID        string
	To            string
	Subject       string
	Text          string
	HTML          string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    *time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// Webhook event types: what a subscription may ask for.
var WebhookEventTypes = []string{"document.issued", "document.dispatched", "document.received", "assignment.overdue",
	"record.archived"}

// CreateWebhook subscribes the actor's agency to events; only its admin (or an admin
// above it) may. Events from now on are delivered: the cursor starts at the chain head.
func (e *Engine) CreateWebhook(ctx context.Context, actor Actor, w Webhook) (Webhook, error) {
	w.ID, w.AgencyID, w.CreatedBy, w.CreatedAt, w.DeletedAt = NewID(), actor.AgencyID, actor.UserID, e.timestamp(), nil
	if err := w.Validate(); err != nil {
		return Webhook{}, err
	}
	after := map[string]any{"url": w.URL, "event_types": w.EventTypes} // never the secret
	err := e.orgChange(ctx, actor, actor.AgencyID, "webhook_create", "webhook", w.ID, after, func(q Queries) error {
		head, err := q.AuditHeadGet(ctx, w.AgencyID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		w.CursorSeq = head.Seq
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

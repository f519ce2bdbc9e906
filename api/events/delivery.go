package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// Job kinds, as `vanthu jobs list --kind` takes them.
const (
	KindWebhook = "webhook_delivery"
	KindMail    = "mail"
)

// webhookArgs is one event to POST to one subscription. Migration 015 writes these
// fields too: renaming one needs a migration.
type webhookArgs struct {
	// DeliveryID is derived from the subscription and the event, so that the same
	// delivery can never be enqueued twice (River's uniqueness) and the receiver sees the
	// same id on every attempt.
	DeliveryID string `json:"delivery_id" river:"unique"`
	WebhookID  string `json:"webhook_id"`
	EventID    string `json:"event_id"`
	EventType  string `json:"event_type"`
	Payload    string `json:"payload"` // the exact body, as signed
}

func (webhookArgs) Kind() string { return KindWebhook }

// mailArgs is one e-mail to one user; Key says what it is about (see mailJob).
type mailArgs struct {
	Key     string `json:"key" river:"unique"`
	UserID  string `json:"user_id"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
}

func (mailArgs) Kind() string { return KindMail }

// Inserter enqueues jobs in a store transaction; service/jobs' Queue is one.
type Inserter interface {
	InsertManyTx(ctx context.Context, tx any, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// Deliveries turns committed changes into webhook and e-mail jobs, and works them.
type Deliveries struct {
	store    engine.Store
	settings DeliverySettings
	logger   *slog.Logger
	known    knownSubscriptions
}

// NewDeliveries returns the deliveries over store. Where the store tells of every change
// to the webhook subscriptions, other nodes' included (PostgreSQL), they are remembered
// between transactions rather than read in each.
func NewDeliveries(store engine.Store, st DeliverySettings, logger *slog.Logger) *Deliveries {
	if logger == nil {
		logger = slog.Default()
	}
	d := &Deliveries{store: store, settings: st.withDefaults(), logger: logger}
	if w, ok := store.(interface {
		WatchWebhooks(sqlstore.WebhookWatcher) bool
	}); ok {
		w.WatchWebhooks(&d.known)
	}
	return d
}

// AddWorkers registers the workers of webhook deliveries, and of e-mails when a mail
// server is configured: a node without one leaves them to the nodes that have one.
func (d *Deliveries) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &webhookWorker{d: d})
	if d.settings.Mail != nil {
		river.AddWorker(w, &mailWorker{d: d})
	}
}

// TxHook enqueues, in each write transaction of the store, the deliveries and e-mails of
// what it recorded, so that they commit with the change or not at all. It reads nothing
// unless the transaction has a webhook event, an assignment to mail or a notification.
func (d *Deliveries) TxHook(q Inserter) sqlstore.TxHook {
	return func(ctx context.Context, tx *sqlstore.TxView) error {
		params, err := d.jobsOf(ctx, tx.Queries, tx.Events, tx.Notifications)
		if err != nil {
			return fmt.Errorf("events: enqueue deliveries: %w", err)
		}
		if len(params) == 0 {
			return nil
		}
		raw, err := tx.Raw(ctx)
		if err != nil {
			return fmt.Errorf("events: open the job queue: %w", err)
		}
		if _, err := q.InsertManyTx(ctx, raw, params); err != nil {
			return fmt.Errorf("events: enqueue %d deliveries: %w", len(params), err)
		}
		return nil
	}
}

func (d *Deliveries) jobsOf(ctx context.Context, q engine.Queries, evs []engine.Event, notes []engine.Notification) ([]river.InsertManyParams, error) {
	subs := &subscriptions{q: q, known: &d.known}
	var out []river.InsertManyParams
	add := func(jobs []river.InsertManyParams, err error) error {
		out = append(out, jobs...)
		return err
	}
	for _, e := range evs {
		if typ := eventTypeOf(e); typ != "" {
			p := payload{ID: fmt.Sprintf("%s:%d", e.AgencyID, e.Seq), Type: typ, AgencyID: e.AgencyID, OccurredAt: e.At,
				ObjectType: e.ObjectType, ObjectID: e.ObjectID, Data: rawOrNil(e.After)}
			if err := add(d.webhookJobs(ctx, subs, p)); err != nil {
				return nil, err
			}
		}
		if d.settings.Mail == nil {
			continue
		}
		as, err := newAssignments(ctx, q, e)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if err := add(d.assignmentMail(ctx, q, a)); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range notes {
		if err := add(d.notificationJobs(ctx, q, subs, n)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// notificationJobs mails a notification and, for an overdue task, tells the
// subscriptions that asked for assignment.overdue; the event id is the assignment's, so
// that it is delivered once.
func (d *Deliveries) notificationJobs(ctx context.Context, q engine.Queries, subs *subscriptions, n engine.Notification) ([]river.InsertManyParams, error) {
	overdue := n.Kind == engine.NoticeOverdue && n.AssignmentID != ""
	if !overdue && d.settings.Mail == nil {
		return nil, nil
	}
	var doc engine.Document
	if n.DocumentID != "" {
		var err error
		if doc, err = q.DocumentGetByID(ctx, n.DocumentID); err != nil {
			return nil, err
		}
	}
	var out []river.InsertManyParams
	if overdue && doc.AgencyID != "" {
		data, err := json.Marshal(map[string]string{"document_id": n.DocumentID, "assignment_id": n.AssignmentID, "text": n.Body})
		if err != nil {
			return nil, err
		}
		out, err = d.webhookJobs(ctx, subs, payload{ID: "assignment.overdue:" + n.AssignmentID, Type: "assignment.overdue",
			AgencyID: doc.AgencyID, OccurredAt: n.CreatedAt, ObjectType: "assignment", ObjectID: n.AssignmentID, Data: data})
		if err != nil {
			return nil, err
		}
	}
	if d.settings.Mail == nil {
		return out, nil
	}
	mails, err := d.notificationMail(ctx, q, n, doc)
	return append(out, mails...), err
}

// webhookJobs are the deliveries of one event to the subscriptions that asked for it.
func (d *Deliveries) webhookJobs(ctx context.Context, subs *subscriptions, p payload) ([]river.InsertManyParams, error) {
	hooks, err := subs.of(ctx, p.AgencyID)
	if err != nil {
		return nil, err
	}
	var out []river.InsertManyParams
	for _, h := range hooks {
		if !slices.Contains(h.EventTypes, p.Type) {
			continue
		}
		body, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		out = append(out, river.InsertManyParams{Args: webhookArgs{DeliveryID: DeliveryID(h.ID, p.ID), WebhookID: h.ID,
			EventID: p.ID, EventType: p.Type, Payload: string(body)}, InsertOpts: d.insertOpts()})
	}
	return out, nil
}

func (d *Deliveries) insertOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: d.settings.MaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

var deliveryNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://vanthu.gov.vn/webhook-delivery"))

// DeliveryID is the id of the delivery of an event to a subscription: the
// Vanthu-Delivery-Id header of every attempt.
func DeliveryID(webhookID, eventID string) string {
	return uuid.NewSHA1(deliveryNamespace, []byte(webhookID+" "+eventID)).String()
}

// webhookWorker posts one delivery per job and writes its outcome to the delivery log.
type webhookWorker struct {
	river.WorkerDefaults[webhookArgs]
	d *Deliveries
}

// Timeout leaves the attempt its own timeout, and the log its write.
func (w *webhookWorker) Timeout(*river.Job[webhookArgs]) time.Duration {
	return w.d.settings.WebhookTimeout + 15*time.Second
}

func (w *webhookWorker) NextRetry(job *river.Job[webhookArgs]) time.Time {
	return time.Now().Add(backoff(w.d.settings.RetryBase, job.Attempt))
}

func (w *webhookWorker) Work(ctx context.Context, job *river.Job[webhookArgs]) error {
	d, a := w.d, job.Args
	hook, err := d.store.WebhookGetByID(ctx, a.WebhookID)
	if err != nil {
		return fmt.Errorf("webhook delivery %s: %w", a.DeliveryID, err)
	}
	rec := engine.WebhookDelivery{ID: a.DeliveryID, WebhookID: a.WebhookID, EventID: a.EventID, EventType: a.EventType,
		Attempts: job.Attempt, CreatedAt: job.CreatedAt}
	if hook.DeletedAt != nil {
		rec.Status, rec.LastError = engine.WebhookFailed, "the subscription was deleted"
		d.record(ctx, &rec)
		return river.JobCancel(errors.New(rec.LastError))
	}
	status, err := d.post(ctx, hook, a)
	rec.LastStatus = status
	switch {
	case err == nil:
		at := time.Now().UTC()
		rec.Status, rec.DeliveredAt = engine.WebhookDelivered, &at
	case job.Attempt >= job.MaxAttempts:
		rec.Status, rec.LastError = engine.WebhookFailed, err.Error()
	default:
		rec.Status, rec.LastError = engine.WebhookPending, err.Error()
	}
	if err != nil {
		d.logger.WarnContext(ctx, "webhook delivery failed", "webhook", hook.ID, "delivery", a.DeliveryID,
			"attempt", job.Attempt, "status", rec.Status, "error", err)
	}
	d.record(ctx, &rec)
	return err
}

// record writes the log entry even when shutdown has begun: a delivered event stays
// delivered. A failure to write is logged; the job's own row keeps the outcome.
func (d *Deliveries) record(ctx context.Context, rec *engine.WebhookDelivery) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.store.WebhookDeliveryRecord(ctx, rec); err != nil {
		d.logger.ErrorContext(ctx, "webhook delivery: record outcome", "delivery", rec.ID, "error", err)
	}
}

// mailWorker sends one e-mail per job; the job's row is its log (`vanthu jobs list
// --kind mail`).
type mailWorker struct {
	river.WorkerDefaults[mailArgs]
	d *Deliveries
}

func (w *mailWorker) Timeout(*river.Job[mailArgs]) time.Duration { return time.Minute + 15*time.Second }

func (w *mailWorker) NextRetry(job *river.Job[mailArgs]) time.Time {
	return time.Now().Add(backoff(w.d.settings.RetryBase, job.Attempt))
}

func (w *mailWorker) Work(ctx context.Context, job *river.Job[mailArgs]) error {
	d, m := w.d, job.Args
	server := d.settings.Mail
	// The Message-ID follows the key, so that a mail sent again after a lost answer is
	// recognisably the same message.
	msg, err := compose(server.From, m.To, m.Subject, m.Text, m.HTML, time.Now(), uuid.NewSHA1(deliveryNamespace, []byte(m.Key)).String())
	if err != nil {
		return river.JobCancel(fmt.Errorf("compose mail %s: %w", m.Key, err))
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := server.Send(sctx, m.To, msg); err != nil {
		d.logger.WarnContext(ctx, "mail not sent", "key", m.Key, "attempt", job.Attempt, "final", job.Attempt >= job.MaxAttempts,
			"error", err)
		return fmt.Errorf("send mail %s: %w", m.Key, err)
	}
	return nil
}

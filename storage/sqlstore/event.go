package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qWebhookInsert                = sqlFor("WebhookInsert")
	qWebhookGetByID               = sqlFor("WebhookGetByID")
	qWebhookListByAgency          = sqlFor("WebhookListByAgency")
	qWebhookDelete                = sqlFor("WebhookDelete")
	qWebhookDeliveryRecord        = sqlFor("WebhookDeliveryRecord")
	qWebhookDeliveryListByWebhook = sqlFor("WebhookDeliveryListByWebhook")
	qNotificationCountUnread      = sqlFor("NotificationCountUnread")
	qAssignmentCountDue           = sqlFor("AssignmentCountDue")
)

func (q queries) WebhookInsert(ctx context.Context, w *engine.Webhook) error {
	_, err := q.exec(ctx, "webhook insert", qWebhookInsert, w.ID, w.AgencyID, w.URL, w.Secret,
		strings.Join(w.EventTypes, " "), w.CreatedBy, w.CreatedAt.UTC())
	return q.webhooksChanged(err, w.AgencyID)
}

func (q queries) WebhookGetByID(ctx context.Context, id string) (engine.Webhook, error) {
	var w engine.Webhook
	err := q.get(ctx, "webhook get", qWebhookGetByID, func(r Row) (err error) { w, err = scanWebhook(r); return }, id)
	return w, err
}

func (q queries) WebhookListByAgency(ctx context.Context, agencyID string) ([]engine.Webhook, error) {
	return list(ctx, q, "webhook list", qWebhookListByAgency, scanWebhook, agencyID)
}

func (q queries) WebhookDelete(ctx context.Context, id string, at time.Time) error {
	return q.webhooksChanged(q.execOne(ctx, "webhook delete", qWebhookDelete, id, at.UTC()), AllAgencies)
}

func scanWebhook(r Row) (engine.Webhook, error) {
	var w engine.Webhook
	var types string
	err := r.Scan(&w.ID, &w.AgencyID, &w.URL, &w.Secret, &types, &w.CreatedBy, &w.CreatedAt, &w.DeletedAt)
	w.EventTypes, w.CreatedAt, w.DeletedAt = strings.Fields(types), utc(w.CreatedAt), utcPtr(w.DeletedAt)
	return w, err
}

func (q queries) WebhookDeliveryRecord(ctx context.Context, d *engine.WebhookDelivery) error {
	_, err := q.exec(ctx, "webhook delivery record", qWebhookDeliveryRecord, d.ID, d.WebhookID, d.EventID, d.EventType,
		d.Status, d.Attempts, d.LastStatus, d.LastError, d.CreatedAt.UTC(), utcPtr(d.DeliveredAt))
	return err
}

func (q queries) WebhookDeliveryListByWebhook(ctx context.Context, webhookID string, limit int) ([]engine.WebhookDelivery, error) {
	return list(ctx, q, "webhook delivery list", qWebhookDeliveryListByWebhook, scanWebhookDelivery, webhookID, limit)
}

func scanWebhookDelivery(r Row) (engine.WebhookDelivery, error) {
	var d engine.WebhookDelivery
	err := r.Scan(&d.ID, &d.WebhookID, &d.EventID, &d.EventType, &d.Status, &d.Attempts, &d.LastStatus, &d.LastError,
		&d.CreatedAt, &d.DeliveredAt)
	d.CreatedAt, d.DeliveredAt = utc(d.CreatedAt), utcPtr(d.DeliveredAt)
	return d, err
}

func (q queries) NotificationCountUnread(ctx context.Context, userID string) (int, error) {
	var n int
	err := q.get(ctx, "notification count unread", qNotificationCountUnread, func(r Row) error { return r.Scan(&n) }, userID)
	return n, err
}

func (q queries) AssignmentCountDue(ctx context.Context, userID, agencyID string, now, soonBefore time.Time) (dueSoon, overdue int, err error) {
	err = q.get(ctx, "assignment count due", qAssignmentCountDue, func(r Row) error { return r.Scan(&dueSoon, &overdue) },
		userID, agencyID, now.UTC(), soonBefore.UTC())
	return dueSoon, overdue, err
}

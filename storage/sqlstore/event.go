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
	qWebhookListBehind            = sqlFor("WebhookListBehind")
	qWebhookAdvance               = sqlFor("WebhookAdvance")
	qWebhookDeliveryInsert        = sqlFor("WebhookDeliveryInsert")
	qWebhookDeliveryClaim         = sqlFor("WebhookDeliveryClaim")
	qWebhookDeliveryUpdate        = sqlFor("WebhookDeliveryUpdate")
	qWebhookDeliveryListByWebhook = sqlFor("WebhookDeliveryListByWebhook")
	qEventCursorListBehind        = sqlFor("EventCursorListBehind")
	qEventCursorAdvance           = sqlFor("EventCursorAdvance")
	qNotificationListUndispatched = sqlFor("NotificationListUndispatched")
	qNotificationMarkDispatched   = sqlFor("NotificationMarkDispatched")
	qNotificationCountUnread      = sqlFor("NotificationCountUnread")
	qMailInsert                   = sqlFor("MailInsert")
	qMailClaim                    = sqlFor("MailClaim")
	qMailUpdate                   = sqlFor("MailUpdate")
	qMailListByUser               = sqlFor("MailListByUser")
	qAssignmentListOpenForUser    = sqlFor("AssignmentListOpenForUser")
)

func (q queries) WebhookInsert(ctx context.Context, w *engine.Webhook) error {
	_, err := q.exec(ctx, "webhook insert", qWebhookInsert, w.ID, w.AgencyID, w.URL, w.Secret,
		strings.Join(w.EventTypes, " "), w.CursorSeq, w.CreatedBy, w.CreatedAt.UTC())
	return err
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
	return q.execOne(ctx, "webhook delete", qWebhookDelete, id, at.UTC())
}

func (q queries) WebhookListBehind(ctx context.Context, limit int) ([]engine.Webhook, error) {
	return list(ctx, q, "webhook list behind", qWebhookListBehind, scanWebhook, limit)
}

func (q queries) WebhookAdvance(ctx context.Context, id string, seq int64) error {
	_, err := q.exec(ctx, "webhook advance", qWebhookAdvance, id, seq)
	return err
}

func scanWebhook(r Row) (engine.Webhook, error) {
	var w engine.Webhook
	var types string
	err := r.Scan(&w.ID, &w.AgencyID, &w.URL, &w.Secret, &types, &w.CursorSeq, &w.CreatedBy, &w.CreatedAt, &w.DeletedAt)
	w.EventTypes, w.CreatedAt, w.DeletedAt = strings.Fields(types), utc(w.CreatedAt), utcPtr(w.DeletedAt)
	return w, err
}

func (q queries) WebhookDeliveryInsert(ctx context.Context, d *engine.WebhookDelivery) (bool, error) {
	n, err := q.exec(ctx, "webhook delivery insert", qWebhookDeliveryInsert, d.ID, d.WebhookID, d.EventID, d.EventType,
		d.Payload, d.Status, d.NextAttemptAt.UTC(), d.CreatedAt.UTC())
	return n > 0, err
}

func (q queries) WebhookDeliveryClaim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]engine.WebhookDelivery, error) {
	return list(ctx, q, "webhook delivery claim", qWebhookDeliveryClaim, scanWebhookDelivery, now.UTC(), leaseUntil.UTC(), limit)
}

func (q queries) WebhookDeliveryUpdate(ctx context.Context, d *engine.WebhookDelivery) error {
	return q.execOne(ctx, "webhook delivery update", qWebhookDeliveryUpdate, d.ID, d.Status, d.NextAttemptAt.UTC(),
		d.LastStatus, d.LastError, utcPtr(d.DeliveredAt))
}

func (q queries) WebhookDeliveryListByWebhook(ctx context.Context, webhookID string, limit int) ([]engine.WebhookDelivery, error) {
	return list(ctx, q, "webhook delivery list", qWebhookDeliveryListByWebhook, scanWebhookDelivery, webhookID, limit)
}

func scanWebhookDelivery(r Row) (engine.WebhookDelivery, error) {
	var d engine.WebhookDelivery
	err := r.Scan(&d.ID, &d.WebhookID, &d.EventID, &d.EventType, &d.Payload, &d.Status, &d.Attempts, &d.NextAttemptAt,
		&d.LeaseUntil, &d.LastStatus, &d.LastError, &d.CreatedAt, &d.DeliveredAt)
	d.NextAttemptAt, d.LeaseUntil, d.CreatedAt, d.DeliveredAt = utc(d.NextAttemptAt), utcPtr(d.LeaseUntil), utc(d.CreatedAt),
		utcPtr(d.DeliveredAt)
	return d, err
}

func (q queries) EventCursorListBehind(ctx context.Context, consumer string, limit int) ([]engine.EventCursor, error) {
	return list(ctx, q, "event cursor list behind", qEventCursorListBehind, func(r Row) (engine.EventCursor, error) {
		c := engine.EventCursor{Consumer: consumer}
		err := r.Scan(&c.AgencyID, &c.Seq, &c.HeadSeq)
		return c, err
	}, consumer, limit)
}

func (q queries) EventCursorAdvance(ctx context.Context, consumer, agencyID string, seq int64) error {
	_, err := q.exec(ctx, "event cursor advance", qEventCursorAdvance, consumer, agencyID, seq)
	return err
}

func (q queries) NotificationListUndispatched(ctx context.Context, limit int) ([]engine.Notification, error) {
	return list(ctx, q, "notification list undispatched", qNotificationListUndispatched, func(r Row) (engine.Notification, error) {
		var n engine.Notification
		var doc, asg *string
		err := r.Scan(&n.ID, &n.UserID, &n.Kind, &doc, &asg, &n.Body, &n.CreatedAt, &n.ReadAt)
		n.DocumentID, n.AssignmentID, n.CreatedAt, n.ReadAt = deref(doc), deref(asg), utc(n.CreatedAt), utcPtr(n.ReadAt)
		return n, err
	}, limit)
}

func (q queries) NotificationMarkDispatched(ctx context.Context, id string, at time.Time) error {
	_, err := q.exec(ctx, "notification mark dispatched", qNotificationMarkDispatched, id, at.UTC())
	return err
}

func (q queries) NotificationCountUnread(ctx context.Context, userID string) (int, error) {
	var n int
	err := q.get(ctx, "notification count unread", qNotificationCountUnread, func(r Row) error { return r.Scan(&n) }, userID)
	return n, err
}

func (q queries) MailInsert(ctx context.Context, m *engine.Mail) (bool, error) {
	n, err := q.exec(ctx, "mail insert", qMailInsert, m.ID, m.Key, m.UserID, m.To, m.Subject, m.Text, m.HTML, m.Status,
		m.NextAttemptAt.UTC(), m.CreatedAt.UTC())
	return n > 0, err
}

func (q queries) MailClaim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]engine.Mail, error) {
	return list(ctx, q, "mail claim", qMailClaim, scanMail, now.UTC(), leaseUntil.UTC(), limit)
}

func (q queries) MailUpdate(ctx context.Context, m *engine.Mail) error {
	return q.execOne(ctx, "mail update", qMailUpdate, m.ID, m.Status, m.NextAttemptAt.UTC(), m.LastError, utcPtr(m.SentAt))
}

func (q queries) MailListByUser(ctx context.Context, userID string, limit int) ([]engine.Mail, error) {
	return list(ctx, q, "mail list", qMailListByUser, scanMail, userID, limit)
}

func scanMail(r Row) (engine.Mail, error) {
	var m engine.Mail
	err := r.Scan(&m.ID, &m.Key, &m.UserID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Status, &m.Attempts, &m.NextAttemptAt,
		&m.LeaseUntil, &m.LastError, &m.CreatedAt, &m.SentAt)
	m.NextAttemptAt, m.LeaseUntil, m.CreatedAt, m.SentAt = utc(m.NextAttemptAt), utcPtr(m.LeaseUntil), utc(m.CreatedAt), utcPtr(m.SentAt)
	return m, err
}

func (q queries) AssignmentListOpenForUser(ctx context.Context, userID string, limit int) ([]engine.OpenTask, error) {
	return list(ctx, q, "assignment list open for user", qAssignmentListOpenForUser, func(r Row) (engine.OpenTask, error) {
		var t engine.OpenTask
		var parent, unit, user *string
		var role string
		err := r.Scan(&t.ID, &t.DocumentID, &parent, &unit, &user, &role, &t.Deadline, &t.Status, &t.Note, &t.CreatedBy,
			&t.CreatedAt, &t.DoneAt, &t.AgencyID)
		t.ParentID, t.UnitID, t.UserID, t.Role = deref(parent), deref(unit), deref(user), engine.AssignmentRole(role)
		t.Deadline, t.DoneAt, t.CreatedAt = utcPtr(t.Deadline), utcPtr(t.DoneAt), utc(t.CreatedAt)
		return t, err
	}, userID, limit)
}

package sqlstore

import (
	"context"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var qWebhookDeliveryPage = sqlFor("WebhookDeliveryPage")

// endOfTime is after every delivery: the first page's cursor.
var endOfTime = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func (q queries) WebhookDeliveryPage(ctx context.Context, webhookID string, after engine.DeliveryCursor, limit int) ([]engine.WebhookDelivery, error) {
	at, id := after.CreatedAt.UTC(), after.ID
	if after.ID == "" {
		at, id = endOfTime, maxUUID
	}
	return list(ctx, q, "webhook delivery page", qWebhookDeliveryPage, scanWebhookDelivery, webhookID, at, id, limit)
}

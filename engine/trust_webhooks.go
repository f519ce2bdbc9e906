package engine

import (
	"context"
	"fmt"
)

// DeliveryPage is one page of a subscription's delivery log, newest first.
type DeliveryPage struct {
	Deliveries []WebhookDelivery
	Next       DeliveryCursor // zero on the last page
}

// maxDeliveryPage bounds a page of deliveries.
const maxDeliveryPage = 100

// WebhookDeliveryPage lists one page of a subscription of the actor's agency's
// deliveries, for its admin; another agency's subscription is not found.
func (e *Engine) WebhookDeliveryPage(ctx context.Context, actor Actor, id string, after DeliveryCursor, limit int) (DeliveryPage, error) {
	if limit <= 0 || limit > maxDeliveryPage {
		limit = maxDeliveryPage
	}
	if _, err := e.Webhook(ctx, actor, id); err != nil {
		return DeliveryPage{}, err
	}
	ds, err := e.store.WebhookDeliveryPage(ctx, id, after, limit+1)
	if err != nil {
		return DeliveryPage{}, fmt.Errorf("webhook deliveries: %w", err)
	}
	var p DeliveryPage
	if len(ds) > limit {
		ds = ds[:limit]
		last := ds[limit-1]
		p.Next = DeliveryCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	p.Deliveries = ds
	return p, nil
}

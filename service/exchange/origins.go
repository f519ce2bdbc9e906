package exchange

import (
	"context"
	"errors"
	"sync"

	"github.com/vanthu/vanthu/engine"
)

// maxOrigins bounds the documents a node remembers the origin of; past it, it starts
// again. A document's later steps usually follow on the node that received it soon after.
const maxOrigins = 1 << 16

// origins remembers, per document, how it came over the axis, or that it did not. Its
// exchange_document row is written with the document, in the same transaction, and never
// changed or removed, so what a transaction that sees the document reads stays true on
// every node: there is nothing to forget. Ids are never reused, so an answer read in a
// transaction that rolled back names a document that will never exist.
type origins struct {
	mu sync.Mutex
	m  map[string]*engine.ExchangeDocument // nil: not from the axis
}

// of is how the document came over the axis; ok is false when it did not.
func (o *origins) of(ctx context.Context, q engine.Queries, documentID string) (engine.ExchangeDocument, bool, error) {
	o.mu.Lock()
	x, known := o.m[documentID]
	o.mu.Unlock()
	if known {
		if x == nil {
			return engine.ExchangeDocument{}, false, nil
		}
		return *x, true, nil
	}
	got, err := q.ExchangeDocumentGet(ctx, documentID)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		x = nil
	case err != nil:
		return engine.ExchangeDocument{}, false, err
	default:
		x = &got
	}
	o.remember(documentID, x)
	return got, x != nil, nil
}

// remember keeps how the document came over the axis; nil: it did not.
func (o *origins) remember(documentID string, x *engine.ExchangeDocument) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil || len(o.m) >= maxOrigins {
		o.m = make(map[string]*engine.ExchangeDocument)
	}
	o.m[documentID] = x
}

package engine

import (
	"context"
	"fmt"
	"time"
)

// ReplyFunc keeps the answer to a request in the transaction of the step it asked for, so
// that the step and its answer commit together: a retry of the request then gets exactly
// that answer. requestID is the step's; result is what the step returns (the document as
// the step leaves it, or what else it made).
type ReplyFunc func(ctx context.Context, q Queries, requestID string, result any) error

type replyKey struct{}

// WithReply asks the steps run with ctx to call fn before they commit.
func WithReply(ctx context.Context, fn ReplyFunc) context.Context {
	return context.WithValue(ctx, replyKey{}, fn)
}

// reply calls the context's ReplyFunc for a step done under a request id.
func (c *change) reply(ctx context.Context, requestID string, result any) error {
	fn, ok := ctx.Value(replyKey{}).(ReplyFunc)
	if !ok || requestID == "" {
		return nil
	}
	return fn(ctx, c.q, requestID, result)
}

// pruneBatch bounds each pruning transaction, so that retries never wait long for it.
const pruneBatch = 1000

// PruneRequests forgets request ids and kept answers older than keep, in short
// transactions. A retry that comes later than keep is taken as a new request.
func (e *Engine) PruneRequests(ctx context.Context, keep time.Duration) (requests, replies int64, err error) {
	before := e.timestamp().Add(-keep)
	for {
		var r, p int64
		err := e.store.InTx(ctx, func(q Queries) error {
			var err error
			r, p, err = q.RequestsPrune(ctx, before, pruneBatch)
			return err
		})
		if err != nil {
			return requests, replies, fmt.Errorf("prune requests: %w", err)
		}
		requests, replies = requests+r, replies+p
		if r < pruneBatch && p < pruneBatch {
			return requests, replies, nil
		}
	}
}

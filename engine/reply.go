package engine

import "context"

// ReplyFunc keeps the answer to a request in the transaction of the step it asked for, so
// that the step and its answer commit together: a retry of the request then gets exactly
// that answer. requestID is the step's; d is the document as the step leaves it.
type ReplyFunc func(ctx context.Context, q Queries, requestID string, d Document) error

type replyKey struct{}

// WithReply asks the steps run with ctx to call fn before they commit.
func WithReply(ctx context.Context, fn ReplyFunc) context.Context {
	return context.WithValue(ctx, replyKey{}, fn)
}

// reply calls the context's ReplyFunc for a step done under a request id.
func (c *change) reply(ctx context.Context, requestID string, d Document) error {
	fn, ok := ctx.Value(replyKey{}).(ReplyFunc)
	if !ok || requestID == "" {
		return nil
	}
	return fn(ctx, c.q, requestID, d)
}

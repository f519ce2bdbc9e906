package engine

import (
	"context"
	"fmt"
	"strconv"
)

// Background jobs run for the whole installation, so only an administrator of a province
// sees them and retries or cancels one. The job queue lives outside the engine; these
// methods check the right and keep the record.

// Job actions, as audited.
const (
	ActionRetryJob  Action = "retry_job"
	ActionCancelJob Action = "cancel_job"
)

// CheckJobsAdmin tells whether the actor may see the background jobs.
func (e *Engine) CheckJobsAdmin(ctx context.Context, actor Actor) error {
	c := &change{e: e, q: e.store, actor: actor, action: "list_jobs"}
	if err := c.provinceAdmin(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

// AuditJobAction records, before it is done, that the actor retries or cancels job id
// (of kind): the queue changes the job in its own transaction, so the request is what
// the chain can hold.
func (e *Engine) AuditJobAction(ctx context.Context, actor Actor, action Action, id int64, kind string) error {
	if action != ActionRetryJob && action != ActionCancelJob {
		return invalid("action", "a job is retried or cancelled, not %q", action)
	}
	return e.trustChange(ctx, actor, action, strconv.FormatInt(id, 10), func(c *change) (any, error) {
		return map[string]any{"job": id, "kind": kind}, nil
	})
}

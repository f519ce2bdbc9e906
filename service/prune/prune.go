// Package prune forgets, as a periodic job once per cluster, what vanthu keeps only for
// a while: the request ids and first answers that make a retried request exact.
package prune

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/jobs"
)

const (
	// DefaultKeep is how long a request is remembered (VANTHU_REQUEST_KEEP): clients
	// retry within minutes; a week also covers a client that was offline over a weekend.
	DefaultKeep = 7 * 24 * time.Hour
	// DefaultInterval is how often the job runs.
	DefaultInterval = time.Hour
)

// Args is the pruning job.
type Args struct{}

// Kind names the job in the queue (`vanthu jobs list --kind request_prune`).
func (Args) Kind() string { return "request_prune" }

// Register adds the pruning job to workers and returns its periodic job.
func Register(workers *river.Workers, eng *engine.Engine, keep, interval time.Duration, logger *slog.Logger) *river.PeriodicJob {
	return jobs.Periodic[Args](workers, interval, max(interval, time.Minute), func(ctx context.Context) error {
		requests, replies, err := eng.PruneRequests(ctx, keep)
		if requests+replies > 0 {
			logger.InfoContext(ctx, "requests pruned", "requests", requests, "answers", replies, "older_than", keep.String())
		}
		return err
	})
}

// Package reminder runs the engine's deadline reminders and escalation as a periodic job
// of the job queue, once per cluster.
package reminder

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/jobs"
)

// DefaultInterval is how often reminders run (VANTHU_REMINDER_INTERVAL).
const DefaultInterval = 10 * time.Minute

// Args is the reminders' job.
type Args struct{}

// Kind names the job in the queue (`vanthu jobs list --kind reminders`).
func (Args) Kind() string { return "reminders" }

// Register adds the reminders' job to workers and returns their periodic job, every
// interval; a run may take up to an interval, as a longer one would overlap the next.
func Register(workers *river.Workers, r *engine.Reminders, interval time.Duration, logger *slog.Logger) *river.PeriodicJob {
	if logger == nil {
		logger = slog.Default()
	}
	return jobs.Periodic[Args](workers, interval, max(interval, time.Minute), func(ctx context.Context) error {
		n, err := r.RunOnce(ctx)
		if err != nil {
			return fmt.Errorf("run reminders: %w", err)
		}
		if n > 0 {
			logger.InfoContext(ctx, "reminders sent", "notifications", n)
		}
		return nil
	})
}

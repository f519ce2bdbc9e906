package indexing

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/service/jobs"
)

// DefaultInterval is how often stale documents are indexed (VANTHU_INDEX_INTERVAL).
const DefaultInterval = time.Minute

// Args is the indexing job: one batch of stale documents.
type Args struct{}

// Kind names the job in the queue (`vanthu jobs list --kind search_index`).
func (Args) Kind() string { return "search_index" }

// Register adds the indexer's job to workers and returns its periodic job, every
// interval. A run may take 30 minutes: a batch of scans read through OCR (up to two
// minutes each).
func (ix *Indexer) Register(workers *river.Workers, interval time.Duration) *river.PeriodicJob {
	return jobs.Periodic[Args](workers, interval, 30*time.Minute, func(ctx context.Context) error {
		n, err := ix.RunOnce(ctx)
		if n > 0 {
			ix.cfg.Logger.InfoContext(ctx, "search index", "indexed", n)
		}
		return err
	})
}

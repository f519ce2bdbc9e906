package blobgc

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/service/jobs"
)

// DefaultInterval is a collection a day (VANTHU_BLOB_GC_INTERVAL).
const DefaultInterval = 24 * time.Hour

// Args is the collection job.
type Args struct{}

// Kind names the job in the queue (`vanthu jobs list --kind blob_gc`).
func (Args) Kind() string { return "blob_gc" }

// Register adds the collector's job to workers and returns its periodic job, every
// interval. A run may take an interval: listing a large bucket takes long, and the next
// interval must not find it running.
func (c *Collector) Register(workers *river.Workers, interval time.Duration) *river.PeriodicJob {
	return jobs.Periodic[Args](workers, interval, interval, func(ctx context.Context) error {
		results, err := c.RunOnce(ctx)
		for _, r := range results {
			c.cfg.Logger.InfoContext(ctx, "blob collection", "store", r.Store, "deleted", len(r.Deleted), "bytes", r.Bytes,
				"referenced", r.Referenced, "fresh", r.Fresh, "locked", r.Locked, "failed", r.Failed)
		}
		return err
	})
}

package archive

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/service/jobs"
)

// FixityArgs is the fixity job: the slice of the pass that falls on its tick.
type FixityArgs struct{}

// Kind names the job in the queue (`vanthu jobs list --kind archive_fixity`).
func (FixityArgs) Kind() string { return "archive_fixity" }

// Register adds the fixity job to workers and returns its periodic job, a slice every
// tick; a slice may take up to its tick, and the batch limit keeps it shorter.
func (f *Fixity) Register(workers *river.Workers) *river.PeriodicJob {
	return jobs.Periodic[FixityArgs](workers, f.cfg.Tick, f.cfg.Tick, func(ctx context.Context) error {
		run, err := f.RunOnce(ctx)
		f.cfg.Logger.InfoContext(ctx, "fixity slice", "slice", run.Slice, "slices", run.Slices, "packages", run.Packages,
			"objects", run.Objects, "damaged", run.Damaged, "repaired", run.Repaired)
		return err
	})
}

// RenewArgs is the renewal job.
type RenewArgs struct{}

// Kind names the job in the queue (`vanthu jobs list --kind archive_renew`).
func (RenewArgs) Kind() string { return "archive_renew" }

// Register adds the renewal job to workers and returns its periodic job, every interval
// (a day by default); a run may take up to its interval.
func (r *Renewer) Register(workers *river.Workers) *river.PeriodicJob {
	return jobs.Periodic[RenewArgs](workers, r.cfg.Interval, r.cfg.Interval, func(ctx context.Context) error {
		renewals, err := r.RunOnce(ctx)
		if len(renewals) > 0 {
			r.cfg.Logger.InfoContext(ctx, "archive renewal", "packages", len(renewals))
		}
		if err != nil {
			return fmt.Errorf("archive renewal: %w", err)
		}
		return nil
	})
}

package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// Every is the periodic job that inserts args every interval, and once when a node
// becomes leader. Only the leader inserts periodic jobs, so the work runs once per
// cluster; the uniqueness per interval keeps a change of leader from running it twice.
// A run that fails is not retried: the next interval is its retry, and the failure stays
// listed (`vanthu jobs list --state discarded`).
func Every(interval time.Duration, args river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval), func() (river.JobArgs, *river.InsertOpts) {
		return args, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: interval}}
	}, &river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true})
}

// Periodic adds the worker of the jobs of kind T, which calls run, and returns their
// periodic job, every interval (see Every). A run may take up to timeout.
func Periodic[T river.JobArgs](workers *river.Workers, interval, timeout time.Duration, run func(ctx context.Context) error) *river.PeriodicJob {
	river.AddWorker(workers, &periodicWorker[T]{run: run, timeout: timeout})
	var args T
	return Every(interval, args)
}

type periodicWorker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	run     func(context.Context) error
	timeout time.Duration
}

func (w *periodicWorker[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

func (w *periodicWorker[T]) Work(ctx context.Context, _ *river.Job[T]) error { return w.run(ctx) }

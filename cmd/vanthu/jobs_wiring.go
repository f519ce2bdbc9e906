package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/blobgc"
	"github.com/vanthu/vanthu/service/indexing"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/service/prune"
	"github.com/vanthu/vanthu/service/reminder"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// serve's background work runs on one job queue (River, service/jobs) per node. Every
// service adds its workers to one river.Workers, the periodic ones with their periodic
// job; only the node River elects leader inserts periodic jobs, so each runs once per
// cluster, and `vanthu jobs list` shows every run on any node.

var (
	settingReminderInterval = setting{"serve", "VANTHU_REMINDER_INTERVAL"}
	settingIndexInterval    = setting{"serve", "VANTHU_INDEX_INTERVAL"}
	settingBlobGCInterval   = setting{"serve", "VANTHU_BLOB_GC_INTERVAL"}
	settingBlobGCGrace      = setting{"--grace", "VANTHU_BLOB_GC_GRACE"}
	settingRequestKeep      = setting{"serve", "VANTHU_REQUEST_KEEP"}
	// A job still running this long after its node died (kill -9, power loss) is run
	// again by another node; it must outlast the longest job.
	settingJobRescueAfter = setting{"serve", "VANTHU_JOB_RESCUE_AFTER"}
)

// backgroundDeps is what the periodic work reads and writes.
type backgroundDeps struct {
	cfg      *config
	eng      *engine.Engine
	store    *sqlstore.Store
	blobs    blob.Store
	replicas []blob.Store
	logger   *slog.Logger
}

// registerPeriodic adds the periodic work of every service to workers: reminders and
// escalation, search indexing, the archive's fixity check and renewal, the collection of
// unreferenced blobs. It returns their periodic jobs and the metrics they keep.
func registerPeriodic(d backgroundDeps, workers *river.Workers) ([]*river.PeriodicJob, []prometheus.Collector, error) {
	reminderEvery, err := durationSetting(settingReminderInterval, reminder.DefaultInterval, time.Second)
	if err != nil {
		return nil, nil, err
	}
	indexEvery, err := durationSetting(settingIndexInterval, indexing.DefaultInterval, time.Second)
	if err != nil {
		return nil, nil, err
	}
	gcEvery, err := durationSetting(settingBlobGCInterval, blobgc.DefaultInterval, time.Minute)
	if err != nil {
		return nil, nil, err
	}
	grace, err := durationSetting(settingBlobGCGrace, blobgc.DefaultGrace, 0)
	if err != nil {
		return nil, nil, err
	}
	periodic := []*river.PeriodicJob{reminder.Register(workers, &engine.Reminders{Engine: d.eng}, reminderEvery, d.logger)}
	ix, err := indexing.New(indexing.Config{Engine: d.eng, Store: d.store, Blobs: d.blobs, Logger: d.logger})
	if err != nil {
		return nil, nil, err
	}
	periodic = append(periodic, ix.Register(workers, indexEvery))
	archived, metrics, err := registerArchive(d, workers)
	if err != nil {
		return nil, nil, err
	}
	periodic = append(periodic, archived...)
	gc, err := blobgc.New(blobgc.Config{Store: d.store, Blobs: d.blobs, Replicas: d.replicas, Grace: grace, Logger: d.logger})
	if err != nil {
		return nil, nil, err
	}
	periodic = append(periodic, gc.Register(workers, gcEvery))
	keep, err := durationSetting(settingRequestKeep, prune.DefaultKeep, time.Hour)
	if err != nil {
		return nil, nil, err
	}
	periodic = append(periodic, prune.Register(workers, d.eng, keep, prune.DefaultInterval, d.logger))
	return periodic, metrics, nil
}

// newJobs is this node's job queue with the workers and periodic jobs of every service;
// it takes jobs (the transaction hooks insert them) before it starts working them.
func newJobs(store *sqlstore.Store, logger *slog.Logger, workers *river.Workers, periodic []*river.PeriodicJob) (jobs.Queue, error) {
	rescueAfter, err := durationSetting(settingJobRescueAfter, time.Hour, time.Second)
	if err != nil {
		return nil, err
	}
	return jobs.New(store, jobs.Config{Workers: workers, Periodic: periodic, Logger: logger, RescueAfter: rescueAfter})
}

// startJobs starts working the queue's jobs. stop waits for the jobs in progress, for a
// bounded time: a job cut short is cancelled and shows as such in `vanthu jobs list`.
func startJobs(ctx context.Context, q jobs.Queue, logger *slog.Logger) (stop func(), err error) {
	if err := q.Start(ctx); err != nil {
		return nil, fmt.Errorf("start the job queue: %w", err)
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		if err := q.Stop(sctx); err == nil {
			return
		}
		logger.Warn("jobs still running at shutdown are cancelled")
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := q.StopAndCancel(cctx); err != nil {
			logger.Error("job queue stop", "error", err)
		}
	}, nil
}

// durationSetting reads an interval from the environment (10m, 1h30m, 24h), at least
// minimum.
func durationSetting(s setting, fallback, minimum time.Duration) (time.Duration, error) {
	v := os.Getenv(s.env)
	if v == "" {
		return fallback, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < minimum {
		return 0, settingError{s, fmt.Errorf("%q must be a duration of at least %s, like 10m or 24h", v, minimum)}
	}
	return d, nil
}

// Package jobs runs vanthu's durable background work on River: deliveries enqueued in the
// same transaction as the change that causes them, and periodic work (reminders, search
// indexing, fixity, renewal, blob collection) that runs once per cluster, on the node
// River elects leader. PostgreSQL (riverpgxv5) and the embedded SQLite (riversqlite) take
// the same code path; only the driver differs.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
)

// Handle is what the job queue needs of the metadata database: storage's Store offers it.
type Handle interface {
	// Raw is *pgxpool.Pool on PostgreSQL, the (single-connection) write *sql.DB on SQLite.
	Raw() any
}

// Config sets up a queue. Without Workers the queue only inserts and administers jobs
// (the command line); with them Start works them.
type Config struct {
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
	Logger   *slog.Logger
	// MaxWorkers bounds the jobs one node works at once (default 8).
	MaxWorkers int
	// PollInterval is how often a node looks for new jobs when no notification wakes it
	// (default 1 s; SQLite has no notifications, so this is its latency).
	PollInterval time.Duration
	// ID names this node in River's tables (default: River's, from the host name).
	ID string
	// RescueAfter is how long a job may stay running before it is presumed lost with its
	// node (killed, crashed) and made available again (default 1 h): longer than any job
	// runs, as a job still running would then run twice.
	RescueAfter time.Duration
}

// Queue is the job queue of one node. Methods taking tx take the driver's transaction
// as the store hands it to transaction hooks (sqlstore.TxView.Raw).
type Queue interface {
	Start(ctx context.Context) error
	// Stop waits for the jobs in progress; StopAndCancel cancels them first.
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertTx(ctx context.Context, tx any, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertManyTx(ctx context.Context, tx any, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
}

// New returns the queue over the database behind h.
func New(h Handle, cfg Config) (Queue, error) {
	switch raw := h.Raw().(type) {
	case *pgxpool.Pool:
		return newQueue(riverpgxv5.New(raw), cfg)
	case *sql.DB:
		return newQueue(riversqlite.New(raw), cfg)
	default:
		return nil, fmt.Errorf("job queue: unsupported database handle %T", raw)
	}
}

func newQueue[TTx any](drv riverdriver.Driver[TTx], cfg Config) (Queue, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	rc := &river.Config{
		ID:           cfg.ID,
		Logger:       logger.With("component", "jobs"),
		PeriodicJobs: cfg.Periodic,
		// Jobs that ran are kept a week, so that operators can see what ran and why it failed.
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
		CancelledJobRetentionPeriod: 30 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
		FetchPollInterval:           cfg.PollInterval,
		// The river_job table is also where the command line lists jobs: only kinds this
		// build knows are worked.
		FetchOnlyKnownKinds:  true,
		RescueStuckJobsAfter: cfg.RescueAfter,
	}
	if rc.FetchPollInterval <= 0 {
		rc.FetchPollInterval = time.Second
	}
	if cfg.RescueAfter > 0 && cfg.RescueAfter < time.Minute {
		// River refuses to rescue sooner than its default job timeout of a minute.
		rc.JobTimeout = cfg.RescueAfter
	}
	if rc.FetchCooldown = 100 * time.Millisecond; rc.FetchCooldown > rc.FetchPollInterval {
		rc.FetchCooldown = rc.FetchPollInterval
	}
	if cfg.Workers != nil {
		n := cfg.MaxWorkers
		if n <= 0 {
			n = 8
		}
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
	}
	c, err := river.NewClient(drv, rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &queue[TTx]{Client: c}, nil
}

// queue adapts River's client, generic in the driver's transaction type, to Queue.
type queue[TTx any] struct {
	*river.Client[TTx]
}

// ErrWrongTx reports a transaction of another database than the queue's.
var ErrWrongTx = errors.New("job queue: transaction of another database")

func (q *queue[TTx]) InsertTx(ctx context.Context, tx any, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	t, ok := tx.(TTx)
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrWrongTx, tx)
	}
	return q.Client.InsertTx(ctx, t, args, opts)
}

func (q *queue[TTx]) InsertManyTx(ctx context.Context, tx any, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	t, ok := tx.(TTx)
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrWrongTx, tx)
	}
	return q.Client.InsertManyTx(ctx, t, params)
}

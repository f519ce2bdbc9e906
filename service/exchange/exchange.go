// Package exchange sends and receives documents over the national document exchange
// axis (trục liên thông văn bản quốc gia): it combines the engine (what a document or a
// status does), the axis connector (service/axis) and the blob store (the files).
//
// Everything it sends is a River job enqueued in the transaction of the change that
// causes it, seen by a store transaction hook: a dispatch to agencies on the axis sends
// the document (axis_send), a recall sends 13, and the steps of a document that came
// over the axis (received, returned, registered, directed, in progress, completed, a
// change accepted or refused) send their status back to its sender (axis_status).
// Periodic jobs, once per cluster, take in what the axis holds for this instance's
// agencies (axis_receive) and synchronise its directory (axis_directory).
package exchange

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// Job kinds, as `vanthu jobs list --kind` takes them.
const (
	KindSend      = "axis_send"
	KindStatus    = "axis_status"
	KindReceive   = "axis_receive"
	KindDirectory = "axis_directory"
)

// Defaults.
const (
	DefaultPoll      = 30 * time.Second
	DefaultDirectory = time.Hour
	// DefaultMaxAttempts with River's backoff (attempt⁴ seconds) keeps retrying a
	// package for about three weeks: an axis down for days loses nothing.
	DefaultMaxAttempts = 25
)

// Config sets up the exchange.
type Config struct {
	Engine *engine.Engine
	Store  engine.Store
	Blobs  blob.Store
	Axis   axis.Connector
	Roots  *x509.CertPool    // trust anchors for the received PDFs' signatures
	Trust  *engine.TrustPool // when set, stands for Roots (see Receiver.Trust)
	Logger *slog.Logger
	// Poll is how often the axis is asked for received packages (DefaultPoll).
	Poll time.Duration
	// Directory is how often the directory is synchronised (DefaultDirectory).
	Directory   time.Duration
	MaxAttempts int
}

// Service is the exchange of one node.
type Service struct {
	cfg      Config
	log      *slog.Logger
	receiver *Receiver
	origins  origins
}

// New checks cfg and returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Engine == nil || cfg.Store == nil || cfg.Blobs == nil || cfg.Axis == nil {
		return nil, errors.New("exchange: engine, store, blobs and axis are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Directory <= 0 {
		cfg.Directory = DefaultDirectory
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	return &Service{cfg: cfg, log: cfg.Logger.With("component", "exchange"),
		receiver: &Receiver{Engine: cfg.Engine, Blobs: cfg.Blobs, Roots: cfg.Roots, Trust: cfg.Trust}}, nil
}

// Register adds the workers of sending and statuses, and returns the periodic jobs of
// receiving and of the directory.
func (s *Service) Register(workers *river.Workers) []*river.PeriodicJob {
	river.AddWorker(workers, &sendWorker{s: s})
	river.AddWorker(workers, &statusWorker{s: s})
	return []*river.PeriodicJob{
		jobs.Periodic[receiveArgs](workers, s.cfg.Poll, 10*time.Minute, s.ReceiveAll),
		jobs.Periodic[directoryArgs](workers, s.cfg.Directory, 5*time.Minute, s.SyncDirectory),
	}
}

type receiveArgs struct{}

func (receiveArgs) Kind() string { return KindReceive }

type directoryArgs struct{}

func (directoryArgs) Kind() string { return KindDirectory }

// Inserter enqueues jobs in a store transaction; service/jobs' Queue is one.
type Inserter interface {
	InsertManyTx(ctx context.Context, tx any, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// TxHook enqueues, in each write transaction of the store, what the axis must be told
// of the changes it made, so that they commit together or not at all.
func (s *Service) TxHook(q Inserter) sqlstore.TxHook {
	return func(ctx context.Context, tx *sqlstore.TxView) error {
		params, err := s.jobsOf(ctx, tx.Queries, tx.Events)
		if err != nil {
			return fmt.Errorf("exchange: enqueue: %w", err)
		}
		if len(params) == 0 {
			return nil
		}
		raw, err := tx.Raw(ctx)
		if err != nil {
			return fmt.Errorf("exchange: open the job queue: %w", err)
		}
		if _, err := q.InsertManyTx(ctx, raw, params); err != nil {
			return fmt.Errorf("exchange: enqueue %d jobs: %w", len(params), err)
		}
		return nil
	}
}

func (s *Service) insertOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: s.cfg.MaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

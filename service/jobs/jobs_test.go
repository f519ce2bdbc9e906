package jobs_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// auditedArgs is a job enqueued for every audit event of a transaction.
type auditedArgs struct {
	AgencyID string `json:"agency_id"`
	Action   string `json:"action"`
}

func (auditedArgs) Kind() string { return "test_audited" }

type auditedWorker struct {
	river.WorkerDefaults[auditedArgs]
	seen chan auditedArgs
}

func (w *auditedWorker) Work(ctx context.Context, job *river.Job[auditedArgs]) error {
	w.seen <- job.Args
	return nil
}

func open(t *testing.T, opener dbtest.Opener) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	store := opener(t)
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return store
}

func TestJobsCommitWithTheChangeThatCausesThem(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, opener dbtest.Opener) {
		ctx := context.Background()
		store := open(t, opener)
		w := &auditedWorker{seen: make(chan auditedArgs, 16)}
		workers := river.NewWorkers()
		river.AddWorker(workers, w)
		q, err := jobs.New(store, jobs.Config{Workers: workers, PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		failNext := atomic.Bool{}
		store.AddTxHook(func(ctx context.Context, tx *sqlstore.TxView) error {
			raw, err := tx.Raw(ctx)
			if err != nil {
				return err
			}
			for _, e := range tx.Events {
				if _, err := q.InsertTx(ctx, raw, auditedArgs{AgencyID: e.AgencyID, Action: e.Action}, nil); err != nil {
					return err
				}
			}
			if failNext.Load() {
				return errors.New("refused by hook")
			}
			return nil
		})
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Stop(context.Background()) })

		eng := engine.New(store)
		a, err := eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình",
			ShortName: "UBND", Tier: engine.TierProvince})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-w.seen:
			if got.AgencyID != a.ID || got.Action != "create_agency" {
				t.Fatalf("worked %+v, want the agency's create_agency event", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the job enqueued with the change was never worked")
		}

		// A transaction that fails leaves neither the change nor its job.
		failNext.Store(true)
		if _, err := eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H24", Name: "Ủy ban nhân dân tỉnh khác",
			ShortName: "UBND", Tier: engine.TierProvince}); err == nil {
			t.Fatal("a hook's error did not fail the change")
		}
		if _, err := store.AgencyGetByCode(ctx, "H24"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("agency of a rolled-back change: %v, want not found", err)
		}
		res, err := q.JobList(ctx, river.NewJobListParams().Kinds("test_audited").States(
			rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStateRunning, rivertype.JobStateRetryable))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) != 1 {
			t.Fatalf("%d jobs, want only the committed change's", len(res.Jobs))
		}
	})
}

type tickArgs struct{}

func (tickArgs) Kind() string { return "test_tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	mu   sync.Mutex
	runs []string
	node string
}

func (w *tickWorker) Work(ctx context.Context, job *river.Job[tickArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs = append(w.runs, w.node)
	return nil
}

// Two nodes on one PostgreSQL: a periodic job runs once per interval, on the leader.
func TestPeriodicJobRunsOncePerIntervalAcrossNodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := open(t, dbtest.Postgres)
	const interval = 2 * time.Second
	var total atomic.Int64
	var workers []*tickWorker
	for _, node := range []string{"node-a", "node-b"} {
		w := &tickWorker{node: node}
		workers = append(workers, w)
		ws := river.NewWorkers()
		river.AddWorker(ws, w)
		q, err := jobs.New(store, jobs.Config{Workers: ws, ID: node, PollInterval: 100 * time.Millisecond,
			Periodic: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(interval),
				func() (river.JobArgs, *river.InsertOpts) { total.Add(1); return tickArgs{}, nil }, nil)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Stop(context.Background()) })
	}
	time.Sleep(5*interval + interval/2)
	runs := 0
	for _, w := range workers {
		w.mu.Lock()
		runs += len(w.runs)
		w.mu.Unlock()
	}
	// Five intervals passed after the leader's election: about five runs, never one per node.
	if runs < 2 || runs > 7 {
		t.Fatalf("%d runs in 5.5 intervals by two nodes (constructed %d), want one per interval", runs, total.Load())
	}
}

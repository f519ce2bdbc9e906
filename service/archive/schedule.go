package archive

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// FixityConfig configures the scheduled fixity check.
type FixityConfig struct {
	Store   engine.Store
	Blobs   blob.Store
	Replica blob.Store // optional: damaged objects are restored from it
	// Interval is one full pass over every archived object; a week by default
	// (VANTHU_FIXITY_INTERVAL).
	Interval time.Duration
	// Tick is how often a slice of the pass runs (a periodic job): the records are spread
	// over the Interval/Tick slices of a pass, so the store is read evenly. Interval/168
	// (an hour for a week) by default, at least a minute.
	Tick time.Duration
	// Batch bounds the objects one slice reads (100 000 by default); a slice cut short
	// is logged, and what it left is read in the next pass.
	Batch int
	// Registerer, when set, receives the fixity metrics (see Fixity.Collectors).
	Registerer prometheus.Registerer
	// LockHorizon: permanent records' locks ending within it are moved ahead (5 years).
	LockHorizon time.Duration
	Logger      *slog.Logger
	Now         func() time.Time
}

// DefaultFixityInterval is a full pass a week.
const DefaultFixityInterval = 7 * 24 * time.Hour

func (c *FixityConfig) defaults() {
	if c.Interval == 0 {
		c.Interval = DefaultFixityInterval
	}
	if c.Tick == 0 {
		c.Tick = max(c.Interval/168, time.Minute)
	}
	if c.Batch == 0 {
		c.Batch = 100_000
	}
	if c.LockHorizon == 0 {
		c.LockHorizon = 5 * 365 * 24 * time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

func (c *FixityConfig) validate() error {
	switch {
	case c.Store == nil || c.Blobs == nil:
		return errors.New("archive: fixity: a database and a blob store are required")
	case c.Interval < time.Minute:
		return fmt.Errorf("archive: fixity: interval %s is shorter than a minute", c.Interval)
	case c.Tick < time.Second || c.Tick > c.Interval:
		return fmt.Errorf("archive: fixity: tick %s must be between a second and the interval %s", c.Tick, c.Interval)
	case c.Batch < 1:
		return fmt.Errorf("archive: fixity: batch %d must be positive", c.Batch)
	}
	return nil
}

// Fixity is the background service that re-reads every archived object (every version
// of every record's package, manifests included) against its package's manifest, spread
// over the interval. A mismatch is logged at ERROR with the record and key, counted in
// the metrics, listed in the report, and repaired from the replica when there is one.
type Fixity struct {
	cfg     FixityConfig
	metrics fixityMetrics

	mu      sync.Mutex // one slice at a time in this process; the job queue runs one per cluster
	damaged map[string]bool
}

// NewFixity checks the configuration and fills in its defaults.
func NewFixity(cfg FixityConfig) (*Fixity, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	f := &Fixity{cfg: cfg, metrics: newFixityMetrics(), damaged: map[string]bool{}}
	if cfg.Registerer != nil {
		if err := f.metrics.register(cfg.Registerer); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Collectors are the fixity metrics, for a registry that exposes them on /metrics.
func (f *Fixity) Collectors() []prometheus.Collector { return f.metrics.collectors() }

// What the report keeps (engine.FixityReport, in the database): enough for an operator
// to see the last weeks, bounded so that a failing disk cannot make it grow without end.
const (
	reportRuns     = 500
	reportFindings = 5000
)

// RunOnce checks the slice of the records that falls on the current tick.
func (f *Fixity) RunOnce(ctx context.Context) (engine.FixityRun, error) {
	slices := f.slices()
	slice := int((f.cfg.Now().UnixNano() / int64(f.cfg.Tick)) % int64(slices))
	return f.run(ctx, slice, slices)
}

// RunPass checks every record at once (the test hook, and `vanthu archive fixity`).
func (f *Fixity) RunPass(ctx context.Context) (engine.FixityRun, error) {
	return f.run(ctx, -1, f.slices())
}

func (f *Fixity) slices() int { return max(int(f.cfg.Interval/f.cfg.Tick), 1) }

func (f *Fixity) run(ctx context.Context, slice, slices int) (engine.FixityRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	run := engine.FixityRun{Node: fixityNode(), Started: f.cfg.Now().UTC(), Slice: slice, Slices: slices}
	records, err := packagedRecords(ctx, f.cfg.Store)
	if err != nil {
		return run, err
	}
	var findings []engine.FixityFinding
	var errs []error
	for _, r := range records {
		if slice >= 0 && sliceOf(r.ID, slices) != slice {
			continue
		}
		if run.Objects >= f.cfg.Batch {
			run.Incomplete = true
			f.cfg.Logger.WarnContext(ctx, "fixity slice cut short by its batch limit; raise the interval or the batch",
				"batch", f.cfg.Batch, "slice", slice)
			break
		}
		found, err := f.checkRecord(ctx, r, &run)
		findings = append(findings, found...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	run.Finished = f.cfg.Now().UTC()
	f.metrics.lastRun.Set(float64(run.Finished.Unix()))
	f.metrics.unrepaired.Set(float64(len(f.damaged)))
	err = f.cfg.Store.InTx(ctx, func(q engine.Queries) error {
		return q.FixityRunInsert(ctx, &run, findings, reportRuns, reportFindings)
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("archive: fixity report: %w", err))
	}
	return run, errors.Join(errs...)
}

// checkRecord checks every version of one record's package.
func (f *Fixity) checkRecord(ctx context.Context, r packagedRecord, run *engine.FixityRun) ([]engine.FixityFinding, error) {
	var findings []engine.FixityFinding
	report := func(manifest, key string, cause error) *engine.FixityFinding {
		f.cfg.Logger.ErrorContext(ctx, "fixity: archived object damaged", "record", r.Name, "record_id", r.ID,
			"manifest", manifest, "key", key, "error", cause)
		f.metrics.mismatches.Inc()
		findings = append(findings, engine.FixityFinding{DetectedAt: f.cfg.Now().UTC(), Record: r.Name, RecordID: r.ID,
			Manifest: manifest, Key: key, Error: cause.Error()})
		f.damaged[key] = true
		run.Damaged++
		return &findings[len(findings)-1]
	}
	manifests := []string{r.PackageKey}
	for i := 0; i < len(manifests); i++ {
		key := manifests[i]
		run.Objects++
		f.metrics.checked.Inc()
		if err := blob.Verify(ctx, f.cfg.Blobs, key); err != nil {
			if ctx.Err() != nil {
				return findings, ctx.Err()
			}
			if !f.repairObject(ctx, key, report(key, key, err), run) {
				continue
			}
		}
		delete(f.damaged, key)
		if i == 0 {
			v, err := LoadVersion(ctx, f.cfg.Blobs, key)
			if err != nil {
				return findings, fmt.Errorf("archive: fixity %s: %w", r.Name, err)
			}
			manifests = append(manifests, v.Versions...)
		}
		pkg, err := Load(ctx, f.cfg.Blobs, key)
		if err != nil {
			return findings, fmt.Errorf("archive: fixity %s: %w", r.Name, err)
		}
		run.Packages++
		if n, err := ExtendLocks(ctx, f.cfg.Blobs, pkg, f.cfg.LockHorizon); err != nil {
			f.cfg.Logger.ErrorContext(ctx, "fixity: lock not extended", "record", r.Name, "manifest", key, "error", err)
		} else if n > 0 {
			f.cfg.Logger.InfoContext(ctx, "fixity: locks extended", "record", r.Name, "manifest", key, "objects", n)
		}
		for _, o := range pkg.Objects {
			run.Objects++
			f.metrics.checked.Inc()
			err := blob.Verify(ctx, f.cfg.Blobs, o.Key)
			if err == nil {
				delete(f.damaged, o.Key)
				continue
			}
			if ctx.Err() != nil {
				return findings, ctx.Err()
			}
			f.repairObject(ctx, o.Key, report(key, o.Key, err), run)
		}
	}
	return findings, nil
}

// repairObject restores one object from the replica (whose bytes the store checks against
// the key's digest) and reports whether it is sound now.
func (f *Fixity) repairObject(ctx context.Context, key string, finding *engine.FixityFinding, run *engine.FixityRun) bool {
	if f.cfg.Replica == nil {
		return false
	}
	err := repairFrom(ctx, f.cfg.Blobs, f.cfg.Replica, key)
	if err == nil {
		err = blob.Verify(ctx, f.cfg.Blobs, key)
	}
	if err != nil {
		finding.RepairError = err.Error()
		f.cfg.Logger.ErrorContext(ctx, "fixity: repair from the replica failed", "record", finding.Record, "key", key, "error", err)
		return false
	}
	now := f.cfg.Now().UTC()
	finding.RepairedAt = &now
	run.Repaired++
	f.metrics.repaired.Inc()
	delete(f.damaged, key)
	f.cfg.Logger.WarnContext(ctx, "fixity: archived object repaired from the replica", "record", finding.Record, "key", key)
	return true
}

// repairFrom is Repair for one key, manifests included (Repair covers a package's objects).
func repairFrom(ctx context.Context, primary, replica blob.Store, key string) error {
	r, err := replica.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("replica: %w", err)
	}
	defer r.Close()
	return primary.Repair(ctx, key, r)
}

func sliceOf(recordID string, slices int) int {
	h := fnv.New32a()
	h.Write([]byte(recordID))
	return int(h.Sum32() % uint32(slices))
}

// packagedRecord is a record with an archival package.
type packagedRecord struct {
	ID         string
	Name       string // fonds.year.code
	PackageKey string
}

func packagedRecords(ctx context.Context, store engine.Store) ([]packagedRecord, error) {
	agencies, err := store.AgencyList(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: agencies: %w", err)
	}
	var out []packagedRecord
	for _, a := range agencies {
		records, err := store.RecordListByAgency(ctx, a.ID, 0)
		if err != nil {
			return nil, fmt.Errorf("archive: records of %s: %w", a.Code, err)
		}
		for _, r := range records {
			if r.PackageKey != "" {
				out = append(out, packagedRecord{ID: r.ID, Name: fmt.Sprintf("%s.%d.%s", a.Code, r.Year, r.Code), PackageKey: r.PackageKey})
			}
		}
	}
	return out, nil
}

type fixityMetrics struct {
	checked, mismatches, repaired prometheus.Counter
	unrepaired, lastRun           prometheus.Gauge
}

func newFixityMetrics() fixityMetrics {
	return fixityMetrics{
		checked: prometheus.NewCounter(prometheus.CounterOpts{Name: "vanthu_fixity_objects_checked_total",
			Help: "Archived objects re-read against their package manifest."}),
		mismatches: prometheus.NewCounter(prometheus.CounterOpts{Name: "vanthu_fixity_mismatches_total",
			Help: "Archived objects found damaged or missing."}),
		repaired: prometheus.NewCounter(prometheus.CounterOpts{Name: "vanthu_fixity_repairs_total",
			Help: "Damaged archived objects restored from the replica."}),
		unrepaired: prometheus.NewGauge(prometheus.GaugeOpts{Name: "vanthu_fixity_damaged_objects",
			Help: "Archived objects damaged and not repaired, as last checked; alert when above 0."}),
		lastRun: prometheus.NewGauge(prometheus.GaugeOpts{Name: "vanthu_fixity_last_run_timestamp_seconds",
			Help: "When the last fixity slice finished."}),
	}
}

// register adds the metrics to a registry; a second service in the same process (a test,
// a restarted serve) counts on the collectors the first one registered.
func (m *fixityMetrics) register(reg prometheus.Registerer) error {
	for _, c := range []*prometheus.Counter{&m.checked, &m.mismatches, &m.repaired} {
		if err := reg.Register(*c); err != nil {
			are, ok := err.(prometheus.AlreadyRegisteredError)
			if !ok {
				return fmt.Errorf("archive: fixity metrics: %w", err)
			}
			*c = are.ExistingCollector.(prometheus.Counter)
		}
	}
	for _, g := range []*prometheus.Gauge{&m.unrepaired, &m.lastRun} {
		if err := reg.Register(*g); err != nil {
			are, ok := err.(prometheus.AlreadyRegisteredError)
			if !ok {
				return fmt.Errorf("archive: fixity metrics: %w", err)
			}
			*g = are.ExistingCollector.(prometheus.Gauge)
		}
	}
	return nil
}

func (m fixityMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.checked, m.mismatches, m.repaired, m.unrepaired, m.lastRun}
}

// hostname names the node in reports.
func fixityNode() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

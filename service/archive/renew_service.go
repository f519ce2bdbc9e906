package archive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// RenewerConfig configures the renewal service.
type RenewerConfig struct {
	Engine   *engine.Engine
	Store    engine.Store
	Blobs    blob.Store
	Replicas []blob.Store
	// Options say what is due and how to renew it (TSA, revocation, trust anchors).
	Options RenewOptions
	// Trust, when set, replaces Options.Verify.Roots at each package: the configured
	// anchors with those administrators added since.
	Trust *engine.TrustPool
	// Interval between runs of the periodic job; a day by default.
	Interval time.Duration
	// Batch bounds the packages renewed per run (50 by default): each renewed PDF asks
	// the TSA and the OCSP responders, and the next run takes the rest.
	Batch  int
	Logger *slog.Logger
}

func (c *RenewerConfig) defaults() {
	if c.Interval == 0 {
		c.Interval = 24 * time.Hour
	}
	if c.Batch == 0 {
		c.Batch = 50
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Options.Replicas = c.Replicas
	c.Options.defaults()
}

func (c *RenewerConfig) validate() error {
	switch {
	case c.Engine == nil || c.Store == nil || c.Blobs == nil:
		return errors.New("archive: renewal: the engine, the database and the blob store are required")
	case c.Interval < time.Minute:
		return fmt.Errorf("archive: renewal: interval %s is shorter than a minute", c.Interval)
	case c.Batch < 1:
		return fmt.Errorf("archive: renewal: batch %d must be positive", c.Batch)
	case !c.Options.DryRun && (c.Options.Extend.Timestamper == nil || c.Options.Extend.Revocation == nil):
		return errors.New("archive: renewal: a timestamp authority (VANTHU_TSA_URL) and a revocation source are required")
	}
	return nil
}

// Renewer is the background service that keeps archived signatures verifiable (PAdES
// B-LTA renewal, see RenewPackage): each run renews the packages whose evidence ends
// within the window, writes them as new versions and points their records there, audited
// as "renew_package" by the system.
type Renewer struct {
	cfg RenewerConfig

	mu sync.Mutex // one run at a time in this process; the job queue runs one per cluster
}

// NewRenewer checks the configuration and fills in its defaults.
func NewRenewer(cfg RenewerConfig) (*Renewer, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Renewer{cfg: cfg}, nil
}

// RunOnce examines every archived package and renews what is due (or, on a dry run,
// only lists it). It returns the packages with something due; a package that fails is
// logged and the others go on, the errors joined in the result.
func (r *Renewer) RunOnce(ctx context.Context) ([]*Renewal, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	records, err := packagedRecords(ctx, r.cfg.Store)
	if err != nil {
		return nil, err
	}
	var out []*Renewal
	var errs []error
	written := 0
	for _, rec := range records {
		if written >= r.cfg.Batch {
			r.cfg.Logger.InfoContext(ctx, "archive renewal: batch done, the rest waits for the next run", "batch", r.cfg.Batch)
			break
		}
		ren, err := r.renewRecord(ctx, rec)
		if err != nil {
			r.cfg.Logger.ErrorContext(ctx, "archive renewal", "record", rec.Name, "error", err)
			errs = append(errs, err)
			continue
		}
		if len(ren.Files) == 0 {
			continue
		}
		out = append(out, ren)
		if ren.Manifest != "" {
			written++
		}
	}
	return out, errors.Join(errs...)
}

func (r *Renewer) renewRecord(ctx context.Context, rec packagedRecord) (*Renewal, error) {
	pkg, err := Load(ctx, r.cfg.Blobs, rec.PackageKey)
	if err != nil {
		return nil, err
	}
	opts := r.cfg.Options
	if r.cfg.Trust != nil {
		if opts.Verify.Roots, err = r.cfg.Trust.Roots(ctx); err != nil {
			return nil, err
		}
	}
	ren, err := RenewPackage(ctx, r.cfg.Blobs, pkg, opts)
	if err != nil {
		return nil, err
	}
	for _, f := range ren.Files {
		if f.Skipped != "" {
			r.cfg.Logger.WarnContext(ctx, "archive renewal: PDF not renewed", "record", rec.Name, "key", f.Key,
				"evidence_until", f.EvidenceUntil, "reason", f.Skipped)
		}
	}
	if ren.Manifest == "" {
		return ren, nil
	}
	_, err = r.cfg.Engine.RecordPackageRenewed(ctx, engine.System, rec.ID, engine.PackageRenewal{
		Previous: ren.Previous, Manifest: ren.Manifest, Version: ren.Version, Versions: ren.Versions, Renewed: ren.Renewed()})
	if err != nil {
		// The new version stays locked in the store, unreferenced; the next run renews
		// the version the record points at again.
		return nil, fmt.Errorf("archive: renew %s: %w", rec.Name, err)
	}
	r.cfg.Logger.InfoContext(ctx, "archive package renewed", "record", rec.Name, "version", ren.Version,
		"manifest", ren.Manifest, "pdfs", len(ren.Renewed()))
	return ren, nil
}

// Package blobgc deletes blobs nothing references: bytes uploaded for a change that never
// committed, a draft's file replaced before it was saved. Only what is older than a grace
// period goes (an upload is referenced a moment after it is stored), never a locked
// object, never anything the database or an archival package names.
package blobgc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/storage/blob"
)

// DefaultGrace is how old an unreferenced blob must be before it is deleted
// (VANTHU_BLOB_GC_GRACE).
const DefaultGrace = 24 * time.Hour

// Config is what a Collector reads and deletes from.
type Config struct {
	Store engine.Store
	Blobs blob.Store
	// Replicas hold copies of the archived objects under the same keys; they are
	// collected with the same references.
	Replicas []blob.Store
	// Grace: objects stored more recently are kept. Zero keeps none (tests).
	Grace time.Duration
	// DryRun lists what would be deleted and deletes nothing.
	DryRun bool
	// Batch is how many keys are checked against the database at once; default 500.
	Batch  int
	Logger *slog.Logger
	Now    func() time.Time
}

// Collector deletes unreferenced blobs.
type Collector struct {
	cfg Config
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Collector, error) {
	if cfg.Store == nil || cfg.Blobs == nil {
		return nil, errors.New("blob collection: a database and a blob store are required")
	}
	if cfg.Grace < 0 {
		return nil, fmt.Errorf("blob collection: grace %s is negative", cfg.Grace)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Collector{cfg: cfg}, nil
}

// Result is what one run did in one store.
type Result struct {
	Store   string        `json:"store"`   // "primary" or "replica N"
	Deleted []blob.Object `json:"deleted"` // or, on a dry run, would be
	// Kept counts what stays: referenced, Fresh (within the grace period) and Locked.
	Referenced int `json:"referenced"`
	Fresh      int `json:"fresh"`
	Locked     int `json:"locked"`
	// Bytes is the size of what was (or would be) deleted.
	Bytes int64 `json:"bytes"`
	// Failed counts deletions that failed; the next run tries them again.
	Failed int `json:"failed"`
}

// RunOnce collects the primary store, then every replica. The archival packages'
// objects are referenced through their manifests: when one cannot be read, nothing
// under the archive's prefix is deleted in this run.
func (c *Collector) RunOnce(ctx context.Context) ([]Result, error) {
	packaged, err := archive.PackagedKeys(ctx, c.cfg.Store, c.cfg.Blobs)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c.cfg.Logger.ErrorContext(ctx, "blob collection: archival packages not readable, archived objects are all kept", "error", err)
		packaged = nil
	}
	stores := append([]blob.Store{c.cfg.Blobs}, c.cfg.Replicas...)
	var out []Result
	var errs []error
	for i, s := range stores {
		name := "primary"
		if i > 0 {
			name = fmt.Sprintf("replica %d", i)
		}
		res, err := c.collect(ctx, s, name, packaged)
		out = append(out, res)
		if err != nil {
			errs = append(errs, fmt.Errorf("blob collection in %s: %w", name, err))
		}
	}
	return out, errors.Join(errs...)
}

// collect lists one store and deletes what nothing references, a batch at a time.
func (c *Collector) collect(ctx context.Context, s blob.Store, name string, packaged map[string]bool) (Result, error) {
	res := Result{Store: name, Deleted: []blob.Object{}}
	cutoff := c.cfg.Now().Add(-c.cfg.Grace)
	now := c.cfg.Now()
	var batch []blob.Object
	flush := func() error {
		err := c.deleteUnreferenced(ctx, s, batch, packaged, &res)
		batch = batch[:0]
		return err
	}
	err := s.List(ctx, "", func(o blob.Object) error {
		switch {
		case now.Before(o.RetainUntil):
			res.Locked++
			return nil
		case o.Modified.After(cutoff):
			res.Fresh++
			return nil
		case strings.HasPrefix(o.Key, archive.KeyPrefix) && (packaged == nil || packaged[o.Key]):
			res.Referenced++
			return nil
		}
		if batch = append(batch, o); len(batch) >= c.cfg.Batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil && res.Failed > 0 {
		err = fmt.Errorf("%d unreferenced blobs could not be deleted (see the log)", res.Failed)
	}
	return res, err
}

// deleteUnreferenced asks the database which of the batch's keys it references and
// deletes the others. A lock the listing did not show (set since) keeps an object; a
// deletion that fails is counted and the others go on.
func (c *Collector) deleteUnreferenced(ctx context.Context, s blob.Store, batch []blob.Object, packaged map[string]bool, res *Result) error {
	if len(batch) == 0 {
		return nil
	}
	keys := make([]string, len(batch))
	for i, o := range batch {
		keys[i] = o.Key
	}
	found, err := c.cfg.Store.BlobKeyListReferenced(ctx, keys)
	if err != nil {
		return fmt.Errorf("references: %w", err)
	}
	referenced := map[string]bool{}
	for _, k := range found {
		referenced[k] = true
	}
	for _, o := range batch {
		if referenced[o.Key] || packaged[o.Key] {
			res.Referenced++
			continue
		}
		if !c.cfg.DryRun {
			err := s.Delete(ctx, o.Key)
			switch {
			case errors.Is(err, blob.ErrLocked):
				res.Locked++
				continue
			case errors.Is(err, blob.ErrNotFound):
				continue // deleted meanwhile
			case err != nil:
				res.Failed++
				c.cfg.Logger.ErrorContext(ctx, "blob collection: delete failed", "store", res.Store, "key", o.Key, "error", err)
				continue
			}
			c.cfg.Logger.InfoContext(ctx, "blob collection: unreferenced blob deleted", "store", res.Store, "key", o.Key,
				"size", o.Size, "stored", o.Modified)
		}
		res.Deleted = append(res.Deleted, o)
		res.Bytes += o.Size
	}
	return nil
}

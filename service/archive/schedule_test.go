package archive_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/storage/blob"
)

// flip changes one byte of a stored object on disk, as a failing disk would.
func fixityFlip(t *testing.T, root, key string) {
	t.Helper()
	p := filepath.Join(root, key)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	os.Chmod(p, 0o600)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestScheduledFixityRepairsAFlippedByteFromTheReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := renewArchived(t, signertest.OnePagePDF())
	damaged := b.pkg.Objects[0].Key
	fixityFlip(t, b.dir, damaged)
	reg := prometheus.NewRegistry()
	f, err := archive.NewFixity(archive.FixityConfig{Store: b.store, Blobs: b.primary, Replica: b.replica,
		Interval: time.Hour, Tick: time.Minute, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	run, err := f.RunPass(ctx)
	if err != nil || run.Damaged != 1 || run.Repaired != 1 || run.Packages != 1 || run.Objects != len(b.pkg.Objects)+1 {
		t.Fatalf("run %+v, %v", run, err)
	}
	if bad := archive.Check(ctx, b.primary, b.pkg); len(bad) != 0 {
		t.Fatalf("still damaged: %v", bad)
	}
	if err := b.primary.Delete(ctx, damaged); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("the repaired object is not locked: %v", err)
	}
	if got := fixityMetric(t, reg, "vanthu_fixity_mismatches_total"); got != 1 {
		t.Fatalf("mismatches counted %v, want 1", got)
	}
	if got := fixityMetric(t, reg, "vanthu_fixity_damaged_objects"); got != 0 {
		t.Fatalf("damaged objects gauge %v after the repair, want 0", got)
	}

	rep, err := b.store.FixityReportGet(ctx)
	if err != nil || len(rep.Findings) != 1 || len(rep.Runs) != 1 || rep.Runs[0].Repaired != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	fd := rep.Findings[0]
	if fd.Key != damaged || fd.Record != "H23.2026.01.VP" || fd.RepairedAt == nil || fd.DetectedAt.IsZero() || !strings.Contains(fd.Error, "integrity") {
		t.Fatalf("finding %+v", fd)
	}

	again, err := f.RunPass(ctx)
	if err != nil || again.Damaged != 0 {
		t.Fatalf("second pass %+v, %v", again, err)
	}
}

func TestScheduledFixityWithoutReplicaRaisesTheAlarm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := renewArchived(t, signertest.OnePagePDF())
	fixityFlip(t, b.dir, b.pkg.Manifest)
	reg := prometheus.NewRegistry()
	f, err := archive.NewFixity(archive.FixityConfig{Store: b.store, Blobs: b.primary, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	run, err := f.RunPass(ctx)
	if err != nil || run.Damaged != 1 || run.Repaired != 0 {
		t.Fatalf("run %+v, %v", run, err)
	}
	if got := fixityMetric(t, reg, "vanthu_fixity_damaged_objects"); got != 1 {
		t.Fatalf("damaged objects gauge %v, want 1", got)
	}
	rep, err := b.store.FixityReportGet(ctx)
	if err != nil || len(rep.Findings) != 1 || rep.Findings[0].Key != b.pkg.Manifest || rep.Findings[0].RepairedAt != nil {
		t.Fatalf("report %+v, %v; want the manifest, not repaired", rep, err)
	}
}

func TestScheduledFixitySpreadsThePassOverTheInterval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := renewArchived(t, signertest.OnePagePDF())
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	now := start
	f, err := archive.NewFixity(archive.FixityConfig{Store: b.store, Blobs: b.primary, Interval: 24 * time.Hour, Tick: time.Hour,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	packages := 0
	for h := range 24 {
		now = start.Add(time.Duration(h) * time.Hour)
		run, err := f.RunOnce(ctx)
		if err != nil || run.Slices != 24 {
			t.Fatalf("slice at %v: %+v, %v", now, run, err)
		}
		packages += run.Packages
	}
	if packages != 1 {
		t.Fatalf("the record was checked %d times in one pass, want once", packages)
	}
}

func TestFixityConfigIsValidated(t *testing.T) {
	t.Parallel()
	fs, _ := blob.NewFS(t.TempDir())
	b := renewArchived(t, signertest.OnePagePDF())
	for name, cfg := range map[string]archive.FixityConfig{
		"NoStores":          {},
		"IntervalTooShort":  {Store: b.store, Blobs: fs, Interval: time.Second},
		"TickAboveInterval": {Store: b.store, Blobs: fs, Interval: time.Hour, Tick: 2 * time.Hour},
		"NegativeBatch":     {Store: b.store, Blobs: fs, Batch: -1},
	} {
		if _, err := archive.NewFixity(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	f, err := archive.NewFixity(archive.FixityConfig{Store: b.store, Blobs: fs})
	if err != nil {
		t.Fatal(err)
	}
	if run, _ := f.RunOnce(context.Background()); run.Slices != 168 {
		t.Fatalf("default slices %d, want an hour each over a week", run.Slices)
	}
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{"6m": 180 * day, "1y": 365 * day, "2w": 14 * day, "7d": 7 * day,
		"12h": 12 * time.Hour, "30min": 30 * time.Minute, "1h30m": 90 * time.Minute, "168h": 7 * day} {
		if got, err := archive.ParsePeriod(in); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-1h", "6 months", "m", "99999y"} {
		if _, err := archive.ParsePeriod(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"6m", "1y", "30min", "1h30m", "0d", "9999y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := archive.ParsePeriod(s)
		if err == nil && d <= 0 {
			t.Fatalf("%q parsed to %v", s, d)
		}
	})
}

// metric reads one counter or gauge from a registry, as /metrics would show it.
func fixityMetric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("no metric %s", name)
	return 0
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
)

func TestArchiveRenewCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("RejectsAWindowItCannotRead", func(t *testing.T) {
		err := runArchiveRenew(ctx, []string{"--data", dir, "--within", "six months"}, &bytes.Buffer{})
		if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "--within") {
			t.Fatalf("err %v, want a usage error naming --within", err)
		}
	})
	t.Run("NeedsATimestampAuthorityToRenew", func(t *testing.T) {
		err := runArchiveRenew(ctx, []string{"--data", dir, "--tsa", ""}, &bytes.Buffer{})
		if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "VANTHU_TSA_URL") {
			t.Fatalf("err %v, want a usage error naming VANTHU_TSA_URL", err)
		}
	})
	t.Run("DryRunOnAnEmptyArchive", func(t *testing.T) {
		var out bytes.Buffer
		if err := runArchiveRenew(ctx, []string{"--data", dir, "--dry-run", "--log-format", "text"}, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "renewal: 0 PDFs in 0 packages due") {
			t.Fatalf("output:\n%s", out.String())
		}
	})
}

func TestFixityReportCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	dbtest.MigratedSQLiteAt(t, filepath.Join(dir, "vanthu.db"))
	var out bytes.Buffer
	if err := runFixityReport(ctx, []string{"--data", dir}, &out); err != nil || !strings.Contains(out.String(), "no run yet") {
		t.Fatalf("empty report: %v\n%s", err, out.String())
	}
	// Another node's run, as the job queue may give the slices to any node.
	store, err := (&config{Data: dir, LogFormat: "text", LogLevel: "warn"}).openMigrated(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	key := "archive/H23/2026/01.VP/ab/ab" + strings.Repeat("0", 62)
	err = store.InTx(ctx, func(q engine.Queries) error {
		return q.FixityRunInsert(ctx, &engine.FixityRun{Node: "nut-1", Started: now, Finished: now, Objects: 3, Damaged: 1},
			[]engine.FixityFinding{{DetectedAt: now, Record: "H23.2026.01.VP", Key: key, Error: "blob: integrity check failed"}}, 10, 10)
	})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = runFixityReport(ctx, []string{"--data", dir, "--report"}, &out)
	if !errors.As(err, new(silentFailure)) {
		t.Fatalf("unrepaired damage: err %v, want a non-zero exit", err)
	}
	if !strings.Contains(out.String(), key) || !strings.Contains(out.String(), "NOT REPAIRED") || !strings.Contains(out.String(), "nut-1") {
		t.Fatalf("report:\n%s", out.String())
	}
	out.Reset()
	err = runFixityReport(ctx, []string{"--data", dir, "--json"}, &out)
	var rep engine.FixityReport
	if !errors.As(err, new(silentFailure)) || json.Unmarshal(out.Bytes(), &rep) != nil || len(rep.Findings) != 1 || rep.Runs[0].Node != "nut-1" {
		t.Fatalf("JSON report (%v):\n%s", err, out.String())
	}
}

func TestServeRefusesABadFixityInterval(t *testing.T) {
	t.Setenv("VANTHU_FIXITY_INTERVAL", "weekly")
	cfg := &config{Data: t.TempDir()}
	_, _, err := registerArchive(backgroundDeps{cfg: cfg}, river.NewWorkers())
	if err == nil || !strings.Contains(err.Error(), "VANTHU_FIXITY_INTERVAL") {
		t.Fatalf("err %v, want one naming VANTHU_FIXITY_INTERVAL", err)
	}
}

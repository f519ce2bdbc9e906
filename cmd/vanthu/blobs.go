package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/vanthu/vanthu/service/blobgc"
)

func init() {
	commands["blobs"] = command{"delete blobs nothing references, older than a grace period (blobs gc)", runBlobs}
}

const blobsUsage = `usage: vanthu blobs gc [--grace 24h] [--dry-run] [--json]`

// runBlobs is `vanthu blobs gc`: what serve's daily collection does, now, for an operator
// who wants the space back or to see what would go.
func runBlobs(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "gc" {
		return usageError{errors.New(blobsUsage)}
	}
	fs := flag.NewFlagSet("blobs gc", flag.ContinueOnError)
	cfg := bindConfig(fs)
	grace := fs.String("grace", envOr(settingBlobGCGrace.env, blobgc.DefaultGrace.String()),
		"keep blobs stored more recently than this, referenced or not")
	dryRun := fs.Bool("dry-run", false, "list what would be deleted, delete nothing")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	keep, err := time.ParseDuration(*grace)
	if err != nil || keep < 0 {
		return usageError{fmt.Errorf("--grace %q must be a duration like 24h or 0s", *grace)}
	}
	store, blobs, err := cfg.openMigratedStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	replicas, err := cfg.openReplicas(ctx)
	if err != nil {
		return err
	}
	logger := slog.Default() // openMigratedStores set it from --log-format and --log-level
	gc, err := blobgc.New(blobgc.Config{Store: store, Blobs: blobs, Replicas: replicas, Grace: keep, DryRun: *dryRun,
		Logger: logger})
	if err != nil {
		return err
	}
	results, err := gc.RunOnce(ctx)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(results); jerr != nil {
			return errors.Join(err, jerr)
		}
		return err
	}
	printCollection(stdout, results, *dryRun)
	return err
}

func printCollection(w io.Writer, results []blobgc.Result, dryRun bool) {
	verb := "deleted"
	if dryRun {
		verb = "would delete"
	}
	for _, r := range results {
		for _, o := range r.Deleted {
			fmt.Fprintf(w, "%s %s: %s (%d bytes, stored %s)\n", verb, r.Store, o.Key, o.Size, o.Modified.Format(time.RFC3339))
		}
		fmt.Fprintf(w, "%s: %s %d blobs (%d bytes); kept %d referenced, %d within the grace period, %d locked; %d failed\n",
			r.Store, verb, len(r.Deleted), r.Bytes, r.Referenced, r.Fresh, r.Locked, r.Failed)
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

var (
	settingTSA            = setting{"--tsa", "VANTHU_TSA_URL"}
	settingFixityInterval = setting{"serve", "VANTHU_FIXITY_INTERVAL"}
	settingRenewWithin    = setting{"--within", "VANTHU_RENEW_WITHIN"}
)

// runArchiveRenew is `vanthu archive renew [--dry-run] [--within 6m] [--tsa URL]`: the
// archived PDFs whose signatures' evidence ends within the window get revocation data and
// a new document timestamp (PAdES B-LTA) in a new version of their package; the old
// version stays as it was. --dry-run lists what is due.
func runArchiveRenew(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("archive renew", flag.ContinueOnError)
	cfg := bindConfig(fs)
	dryRun := fs.Bool("dry-run", false, "list what is due, change nothing")
	within := fs.String("within", envOr(settingRenewWithin.env, "6m"), "renew evidence ending within this period (6m = six months, 1y, 90d)")
	tsa := fs.String("tsa", envOr(settingTSA.env, ""), "RFC 3161 timestamp authority URL")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	window, err := archive.ParsePeriod(*within)
	if err != nil {
		return usageError{fmt.Errorf("--within: %w", err)}
	}
	if *tsa == "" && !*dryRun {
		return usageError{errors.New("a renewal needs a timestamp authority: --tsa or VANTHU_TSA_URL")}
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
	opts, err := renewOptions(cfg, *tsa, window)
	if err != nil {
		return err
	}
	opts.DryRun = *dryRun
	renewer, err := archive.NewRenewer(archive.RenewerConfig{Engine: engine.New(store), Store: store, Blobs: blobs,
		Replicas: replicas, Options: opts, Trust: engine.NewTrustPool(store, opts.Extend.Certificates), Batch: 1 << 30})
	if err != nil {
		return err
	}
	renewals, err := renewer.RunOnce(ctx)
	printRenewals(stdout, renewals, *dryRun)
	return err
}

func printRenewals(w io.Writer, renewals []*archive.Renewal, dryRun bool) {
	files := 0
	for _, r := range renewals {
		for _, f := range r.Files {
			files++
			switch {
			case dryRun:
				fmt.Fprintf(w, "DUE %s: %s (evidence until %s)\n", r.Record, f.Key, f.EvidenceUntil.Format(time.DateOnly))
			case f.Skipped != "":
				fmt.Fprintf(w, "NOT RENEWED %s: %s: %s\n", r.Record, f.Key, f.Skipped)
			default:
				fmt.Fprintf(w, "renewed %s: %s → %s (evidence until %s, was %s)\n", r.Record, f.Key, f.NewKey,
					f.RenewedUntil.Format(time.DateOnly), f.EvidenceUntil.Format(time.DateOnly))
			}
		}
		if r.Manifest != "" {
			fmt.Fprintf(w, "%s: version %d → %s\n", r.Record, r.Version, r.Manifest)
		}
	}
	verb := "renewed"
	if dryRun {
		verb = "due"
	}
	fmt.Fprintf(w, "renewal: %d PDFs in %d packages %s\n", files, len(renewals), verb)
}

// renewOptions assembles what a renewal needs: the TSA, online revocation data and the
// trust anchors the renewed PDFs must validate against.
func renewOptions(cfg *config, tsa string, within time.Duration) (archive.RenewOptions, error) {
	roots, anchors, err := signer.LoadTrust(cfg.trustStore()...)
	if err != nil {
		return archive.RenewOptions{}, settingError{setting{"--data", "VANTHU_TRUST_DIR"}, err}
	}
	opts := archive.RenewOptions{Within: within, Verify: verify.Options{Roots: roots},
		Extend: pades.ExtendOptions{Revocation: pki.NewRevocation(&http.Client{Timeout: 15 * time.Second}, anchors),
			Certificates: anchors}}
	if tsa != "" {
		if !strings.HasPrefix(tsa, "http://") && !strings.HasPrefix(tsa, "https://") {
			return archive.RenewOptions{}, settingError{settingTSA, fmt.Errorf("%q is not an http(s) URL", tsa)}
		}
		opts.Extend.Timestamper = &pki.TSAClient{URL: tsa}
	}
	return opts, nil
}

// runFixityReport is `vanthu archive fixity --report`: prints the report the scheduled
// check keeps in the database, of every node (--json as JSON); non-zero when damage is
// left unrepaired.
func runFixityReport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("archive fixity --report", flag.ContinueOnError)
	cfg := bindConfig(fs)
	fs.Bool("report", true, "print the scheduled fixity report")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := store.FixityReportGet(ctx)
	if err != nil {
		return fmt.Errorf("fixity report: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = writeFixityReport(stdout, rep)
	}
	if err != nil {
		return err
	}
	for _, f := range rep.Findings {
		if f.RepairedAt == nil {
			return silentFailure{}
		}
	}
	return nil
}

// writeFixityReport prints the report for a person: the last run, then every finding.
func writeFixityReport(w io.Writer, r engine.FixityReport) error {
	if len(r.Runs) == 0 {
		_, err := fmt.Fprintln(w, "fixity: no run yet")
		return err
	}
	last := r.Runs[len(r.Runs)-1]
	fmt.Fprintf(w, "fixity report, updated %s\n", r.UpdatedAt.Format(time.RFC3339))
	fmt.Fprintf(w, "last run on %s at %s: %d packages, %d objects, %d damaged, %d repaired\n",
		last.Node, last.Finished.Format(time.RFC3339), last.Packages, last.Objects, last.Damaged, last.Repaired)
	if len(r.Findings) == 0 {
		_, err := fmt.Fprintln(w, "no damage found")
		return err
	}
	for _, f := range r.Findings {
		state := "NOT REPAIRED"
		if f.RepairedAt != nil {
			state = "repaired " + f.RepairedAt.Format(time.RFC3339)
		} else if f.RepairError != "" {
			state = "NOT REPAIRED: " + f.RepairError
		}
		if _, err := fmt.Fprintf(w, "%s  %s  %s  %s (%s)\n", f.DetectedAt.Format(time.RFC3339), f.Record, f.Key, state, f.Error); err != nil {
			return err
		}
	}
	return nil
}

// registerArchive adds the archive's periodic work to workers: the fixity check on every
// serve, a slice per tick and a full pass per VANTHU_FIXITY_INTERVAL, and the B-LTA
// renewal, daily, when a timestamp authority is configured (VANTHU_TSA_URL). It returns
// the periodic jobs and the fixity metrics for /metrics.
func registerArchive(d backgroundDeps, workers *river.Workers) ([]*river.PeriodicJob, []prometheus.Collector, error) {
	interval := archive.DefaultFixityInterval
	if v := os.Getenv(settingFixityInterval.env); v != "" {
		p, err := archive.ParsePeriod(v)
		if err != nil {
			return nil, nil, settingError{settingFixityInterval, err}
		}
		interval = p
	}
	var replica blob.Store
	if len(d.replicas) > 0 {
		replica = d.replicas[0]
	}
	fixity, err := archive.NewFixity(archive.FixityConfig{Store: d.store, Blobs: d.blobs, Replica: replica, Interval: interval,
		Logger: d.logger})
	if err != nil {
		return nil, nil, fmt.Errorf("fixity check: %w", err)
	}
	periodic := []*river.PeriodicJob{fixity.Register(workers)}
	d.logger.Info("fixity check scheduled", "interval", interval.String(), "replica", replica != nil)
	tsa := os.Getenv(settingTSA.env)
	if tsa == "" {
		d.logger.Info("archive renewal off: set VANTHU_TSA_URL to keep archived signatures verifiable")
		return periodic, fixity.Collectors(), nil
	}
	within := archive.DefaultRenewWithin
	if v := os.Getenv(settingRenewWithin.env); v != "" {
		if within, err = archive.ParsePeriod(v); err != nil {
			return nil, nil, settingError{settingRenewWithin, err}
		}
	}
	opts, err := renewOptions(d.cfg, tsa, within)
	if err != nil {
		return nil, nil, err
	}
	renewer, err := archive.NewRenewer(archive.RenewerConfig{Engine: d.eng, Store: d.store, Blobs: d.blobs, Replicas: d.replicas,
		Options: opts, Trust: engine.NewTrustPool(d.store, opts.Extend.Certificates), Logger: d.logger})
	if err != nil {
		return nil, nil, err
	}
	return append(periodic, renewer.Register(workers)), fixity.Collectors(), nil
}

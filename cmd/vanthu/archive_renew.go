package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/archive"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlstore"
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
		Replicas: replicas, Options: opts, Lease: archiveLease(cfg), Batch: 1 << 30})
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

// archiveLease keeps the archive passes of a cluster's nodes apart: an advisory lock in
// the shared PostgreSQL, or a lock file in the data directory of a single machine.
func archiveLease(cfg *config) archive.Lease {
	u := cfg.databaseURL()
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		return archive.PostgresLease{URL: u}
	}
	return &archive.FileLease{Dir: cfg.Data}
}

// fixityReportPath is where the scheduled fixity check keeps its report.
func fixityReportPath(cfg *config) string {
	return envOr("VANTHU_FIXITY_REPORT", filepath.Join(cfg.Data, "fixity-report.json"))
}

// runFixityReport is `vanthu archive fixity --report`: prints the report the scheduled
// check keeps (--json for the file as it is); non-zero when damage is left unrepaired.
func runFixityReport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("archive fixity --report", flag.ContinueOnError)
	cfg := bindConfig(fs)
	fs.Bool("report", true, "print the scheduled fixity report")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	path := fixityReportPath(cfg)
	if *asJSON {
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			data, err = []byte("{}\n"), nil
		}
		if err != nil {
			return err
		}
		_, err = stdout.Write(data)
		return err
	}
	rep, err := archive.LoadFixityReport(path)
	if err != nil {
		return err
	}
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	for _, f := range rep.Findings {
		if f.RepairedAt == nil {
			return silentFailure{}
		}
	}
	return ctx.Err()
}

// startArchiveServices starts the scheduled fixity check on every serve, and the B-LTA
// renewal when a timestamp authority is configured (VANTHU_TSA_URL). The lease lets one
// node of a cluster run each pass. The returned function stops them.
func startArchiveServices(ctx context.Context, cfg *config, eng *engine.Engine, store *sqlstore.Store, blobs blob.Store,
	replicas []blob.Store, logger *slog.Logger) (stop func(), metrics []prometheus.Collector, err error) {
	interval := archive.DefaultFixityInterval
	if v := os.Getenv(settingFixityInterval.env); v != "" {
		d, err := archive.ParsePeriod(v)
		if err != nil {
			return nil, nil, settingError{settingFixityInterval, err}
		}
		interval = d
	}
	var replica blob.Store
	if len(replicas) > 0 {
		replica = replicas[0]
	}
	lease := archiveLease(cfg)
	fixity, err := archive.NewFixity(archive.FixityConfig{Store: store, Blobs: blobs, Replica: replica, Interval: interval,
		Lease: lease, ReportPath: fixityReportPath(cfg), Logger: logger})
	if err != nil {
		return nil, nil, fmt.Errorf("fixity check: %w", err)
	}
	fixity.Start(ctx)
	stops := []func(){fixity.Stop}
	if tsa := os.Getenv(settingTSA.env); tsa != "" {
		within := archive.DefaultRenewWithin
		if v := os.Getenv(settingRenewWithin.env); v != "" {
			if within, err = archive.ParsePeriod(v); err != nil {
				fixity.Stop()
				return nil, nil, settingError{settingRenewWithin, err}
			}
		}
		opts, err := renewOptions(cfg, tsa, within)
		if err == nil {
			var renewer *archive.Renewer
			renewer, err = archive.NewRenewer(archive.RenewerConfig{Engine: eng, Store: store, Blobs: blobs, Replicas: replicas,
				Options: opts, Lease: lease, Logger: logger})
			if err == nil {
				renewer.Start(ctx)
				stops = append(stops, renewer.Stop)
			}
		}
		if err != nil {
			fixity.Stop()
			return nil, nil, err
		}
	} else {
		logger.Info("archive renewal off: set VANTHU_TSA_URL to keep archived signatures verifiable")
	}
	logger.Info("fixity check scheduled", "interval", interval.String(), "replica", replica != nil)
	return func() {
		for _, stop := range stops {
			stop()
		}
	}, fixity.Collectors(), nil
}

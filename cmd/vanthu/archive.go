package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/term"

	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/storage/bagit"
)

const archiveUsage = `usage:
  vanthu archive export --out DIR --fonds CODE [--record CODE] [--year YYYY]
  vanthu archive import --user NAME [--into CODE] DIR
  vanthu archive fixity [--repair | --report [--json]]
  vanthu archive renew  [--dry-run] [--within 6m] [--tsa URL]`

// runArchive is `vanthu archive export --out DIR --fonds CODE [--record CODE] [--year YYYY]`:
// the record — or, without --record, every record of the fonds and year — becomes a BagIt
// bag (signed originals, metadata as JSON and XML, audit trail), validated after writing.
func runArchive(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "fixity" {
		if slices.Contains(args[1:], "--report") {
			return runFixityReport(ctx, args[1:], stdout)
		}
		return runFixity(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "renew" {
		return runArchiveRenew(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "import" {
		return runArchiveImport(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "export" {
		return usageError{errors.New(archiveUsage)}
	}
	fs := flag.NewFlagSet("archive export", flag.ContinueOnError)
	cfg := bindConfig(fs)
	out := fs.String("out", "", "directory for the bag (required)")
	agencyCode := fs.String("fonds", "", "the fonds (phông): the agency's code (mã định danh)")
	fs.StringVar(agencyCode, "agency", "", "the same as --fonds")
	recordCode := fs.String("record", "", "the record's code, e.g. 01.VX; every record of the year when empty")
	year := fs.Int("year", time.Now().Year(), "the records' year")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *out == "" || *agencyCode == "" {
		return usageError{errors.New("--out and --fonds are required")}
	}
	store, blobs, err := cfg.openMigratedStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	agency, err := store.AgencyGetByCode(ctx, *agencyCode)
	if err != nil {
		return fmt.Errorf("agency %s: %w", *agencyCode, err)
	}
	records, err := store.RecordListByAgency(ctx, agency.ID, *year)
	if err != nil {
		return err
	}
	exported := 0
	for _, rec := range records {
		if *recordCode != "" && rec.Code != *recordCode {
			continue
		}
		if err := os.MkdirAll(*out, 0o750); err != nil {
			return err
		}
		dir := filepath.Join(*out, fmt.Sprintf("%s.%d.%s", agency.Code, rec.Year, rec.Code))
		meta, err := archive.Export(ctx, store, blobs, rec.ID, dir, progressBar("Xuất hồ sơ "+rec.Code))
		if err != nil {
			return err
		}
		bag, err := bagit.Open(dir)
		if err != nil {
			return err
		}
		report, err := bag.Validate(ctx, bagit.ValidateOptions{})
		if err != nil {
			return err
		}
		if !report.Valid() {
			return fmt.Errorf("the bag written is not valid: %s", report)
		}
		fmt.Fprintf(stdout, "exported %s (%d documents, %d files, %d bytes) → %s\n", meta.Identifier, meta.DocTotal,
			report.PayloadFiles, report.PayloadOctets, dir)
		exported++
	}
	if exported == 0 && *recordCode != "" {
		return fmt.Errorf("no record %s of %d in %s", *recordCode, *year, agency.Name)
	}
	if exported == 0 {
		return fmt.Errorf("no records of %d in %s", *year, agency.Name)
	}
	return nil
}

// progressBar draws progress on a terminal's stderr, and nothing when stderr is a file.
func progressBar(label string) func(done, total int64) {
	if !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil
	}
	return func(done, total int64) {
		if total <= 0 {
			return
		}
		const width = 30
		n := int(done * width / total)
		fmt.Fprintf(os.Stderr, "\r%s [%s%s] %3d%%", label, repeat('#', n), repeat('.', width-n), done*100/total)
		if done >= total {
			fmt.Fprintln(os.Stderr)
		}
	}
}

func repeat(c byte, n int) string {
	if n < 0 {
		n = 0
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

// runFixity is `vanthu archive fixity`: every archived object is read again and checked
// against its package's manifest; any damage is listed and the exit code is non-zero.
// It also keeps permanent records' locks ahead (S3 object lock has no "forever").
func runFixity(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("archive fixity", flag.ContinueOnError)
	cfg := bindConfig(fs)
	repair := fs.Bool("repair", false, "restore damaged objects from the replica (--replica-blob-url)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	replicas, err := cfg.openReplicas(ctx)
	if err != nil {
		return err
	}
	if *repair && len(replicas) == 0 {
		return usageError{errors.New("--repair needs a replica: --replica-blob-url or VANTHU_REPLICA_BLOB_URL")}
	}
	store, blobs, err := cfg.openMigratedStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	agencies, err := store.AgencyList(ctx)
	if err != nil {
		return err
	}
	checked, damaged, repaired := 0, 0, 0
	for _, a := range agencies {
		records, err := store.RecordListByAgency(ctx, a.ID, 0)
		if err != nil {
			return err
		}
		for _, r := range records {
			if r.PackageKey == "" {
				continue
			}
			pkg, err := archive.Load(ctx, blobs, r.PackageKey)
			if err != nil {
				fmt.Fprintf(stdout, "DAMAGED %s.%d.%s: manifest: %v\n", a.Code, r.Year, r.Code, err)
				damaged++
				continue
			}
			checked += len(pkg.Objects)
			// Permanent records stay locked: locks ending within five years move ahead.
			if n, err := archive.ExtendLocks(ctx, blobs, pkg, 5*365*24*time.Hour); err != nil {
				fmt.Fprintf(stdout, "LOCK NOT EXTENDED %s: %v\n", pkg.Record, err)
			} else if n > 0 {
				fmt.Fprintf(stdout, "lock extended %s: %d objects\n", pkg.Record, n)
			}
			bad := archive.Check(ctx, blobs, pkg)
			for _, key := range bad {
				fmt.Fprintf(stdout, "DAMAGED %s: %s\n", pkg.Record, key)
			}
			if *repair && len(bad) > 0 {
				fixed, err := archive.Repair(ctx, blobs, replicas[0], pkg)
				for _, key := range fixed {
					fmt.Fprintf(stdout, "REPAIRED %s: %s from the replica\n", pkg.Record, key)
				}
				repaired += len(fixed)
				if err != nil {
					fmt.Fprintf(stdout, "NOT REPAIRED %s: %v\n", pkg.Record, err)
				}
			}
			damaged += len(bad)
		}
	}
	fmt.Fprintf(stdout, "fixity: %d archived objects checked, %d damaged, %d repaired\n", checked, damaged, repaired)
	if damaged > repaired {
		return silentFailure{}
	}
	return nil
}

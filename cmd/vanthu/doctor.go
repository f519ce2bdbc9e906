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
	"github.com/vanthu/vanthu/service/doctor"
	"github.com/vanthu/vanthu/storage/blob"
)

func init() {
	commands["doctor"] = command{"check blobs, registers, waiting documents and audit chains", runDoctor}
}

// runDoctor is `vanthu doctor [--json] [--repair]`: one line per problem, exit 1 when one
// is left. Without --repair it changes nothing.
func runDoctor(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	cfg := bindConfig(fs)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	repair := fs.Bool("repair", false, "delete orphans past the grace period, restore damaged blobs from the replica")
	grace := fs.String("grace", envOr(settingBlobGCGrace.env, blobgc.DefaultGrace.String()),
		"an unreferenced blob stored more recently is not an orphan yet")
	stuck := fs.String("stuck-after", doctor.DefaultStuckAfter.String(),
		"a document waiting longer between two steps is reported")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{errors.New("usage: vanthu doctor [--json] [--repair] [--grace 24h] [--stuck-after 24h]")}
	}
	keep, err := time.ParseDuration(*grace)
	if err != nil || keep < 0 {
		return usageError{fmt.Errorf("--grace %q must be a duration like 24h or 0s", *grace)}
	}
	after, err := time.ParseDuration(*stuck)
	if err != nil || after <= 0 {
		return usageError{fmt.Errorf("--stuck-after %q must be a positive duration like 24h", *stuck)}
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
	var replica blob.Store
	if len(replicas) > 0 {
		replica = replicas[0]
	}
	doc, err := doctor.New(doctor.Config{Store: store, Blobs: blobs, Replica: replica, Grace: keep, StuckAfter: after,
		Repair: *repair, Logger: logger})
	if err != nil {
		return err
	}
	rep, err := doc.Run(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintln(stdout, p)
		}
		c := rep.Checked
		fmt.Fprintf(stdout, "checked %d blobs, %d archived objects, %d stored blobs, %d registers, %d audit chains (%d events): %s\n",
			c.Blobs, c.ArchivedObjects, c.StoredBlobs, c.Registers, c.AuditChains, c.AuditEvents, rep.Summary())
	}
	if !rep.OK {
		return silentFailure{}
	}
	return nil
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vanthu/vanthu/service/jobs"
)

func init() {
	commands["jobs"] = command{"list, retry or cancel background jobs (jobs list|retry|cancel)", runJobs}
}

const jobsUsage = `usage: vanthu jobs list [--state STATE[,STATE…]] [--kind KIND[,KIND…]] [--limit N] [--json]
       vanthu jobs retry ID
       vanthu jobs cancel ID
states: available, scheduled, running, retryable, completed, cancelled, discarded, pending`

// runJobs is `vanthu jobs`: what the background work did, is doing and will do, on any
// node, and a hand for the operator to retry a failed job or cancel one.
func runJobs(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(jobsUsage)}
	}
	sub := args[0]
	fs := flag.NewFlagSet("jobs "+sub, flag.ContinueOnError)
	cfg := bindConfig(fs)
	states := fs.String("state", "", "only jobs in these states, comma-separated (default: all)")
	kinds := fs.String("kind", "", "only jobs of these kinds, comma-separated")
	limit := fs.Int("limit", 50, "at most this many jobs, newest first")
	asJSON := fs.Bool("json", false, "print JSON")
	rest := args[1:]
	var id int64
	if (sub == "retry" || sub == "cancel") && helpAsked(rest) {
		return parseFlags(fs, []string{"-h"})
	}
	if sub == "retry" || sub == "cancel" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return usageError{fmt.Errorf("jobs %s needs a job ID\n%s", sub, jobsUsage)}
		}
		n, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil || n <= 0 {
			return usageError{fmt.Errorf("job ID %q is not a positive number", rest[0])}
		}
		id, rest = n, rest[1:]
	} else if sub != "list" {
		return usageError{fmt.Errorf("unknown jobs command %q\n%s", sub, jobsUsage)}
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	params, err := listParams(*states, *kinds, *limit)
	if err != nil {
		return usageError{err}
	}
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	q, err := jobs.New(store, jobs.Config{})
	if err != nil {
		return err
	}
	var out []*rivertype.JobRow
	switch sub {
	case "list":
		res, err := q.JobList(ctx, params)
		if err != nil {
			return fmt.Errorf("list jobs: %w", err)
		}
		out = res.Jobs
	case "retry":
		j, err := q.JobRetry(ctx, id)
		if err != nil {
			return jobError("retry", id, err)
		}
		out = append(out, j)
	case "cancel":
		j, err := q.JobCancel(ctx, id)
		if err != nil {
			return jobError("cancel", id, err)
		}
		out = append(out, j)
	}
	return printJobs(stdout, out, *asJSON)
}

func jobError(op string, id int64, err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return fmt.Errorf("%s job %d: no such job", op, id)
	}
	return fmt.Errorf("%s job %d: %w", op, id, err)
}

var jobStates = map[string]rivertype.JobState{}

func init() {
	for _, s := range rivertype.JobStates() {
		jobStates[string(s)] = s
	}
}

func listParams(states, kinds string, limit int) (*river.JobListParams, error) {
	if limit <= 0 || limit > 10000 {
		return nil, fmt.Errorf("--limit %d: give 1 to 10000", limit)
	}
	p := river.NewJobListParams().First(limit).OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	var ss []rivertype.JobState
	for _, s := range splitList(states) {
		st, ok := jobStates[s]
		if !ok {
			return nil, fmt.Errorf("--state %q: not a job state", s)
		}
		ss = append(ss, st)
	}
	if len(ss) == 0 {
		ss = rivertype.JobStates()
	}
	p = p.States(ss...)
	if ks := splitList(kinds); len(ks) > 0 {
		p = p.Kinds(ks...)
	}
	return p, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// jobJSON is one job as `jobs list --json` prints it.
type jobJSON struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	State       string          `json:"state"`
	Attempt     int             `json:"attempt"`
	MaxAttempts int             `json:"max_attempts"`
	CreatedAt   time.Time       `json:"created_at"`
	ScheduledAt time.Time       `json:"scheduled_at"`
	FinalizedAt *time.Time      `json:"finalized_at,omitempty"`
	Args        json.RawMessage `json:"args"`
	LastError   string          `json:"last_error,omitempty"`
}

func printJobs(w io.Writer, rows []*rivertype.JobRow, asJSON bool) error {
	out := make([]jobJSON, 0, len(rows))
	for _, j := range rows {
		jj := jobJSON{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
			CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt, FinalizedAt: j.FinalizedAt, Args: j.EncodedArgs}
		if n := len(j.Errors); n > 0 {
			jj.LastError = j.Errors[n-1].Error
		}
		out = append(out, jj)
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATE\tATTEMPT\tSCHEDULED\tLAST ERROR")
	for _, j := range out {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, j.Kind, j.State, j.Attempt, j.MaxAttempts,
			j.ScheduledAt.In(vietnamTime).Format(time.RFC3339), oneLine(j.LastError))
	}
	return tw.Flush()
}

package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/vanthu/vanthu/service/doctor"
)

// checkAcknowledged reads every acknowledged document back through the API: there, in
// the state and with the number acknowledged, with every acknowledged file, and every
// file's bytes hashing to what the listing says.
func checkAcknowledged(ctx context.Context, t *testing.T, clients map[string]*client, acks []ack, f *figures) {
	report := func(counter *int, format string, args ...any) {
		*counter++
		if *counter <= 10 {
			t.Logf(format, args...)
		}
	}
	for _, a := range acks {
		c := clients[a.Owner]
		got, err := c.call(ctx, request{method: "GET", path: "/api/v1/documents/" + a.ID})
		var d document
		if err != nil || got.status != http.StatusOK || got.decode(&d) != nil {
			report(&f.lost, "lost: %s document %s (acknowledged %s): %d %s %v", a.Flow, a.ID, a.State, got.status, snippet(got.body), err)
			continue
		}
		number := d.Number
		if a.Flow == "incoming" {
			number = d.IncomingNumber
		}
		if a.Number != 0 && number != a.Number {
			report(&f.lost, "lost: %s document %s acknowledged number %d, holds %d", a.Flow, a.ID, a.Number, number)
		}
		if a.State == "agency_signed" && d.State != a.State {
			report(&f.lost, "lost: document %s acknowledged agency_signed, is %s", a.ID, d.State)
		}
		listed, err := c.call(ctx, request{method: "GET", path: "/api/v1/documents/" + a.ID + "/files"})
		var files []fileEntry
		if err != nil || listed.status != http.StatusOK || listed.decode(&files) != nil {
			report(&f.missingFiles, "files of %s: %d %s %v", a.ID, listed.status, snippet(listed.body), err)
			continue
		}
		for _, sha := range a.SHAs {
			if !slices.ContainsFunc(files, func(x fileEntry) bool { return x.SHA256 == sha }) {
				report(&f.missingFiles, "missing file: %s document %s (%s) acknowledged with %s, has %d files", a.Flow, a.ID, d.State, sha, len(files))
			}
		}
		for _, file := range files {
			body, err := c.call(ctx, request{method: "GET", path: fmt.Sprintf("/api/v1/documents/%s/files/%d", a.ID, file.Seq)})
			if err != nil || body.status != http.StatusOK || digest(body.body) != file.SHA256 {
				report(&f.missingFiles, "file %d of %s: %d, %d bytes, %v", file.Seq, a.ID, body.status, len(body.body), err)
			}
		}
	}
}

// fileEntry is a file as the API lists it.
type fileEntry struct {
	Seq    int    `json:"seq"`
	Kind   string `json:"kind"`
	SHA256 string `json:"sha256"`
}

// checkStores collects the orphans with grace 0, then has `vanthu doctor` check the
// database against itself and the bucket, and `vanthu audit verify` the chains.
func checkStores(ctx context.Context, t *testing.T, c *cluster, env []string, f *figures) {
	if out, err := c.vanthu(ctx, env, "blobs", "gc", "--grace", "0s"); err != nil {
		t.Errorf("blobs gc: %v\n%s", err, out)
	}
	out, err := c.vanthu(ctx, env, "doctor", "--json", "--grace", "0s", "--stuck-after", "1s")
	var rep doctor.Report
	if jerr := json.Unmarshal([]byte(out), &rep); jerr != nil {
		t.Errorf("doctor: %v %v\n%s", err, jerr, out)
		return
	}
	for _, p := range rep.Problems {
		counter := map[string]*int{doctor.KindMissing: &f.missingFiles, doctor.KindCorrupt: &f.corrupt, doctor.KindUnreadable: &f.corrupt,
			doctor.KindOrphan: &f.orphans, doctor.KindGap: &f.gaps, doctor.KindDuplicate: &f.duplicates,
			doctor.KindBeyondCounter: &f.duplicates, doctor.KindNumberedNotSealed: &f.stuck, doctor.KindDraftWithoutFile: &f.stuck,
			doctor.KindBrokenChain: &f.auditBroken}[p.Kind]
		if counter == nil {
			continue // sealed and not dispatched: where the pipelines stop
		}
		*counter++
		if *counter <= 10 {
			t.Logf("doctor: %s", p)
		}
	}
	if out, err := c.vanthu(ctx, env, "audit", "verify"); err != nil {
		f.auditBroken++
		t.Logf("audit verify: %v\n%s", err, out)
	}
}

// reminderEvery is the reminders' interval on the cluster: short, so that the load sees
// a run every few seconds, and cheap, as the load sets no deadlines.
const reminderEvery = 15 * time.Second

// checkPeriodic reads the reminders' runs from the job queue: two runs closer than half
// an interval are one run too many (every node inserted its own); a pause longer than
// four intervals (a leader killed, PostgreSQL down) is counted apart.
func checkPeriodic(ctx context.Context, t *testing.T, c *cluster, f *figures) {
	out, err := c.vanthu(ctx, c.env(), "jobs", "list", "--kind", "reminders", "--limit", "10000", "--json")
	var jobs []struct {
		ScheduledAt time.Time `json:"scheduled_at"`
	}
	if err != nil || json.Unmarshal([]byte(out), &jobs) != nil {
		t.Errorf("jobs list: %v\n%s", err, out)
		return
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].ScheduledAt.Before(jobs[j].ScheduledAt) })
	f.periodicRuns = len(jobs)
	for i := 1; i < len(jobs); i++ {
		switch gap := jobs[i].ScheduledAt.Sub(jobs[i-1].ScheduledAt); {
		case gap < reminderEvery/2:
			f.periodicDupes++
			t.Logf("reminders ran twice: %s and %s", jobs[i-1].ScheduledAt, jobs[i].ScheduledAt)
		case gap > 4*reminderEvery:
			f.periodicPauses++
			t.Logf("reminders paused %s after %s", gap.Round(time.Second), jobs[i-1].ScheduledAt)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/storage/dbtest"
)

type stuckArgs struct {
	Note string `json:"note"`
}

func (stuckArgs) Kind() string { return "test_stuck" }

func TestJobsCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	cfg := &config{Data: data, LogFormat: "text", LogLevel: "warn"}
	dbtest.MigratedSQLiteAt(t, filepath.Join(data, "vanthu.db"))
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(store, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Insert(ctx, stuckArgs{Note: "gửi lại"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	id := strconv.FormatInt(res.Job.ID, 10)
	vanthu := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, append(args, "--data", data, "--log-format", "text", "--log-level", "warn"), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	list := func(state string) []jobJSON {
		t.Helper()
		code, out, stderr := vanthu("jobs", "list", "--json", "--state", state)
		if code != 0 {
			t.Fatalf("jobs list: exit %d: %s", code, stderr)
		}
		var js []jobJSON
		if err := json.Unmarshal([]byte(out), &js); err != nil {
			t.Fatalf("jobs list printed %q: %v", out, err)
		}
		return js
	}
	if js := list("available"); len(js) != 1 || js[0].Kind != "test_stuck" || !strings.Contains(string(js[0].Args), "gửi lại") {
		t.Fatalf("available jobs %+v, want the inserted one with its arguments", js)
	}
	if code, out, stderr := vanthu("jobs", "cancel", id); code != 0 || !strings.Contains(out, "cancelled") {
		t.Fatalf("jobs cancel: exit %d, %q %q", code, out, stderr)
	}
	if js := list("cancelled"); len(js) != 1 {
		t.Fatalf("cancelled jobs %+v, want the cancelled one", js)
	}
	if code, out, stderr := vanthu("jobs", "retry", id); code != 0 || !strings.Contains(out, "available") {
		t.Fatalf("jobs retry: exit %d, %q %q", code, out, stderr)
	}
	if js := list("available,cancelled"); len(js) != 1 || js[0].State != "available" {
		t.Fatalf("after retry %+v, want it available again", js)
	}
	if code, _, stderr := vanthu("jobs", "cancel", "987654"); code != 1 || !strings.Contains(stderr, "no such job") {
		t.Fatalf("cancel of an unknown job: exit %d, %q", code, stderr)
	}
	for _, bad := range [][]string{{"jobs", "retry", "abc"}, {"jobs", "list", "--state", "sleeping"}, {"jobs", "frobnicate"}, {"jobs"}} {
		if code, _, stderr := vanthu(bad...); code != 2 || stderr == "" {
			t.Fatalf("%v: exit %d, %q; want a usage error", bad, code, stderr)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// serve runs the periodic work as jobs: the operator sees each kind's runs, completed,
// with `vanthu jobs list`, the reminders every second as configured.
func TestServeRunsThePeriodicWorkAsJobs(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	s := startServer(t, []string{"VANTHU_REMINDER_INTERVAL=1s", "VANTHU_INDEX_INTERVAL=1s", "VANTHU_BLOB_GC_GRACE=1h"},
		"--data", data)
	// list lists the jobs of a kind in the given states and fails the test on a failed one.
	list := func(kind, states string) []jobJSON {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"jobs", "list", "--json", "--state", states + ",discarded", "--kind", kind,
			"--data", data, "--log-format", "text", "--log-level", "warn"}, &out, &errOut)
		if code != 0 {
			t.Fatalf("jobs list: exit %d: %s", code, errOut.String())
		}
		var js []jobJSON
		if err := json.Unmarshal(out.Bytes(), &js); err != nil {
			t.Fatalf("jobs list printed %q: %v", out.String(), err)
		}
		for _, j := range js {
			if j.State == "discarded" {
				t.Fatalf("a %s job failed: %+v", kind, j)
			}
		}
		return js
	}
	completed := func(kind string) []jobJSON { return list(kind, "completed") }
	deadline := time.Now().Add(30 * time.Second)
	for len(completed("reminders")) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than three reminder runs in 30 s at an interval of 1 s: %+v", completed("reminders"))
		}
		time.Sleep(500 * time.Millisecond)
	}
	// The others are inserted when the leader is elected, then at their own intervals;
	// indexing the demo's PDFs may still be running.
	for _, kind := range []string{"search_index", "archive_fixity", "blob_gc"} {
		if js := list(kind, "available,running,completed"); len(js) == 0 {
			t.Errorf("no %s job", kind)
		}
	}
	s.stop(t)
}

func TestDurationSettings(t *testing.T) {
	t.Setenv(settingReminderInterval.env, "")
	if d, err := durationSetting(settingReminderInterval, 10*time.Minute, time.Second); err != nil || d != 10*time.Minute {
		t.Fatalf("unset: %v, %v; want the default", d, err)
	}
	for v, want := range map[string]time.Duration{"90s": 90 * time.Second, "1h30m": 90 * time.Minute} {
		t.Setenv(settingReminderInterval.env, v)
		if d, err := durationSetting(settingReminderInterval, time.Minute, time.Second); err != nil || d != want {
			t.Errorf("%q: %v, %v; want %v", v, d, err, want)
		}
	}
	for _, v := range []string{"often", "500ms", "-1m", "7d"} {
		t.Setenv(settingReminderInterval.env, v)
		_, err := durationSetting(settingReminderInterval, time.Minute, time.Second)
		if err == nil || !strings.Contains(err.Error(), "VANTHU_REMINDER_INTERVAL") {
			t.Errorf("%q: %v; want an error naming VANTHU_REMINDER_INTERVAL", v, err)
		}
	}
}

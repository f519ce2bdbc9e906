package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/service/blobgc"
	"github.com/vanthu/vanthu/storage/blob"
)

func TestBlobsGCCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	vanthu := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, append(args, "--data", data, "--log-format", "text", "--log-level", "warn"), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, _, stderr := vanthu("migrate"); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	fs, err := blob.NewFS(filepath.Join(data, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := fs.Put(ctx, strings.NewReader("tệp tải lên bỏ dở"), blob.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("DryRunListsTheOrphanAndKeepsIt", func(t *testing.T) {
		code, out, stderr := vanthu("blobs", "gc", "--grace", "0s", "--dry-run", "--json")
		var results []blobgc.Result
		if code != 0 || json.Unmarshal([]byte(out), &results) != nil {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
		if len(results) != 1 || len(results[0].Deleted) != 1 || results[0].Deleted[0].Key != orphan.Key {
			t.Fatalf("dry run: %+v, want the orphan", results)
		}
		if _, err := fs.Stat(ctx, orphan.Key); err != nil {
			t.Fatalf("a dry run deleted the orphan: %v", err)
		}
	})
	t.Run("WithinTheGracePeriodTheOrphanStays", func(t *testing.T) {
		code, out, stderr := vanthu("blobs", "gc")
		if code != 0 || !strings.Contains(out, "deleted 0 blobs") || !strings.Contains(out, "1 within the grace period") {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
	})
	t.Run("DeletesTheOrphan", func(t *testing.T) {
		code, out, stderr := vanthu("blobs", "gc", "--grace", "0s")
		if code != 0 || !strings.Contains(out, "deleted primary: "+orphan.Key) {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
		if _, err := fs.Stat(ctx, orphan.Key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("the orphan is still there: %v", err)
		}
	})
	t.Run("RefusesWhatItCannotRead", func(t *testing.T) {
		for _, args := range [][]string{{"blobs"}, {"blobs", "sweep"}, {"blobs", "gc", "--grace", "a day"}, {"blobs", "gc", "--grace", "-1h"}} {
			if code, _, stderr := vanthu(args...); code != 2 || stderr == "" {
				t.Errorf("%v: exit %d, %q; want a usage error", args, code, stderr)
			}
		}
	})
}

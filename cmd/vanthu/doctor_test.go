package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/service/doctor"
	"github.com/vanthu/vanthu/storage/blob"
)

func TestDoctorCommand(t *testing.T) {
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
	if err := blob.Probe(ctx, fs); err != nil { // unreferenced too, but by design
		t.Fatal(err)
	}

	t.Run("WithinTheGracePeriodAllIsWell", func(t *testing.T) {
		code, out, stderr := vanthu("doctor")
		if code != 0 || !strings.Contains(out, "no problems") {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
	})
	t.Run("NamesTheOrphanAndFails", func(t *testing.T) {
		code, out, stderr := vanthu("doctor", "--grace", "0s")
		if code != 1 || !strings.HasPrefix(out, "blobs orphan "+orphan.Key+": ") || !strings.Contains(out, "blobs orphan=1") {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
		code, out, _ = vanthu("doctor", "--grace", "0s", "--json")
		var rep doctor.Report
		if code != 1 || json.Unmarshal([]byte(out), &rep) != nil || rep.OK || len(rep.Problems) != 1 || rep.Problems[0].Subject != orphan.Key {
			t.Fatalf("exit %d: %s", code, out)
		}
		if _, err := fs.Stat(ctx, orphan.Key); err != nil {
			t.Fatalf("without --repair the orphan was deleted: %v", err)
		}
	})
	t.Run("RepairDeletesTheOrphan", func(t *testing.T) {
		code, out, stderr := vanthu("doctor", "--grace", "0s", "--repair")
		if code != 0 || !strings.Contains(out, "(repaired)") {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
		if _, err := fs.Stat(ctx, orphan.Key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("the orphan is still there: %v", err)
		}
	})
	t.Run("RefusesWhatItCannotRead", func(t *testing.T) {
		for _, args := range [][]string{{"doctor", "now"}, {"doctor", "--grace", "a day"}, {"doctor", "--stuck-after", "0s"}} {
			if code, _, stderr := vanthu(args...); code != 2 || stderr == "" {
				t.Errorf("%v: exit %d, %q; want a usage error", args, code, stderr)
			}
		}
	})
}

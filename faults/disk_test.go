package faults

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// diskFull runs one node on the embedded default (SQLite, a file blob store) whose blob
// directory is a small tmpfs, fills it up under uploads, frees it, and checks what was
// acknowledged. Without permission to mount, it says why it skipped.
func diskFull(ctx context.Context, t *testing.T, c *cluster, f *figures) string {
	data := filepath.Join(c.dir, "disk")
	blobs := filepath.Join(data, "blobs")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.CommandContext(ctx, "mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", blobs).CombinedOutput(); err != nil {
		reason := strings.TrimSpace(fmt.Sprintf("%v %s", err, out))
		t.Logf("disk-full phase skipped: cannot mount a tmpfs (%s)", reason)
		return "skipped"
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", blobs).Run() })
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VANTHU_DATABASE_URL=") && !strings.HasPrefix(kv, "VANTHU_BLOB_URL=") {
			env = append(env, kv)
		}
	}
	env = append(env, "VANTHU_DATA="+data, "VANTHU_DEMO_PASSWORD="+c.password, "VANTHU_LOG_FORMAT=text", "VANTHU_LOG_LEVEL=warn")
	port := freePort(t)
	nd := &node{idx: len(c.nodes), addr: fmt.Sprintf("127.0.0.1:%d", port), url: fmt.Sprintf("http://127.0.0.1:%d", port), env: env}
	must(t, c.startNode(nd))
	defer nd.stop()
	if _, err := waitReady(ctx, []*node{nd}, 3*time.Minute); err != nil {
		t.Fatalf("disk-full node: %v", err)
	}

	tl := &tally{}
	l := &ledger{}
	cl := newClient("vanthu.snv", c.password, []*node{nd}, 0, tl)
	must(t, cl.login(ctx))
	receive := func(i int, deadline time.Duration) {
		cl.deadline = deadline
		pdf := minimalPDF(fmt.Sprintf("Dia day %d %d", i, time.Now().UnixNano()))
		a, err := cl.upload(ctx, "/api/v1/incoming", map[string]string{"subject": fmt.Sprintf("Công văn khi đầy đĩa %d", i),
			"sender_name": "Bộ Tài chính"}, pdf, fmt.Sprintf("disk-%d-%d", i, time.Now().UnixNano()))
		var up uploaded
		if err == nil && a.status == http.StatusCreated && a.decode(&up) == nil {
			l.record(up.Document.ID, func(a *ack) {
				a.Flow, a.Owner, a.State, a.SHAs = "incoming", cl.user, up.Document.State, []string{digest(pdf)}
			})
		}
	}
	for i := range 3 {
		receive(i, time.Minute)
	}
	filler := filepath.Join(blobs, "filler")
	fill(t, filler)
	full := time.Now()
	for i := 3; i < 13; i++ {
		receive(i, 2*time.Second) // fails with 503 until the deadline, unless it is a 500
	}
	status := 0
	if resp, err := http.Get(nd.url + "/readyz"); err == nil {
		status = resp.StatusCode
		resp.Body.Close()
	}
	t.Logf("disk full for %s: /readyz %d, %d answers 503, %d other 5xx", time.Since(full).Round(time.Second), status,
		tl.status503, len(tl.non503))
	must(t, os.Remove(filler))
	d, err := waitReady(ctx, []*node{nd}, 30*time.Second)
	if err != nil {
		t.Error(err)
	}
	t.Logf("disk freed: ready after %s", d.Round(10*time.Millisecond))
	f.maxReady = max(f.maxReady, d)
	for i := 13; i < 16; i++ {
		receive(i, time.Minute)
	}

	tl.mu.Lock()
	f.acknowledged += tl.acked
	f.non503 += len(tl.non503)
	f.replay4xx += len(tl.replay4xx)
	f.wrongHash += len(tl.wrongHash)
	f.status503 += tl.status503
	for _, line := range append(tl.non503, tl.replay4xx...) {
		t.Log("disk full: " + line)
	}
	tl.mu.Unlock()
	acks := l.all()
	f.documents += len(acks)
	checkAcknowledged(ctx, t, map[string]*client{cl.user: cl}, acks, f)
	checkStores(ctx, t, c, env, f)
	return "ran"
}

// fill writes to path until the file system has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	chunk := make([]byte, 1<<20)
	for {
		if _, err := file.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return
		}
	}
}

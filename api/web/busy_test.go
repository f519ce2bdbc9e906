package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/vanthu/vanthu/storage/blob"
)

// fullDisk is a blob store on a disk with no space left.
type fullDisk struct{ blob.Store }

func (fullDisk) Put(context.Context, io.Reader, blob.PutOptions) (blob.Object, error) {
	return blob.Object{}, fmt.Errorf("write /var/lib/vanthu/blobs/.tmp/put-1: %w", syscall.ENOSPC)
}

// TestBusyFormKeepsWhatWasTyped sends the receiving form while the disk is full: the form
// comes back with the busy message, what the clerk typed and the same request id, and
// sending it again once the disk has room receives the document once.
func TestBusyFormKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	healthy := b.ui.deps.Blobs
	fields := map[string]string{"sender": "Sở Nội vụ", "sender_notation": "77/SNV-TCBC", "type": "TB",
		"subject": "Về việc tuyển dụng viên chức", "urgency": "thuong_khan", "request_id": "r-busy"}

	b.ui.deps.Blobs = fullDisk{healthy}
	w := b.upload(t, "vanthu.tinh", "/incoming", fields, samplePDF(t))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("full disk: %d (Retry-After %q), want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	page := w.Body.String()
	for _, want := range []string{"Hệ thống đang bận, vui lòng thử lại", `value="Sở Nội vụ"`, `value="77/SNV-TCBC"`,
		`value="Về việc tuyển dụng viên chức"`, `value="thuong_khan" selected`, `value="TB" selected`, `value="r-busy"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form after the outage lacks %s", want)
		}
	}

	b.ui.deps.Blobs = healthy
	for range 2 {
		w = b.upload(t, "vanthu.tinh", "/incoming", fields, samplePDF(t))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("sent again: %d\n%s", w.Code, w.Body)
		}
	}
	list := b.get(t, "vanthu.tinh", "/incoming?q=tuyen+dung+vien+chuc")
	if n := strings.Count(list.Body.String(), "Về việc tuyển dụng viên chức"); n != 1 {
		t.Errorf("the register lists the document %d times, want once", n)
	}
}

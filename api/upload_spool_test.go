package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"testing"
)

// TestUploadIsStoredWhole checks that what the blob store keeps of an upload spooled in
// memory is the PDF that was sent, byte for byte.
func TestUploadIsStoredWhole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	clerk := b.as(t, "vanthu.tinh")
	meta := map[string]any{"type_code": "TB", "subject": "Về việc lưu tệp", "sender_name": "Bộ Nội vụ"}
	pdf := paddedPDF(1, 40<<10)
	r := clerk.upload(t, "/api/v1/incoming", meta, "scan.pdf", pdf, nil)
	mustStatus(t, r, http.StatusCreated)
	sum := sha256.Sum256(pdf)
	file := r.json["file"].(map[string]any)
	if file["sha256"] != hex.EncodeToString(sum[:]) || file["size"] != float64(len(pdf)) {
		t.Fatalf("stored %v, want %d bytes hashing to %x", file, len(pdf), sum)
	}
	id := r.json["document"].(map[string]any)["id"].(string)
	got := clerk.do(t, "GET", "/api/v1/documents/"+id+"/files/1", nil, nil)
	if got.status != http.StatusOK || sha256.Sum256(got.body) != sum {
		t.Fatalf("download: %d, %d bytes", got.status, len(got.body))
	}
}

// TestUploadSpoolSpillsToAFile checks the spool of a large upload: past smallUpload it
// moves to a temporary file, reads back whole, and the file is gone once closed.
func TestUploadSpoolSpillsToAFile(t *testing.T) {
	t.Parallel()
	want := bytes.Repeat([]byte("0123456789abcdef"), (smallUpload+300<<10)/16)
	u := newUploadSpool(-1)
	if _, err := io.Copy(u, bytes.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if u.file == nil {
		t.Fatalf("%d bytes kept in memory, past the %d the spool keeps there", len(want), smallUpload)
	}
	got, err := io.ReadAll(io.NewSectionReader(u.readerAt(), 0, int64(len(want))))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes (%v), want the %d written", len(got), err, len(want))
	}
	name := u.file.Name()
	u.Close()
	if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temporary file %s left behind: %v", name, err)
	}
}

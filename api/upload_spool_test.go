package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"sync"
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

// TestUploadsAtOnceAreStoredWhole sends uploads of different sizes at the same time,
// spooled in memory that earlier uploads used: each document keeps its own PDF, byte
// for byte, however the memory was shared out.
func TestUploadsAtOnceAreStoredWhole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	clerk := b.as(t, "vanthu.tinh")
	sizes := []int{40 << 10, 200 << 10, 8 << 10, 120 << 10, 160 << 10, 40 << 10}
	type stored struct {
		sum [32]byte
		r   response
	}
	for round := range 3 {
		results := make([]stored, len(sizes))
		var wg sync.WaitGroup
		for i, size := range sizes {
			pdf := paddedPDF(int64(round*100+i), size)
			results[i].sum = sha256.Sum256(pdf)
			req := multipartRequest(t, b.http.URL+"/api/v1/incoming",
				map[string]any{"type_code": "TB", "subject": fmt.Sprintf("Lượt %d, tệp %d", round, i), "sender_name": "Bộ Nội vụ"}, "scan.pdf", pdf)
			wg.Go(func() { results[i].r = clerk.send(t, req, nil) })
		}
		wg.Wait()
		for i, res := range results {
			mustStatus(t, res.r, http.StatusCreated)
			id := res.r.json["document"].(map[string]any)["id"].(string)
			got := clerk.do(t, "GET", "/api/v1/documents/"+id+"/files/1", nil, nil)
			if got.status != http.StatusOK || sha256.Sum256(got.body) != res.sum {
				t.Fatalf("round %d, upload %d (%d bytes): stored %d bytes that are not the PDF sent", round, i, sizes[i], len(got.body))
			}
		}
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

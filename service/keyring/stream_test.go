package keyring_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"runtime"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/storage/blob"
)

// TestSigningAllocatesAboutTheFile: the leader's signature is written through into the
// blob store, so that signing a 5 MB scan allocates what signing a 40 KB one does plus
// the larger draft read once, not the signed file again in memory (the appearance, its
// images and the database's work are the same for both). It does not run in parallel:
// runtime.MemStats counts every goroutine's allocations, and parallel tests only start
// once the sequential ones are done.
func TestSigningAllocatesAboutTheFile(t *testing.T) {
	b := setup(t, openSQLite(t))
	ctx := context.Background()
	// The keyring at B-B: the allocation of signing itself, without the TSA's round trips.
	kr := keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: b.blobs, Location: "Hòa Bình"})
	var doc engine.Document
	signing := func(pdf []byte) uint64 {
		least := uint64(math.MaxUint64)
		for range 3 {
			doc = b.approvedDraftOf(t, pdf)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := kr.SignAsLeader(ctx, b.leader, doc.ID, pin, "")
			runtime.ReadMemStats(&after)
			must(t, err)
			least = min(least, after.TotalAlloc-before.TotalAlloc)
		}
		return least
	}
	small, large := signertest.RandomScanPDF(40<<10, 5), signertest.RandomScanPDF(5<<20, 5)
	base := signing(small)
	got := signing(large)
	extra, grown := float64(got)-float64(base), float64(len(large)-len(small))
	t.Logf("signing allocated %d bytes for a draft of %d, %d for one of %d: %.2f bytes more per byte more of the file",
		base, len(small), got, len(large), extra/grown)
	if extra > 1.05*grown+256<<10 {
		t.Errorf("a draft %.0f bytes larger made signing allocate %.0f bytes more (%.2f× the difference), want the draft read once (≤ 1.05× and 256 KiB)",
			grown, extra, extra/grown)
	}

	signed := b.newestSigned(t, doc.ID)
	if !bytes.HasPrefix(signed, large) || len(signed) <= len(large) {
		t.Fatal("the stored signed file does not extend the draft")
	}
	if sigs := b.verifyLatest(t, doc.ID); len(sigs) != 1 || !sigs[0].Intact || sigs[0].Signer != "Bùi Văn Khánh" {
		t.Fatalf("signatures of the stored file: %+v", sigs)
	}
}

// TestSigningFailsCleanlyWhenTheStoreStopsReading: a blob store that gives up part way
// through the signed file (a full disk) fails the signature with its error, and the
// document stays approved, nothing recorded.
func TestSigningFailsCleanlyWhenTheStoreStopsReading(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite(t))
	full := stopsReading{Store: b.blobs, err: errors.New("no space left on device")}
	kr := keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: full, Location: "Hòa Bình"})
	doc := b.approvedDraft(t, false)
	if _, err := kr.SignAsLeader(context.Background(), b.leader, doc.ID, pin, ""); !errors.Is(err, full.err) {
		t.Fatalf("err = %v, want the store's", err)
	}
	if got, err := b.store.DocumentGetByID(context.Background(), doc.ID); err != nil || got.State != engine.StateApproved {
		t.Fatalf("after a failed store: %s (%v), want still approved", got.State, err)
	}
}

// stopsReading is a blob store whose Put reads the first KiB and fails.
type stopsReading struct {
	blob.Store
	err error
}

func (s stopsReading) Put(_ context.Context, r io.Reader, _ blob.PutOptions) (blob.Object, error) {
	_, _ = io.CopyN(io.Discard, r, 1024)
	return blob.Object{}, s.err
}

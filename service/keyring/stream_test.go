package keyring_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/signer/verify"
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
		return leastOfFive(func() uint64 {
			doc = b.approvedDraftOf(t, pdf)
			var err error
			n := allocatedBy(func() { _, err = kr.SignAsLeader(ctx, b.leader, doc.ID, pin, "") })
			must(t, err)
			return n
		})
	}
	small, large := signertest.RandomScanPDF(40<<10, 5), signertest.RandomScanPDF(5<<20, 5)
	base := signing(small)
	readOnce(t, "signing", "a draft", base, signing(large), len(small), len(large))

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

// TestCertifiedCopyAllocatesAboutTheOriginal: a certified copy is written through into
// the blob store as the leader's signature is, so that copying a 5 MB signed original
// allocates what copying a 40 KB one does plus the larger original read once, not the
// signed copy again in memory. The stored copy must still verify, every signature in it.
// Not parallel, for runtime.MemStats (see above).
func TestCertifiedCopyAllocatesAboutTheOriginal(t *testing.T) {
	b := setup(t, openSQLite(t))
	ctx := context.Background()
	archivist, rec := b.archive(t)
	// A scan has no number and date blanks: the clerk places them.
	placed := keyring.IssueOptions{Placement: keyring.Placement{NumberAt: &keyring.Point{X: 5, Y: 60}, DateAt: &keyring.Point{X: 5, Y: 40}}}
	filed := func(pdf []byte) engine.Document {
		doc := b.approvedUpload(t, pdf)
		_, err := b.kr.IssueAndSealWith(ctx, b.clerk, doc.ID, pin, "", placed)
		must(t, err)
		must(t, b.eng.FileDocument(ctx, archivist, rec.ID, doc.ID))
		return doc
	}
	// The keyring at B-B: the allocation of copying itself, without the TSA's round trips.
	kr := keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: b.blobs, Location: "Hòa Bình"})
	var last keyring.IssuedCopy
	copying := func(doc engine.Document) uint64 {
		return leastOfFive(func() uint64 {
			var err error
			n := allocatedBy(func() { last, err = kr.CertifiedCopy(ctx, archivist, doc.ID, pin, "") })
			must(t, err)
			return n
		})
	}
	smallDoc, largeDoc := filed(signertest.RandomScanPDF(40<<10, 1)), filed(signertest.RandomScanPDF(5<<20, 5))
	small, large := b.newestSigned(t, smallDoc.ID), b.newestSigned(t, largeDoc.ID)
	base := copying(smallDoc)
	readOnce(t, "a certified copy", "an original", base, copying(largeDoc), len(small), len(large))

	stored := b.blob(t, last.Blob.Key)
	if !bytes.HasPrefix(stored, large) || len(stored) <= len(large) || int64(len(stored)) != last.Signed.Size {
		t.Fatalf("the stored copy (%d bytes, recorded %d) does not extend the signed original (%d)", len(stored), last.Signed.Size, len(large))
	}
	sigs := b.verify(t, stored)
	// The leader signs the last page, so the agency signs twice: the number and date on the
	// first page, then the seal.
	if len(sigs) != 4 {
		t.Fatalf("%d signatures, want the leader's, the agency's two and the copy's", len(sigs))
	}
	for _, s := range sigs {
		if !s.Intact || s.Indication != verify.TotalPassed {
			t.Fatalf("signature of %s: intact %v, %s %v", s.Signer, s.Intact, s.Indication, s.Errors)
		}
	}
}

// poolSlack is what one side may allocate more than the other besides the file: an
// appearance's compressor (most of a megabyte) its pool did not keep, which under the race
// detector, whose pools drop items at random, happens in any run. A second copy of a 5 MB
// file is five times that.
const poolSlack = 1 << 20

// readOnce fails unless what, made of a file grown from small to large bytes, allocated
// (got against base) at most the growth once more: the file read once, not copied again.
func readOnce(t *testing.T, what, file string, base, got uint64, small, large int) {
	t.Helper()
	extra, grown := float64(got)-float64(base), float64(large-small)
	t.Logf("%s allocated %d bytes for %s of %d, %d for one of %d: %.2f bytes more per byte more of the file",
		what, base, file, small, got, large, extra/grown)
	if extra > 1.05*grown+poolSlack {
		t.Errorf("%s %.0f bytes larger made %s allocate %.0f bytes more (%.2f× the difference), want it read once (≤ 1.05× and 1 MiB)",
			file, grown, what, extra, extra/grown)
	}
}

// leastOfFive is the least of five measurements, the collector's own runs held off.
func leastOfFive(measure func() uint64) uint64 {
	defer collectLater()()
	least := uint64(math.MaxUint64)
	for range 5 {
		least = min(least, measure())
	}
	return least
}

// allocatedBy is how many bytes f allocates, from a fresh collection.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// collectLater stops the collector's own runs until the function it returns is called.
// Two of them between measurements (making a 5 MB draft is enough) would empty the pools,
// and a compressor of the appearance, most of a megabyte, would be made again at random;
// the explicit collection before each measurement leaves them in the victim cache.
func collectLater() (restore func()) {
	gc := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(gc) }
}

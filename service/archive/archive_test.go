package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/storage/bagit"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/testenv"
)

// closedRecord makes an agency with one issued, signed document filed in a closed record.
func closedRecord(t *testing.T, blobs blob.Store) (engine.Store, string) {
	t.Helper()
	in := sqliteInstance(t, blobs)
	rec, _ := in.issuedRecordOf(t, []byte("%PDF-1.7 bản gốc đã ký số"))
	return in.store, rec.ID
}

func TestPackageIsLockedAndChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	blobs, err := blob.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	store, recordID := closedRecord(t, blobs)
	pkg, err := archive.Store(ctx, store, blobs, recordID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pkg.Manifest, "archive/H23/2026/01.VP/") || len(pkg.Objects) != 3 {
		t.Fatalf("package %+v", pkg)
	}
	if pkg.RetainUntil.In(time.FixedZone("ICT", 7*3600)).Year() != time.Now().Year()+11 { // 1 January after the year the work ended, plus 10
		t.Fatalf("10-year retention locked until %v", pkg.RetainUntil)
	}
	for _, o := range pkg.Objects {
		if err := blobs.Delete(ctx, o.Key); !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("deleting %s: %v, want ErrLocked", o.Key, err)
		}
	}
	if damaged := archive.Check(ctx, blobs, pkg); len(damaged) != 0 {
		t.Fatalf("fresh package damaged: %v", damaged)
	}
	p := filepath.Join(dir, pkg.Objects[0].Key)
	b, _ := os.ReadFile(p)
	b[3] ^= 1
	os.Chmod(p, 0o600)
	os.WriteFile(p, b, 0o600)
	if damaged := archive.Check(ctx, blobs, pkg); len(damaged) != 1 || damaged[0] != pkg.Objects[0].Key {
		t.Fatalf("a flipped byte: %v", damaged)
	}
}

func TestFixityRepairsFromTheReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	primary, _ := blob.NewFS(dir)
	replica, _ := blob.NewFS(t.TempDir())
	store, recordID := closedRecord(t, primary)
	pkg, err := archive.Store(ctx, store, primary, recordID, replica)
	if err != nil {
		t.Fatal(err)
	}
	original := pkg.Objects[0]
	p := filepath.Join(dir, original.Key)
	b, _ := os.ReadFile(p)
	b[0] ^= 0x20
	os.Chmod(p, 0o600)
	os.WriteFile(p, b, 0o600)
	repaired, err := archive.Repair(ctx, primary, replica, pkg)
	if err != nil || len(repaired) != 1 || repaired[0] != original.Key {
		t.Fatalf("repaired %v, %v", repaired, err)
	}
	if damaged := archive.Check(ctx, primary, pkg); len(damaged) != 0 {
		t.Fatalf("still damaged after repair: %v", damaged)
	}
	if err := primary.Delete(ctx, original.Key); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("the repaired object is not locked any more: %v", err)
	}
}

func TestPackageOnS3WithObjectLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.S3Server(t)
	blobs, err := blob.NewS3(blob.S3Config{Endpoint: env.Endpoint, Bucket: env.Bucket, AccessKey: env.AccessKey, SecretKey: env.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	store, recordID := closedRecord(t, blobs)
	pkg, err := archive.Store(ctx, store, blobs, recordID)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range pkg.Objects {
		st, err := blobs.Stat(ctx, o.Key)
		if err != nil || !st.RetainUntil.After(time.Now().AddDate(10, 0, 0)) {
			t.Fatalf("%s: retain until %v, %v", o.Key, st.RetainUntil, err)
		}
		if err := blobs.Delete(ctx, o.Key); !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("deleting %s: %v", o.Key, err)
		}
	}
}

func TestExportIsAValidBag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	store, recordID := closedRecord(t, blobs)
	out := filepath.Join(t.TempDir(), "bag")
	meta, err := archive.Export(ctx, store, blobs, recordID, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Identifier != "H23.2026.01.VP" || meta.DocTotal != 1 || meta.Documents[0].Notation != "01/QĐ-UBND" {
		t.Fatalf("metadata %+v", meta)
	}
	bag, err := bagit.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := bag.Validate(ctx, bagit.ValidateOptions{})
	if err != nil || !rep.Valid() || rep.PayloadFiles != 1 {
		t.Fatalf("bag: %v %v", rep, err)
	}
	xml, _ := os.ReadFile(filepath.Join(out, "metadata", "record.xml"))
	if !bytes.Contains(xml, []byte("<TieuDeHoSo>Hồ sơ phê duyệt</TieuDeHoSo>")) {
		t.Fatalf("XML metadata:\n%s", xml)
	}
}

func TestPermanentLocksAreExtended(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs, _ := blob.NewFS(t.TempDir())
	store, recordID := closedRecord(t, blobs)
	pkg, err := archive.Store(ctx, store, blobs, recordID)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := archive.ExtendLocks(ctx, blobs, pkg, 100*365*24*time.Hour); err != nil || n != 0 {
		t.Fatalf("a fixed-term package was extended: %d, %v", n, err)
	}
	pkg.Permanent = true // as if the record were kept permanently
	before, _ := blobs.Stat(ctx, pkg.Objects[0].Key)
	n, err := archive.ExtendLocks(ctx, blobs, pkg, 100*365*24*time.Hour) // every lock ends within the horizon
	if err != nil || n != len(pkg.Objects)+1 {
		t.Fatalf("extended %d, %v; want every object and the manifest", n, err)
	}
	after, _ := blobs.Stat(ctx, pkg.Objects[0].Key)
	if !after.RetainUntil.After(before.RetainUntil) {
		t.Fatalf("lock not moved: %v → %v", before.RetainUntil, after.RetainUntil)
	}
	if n, _ := archive.ExtendLocks(ctx, blobs, pkg, time.Hour); n != 0 {
		t.Fatalf("locks far ahead were extended again: %d", n)
	}
}

func TestExportCarriesTheAuditTrailOfTheRecordAndItsDocumentsOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	in := sqliteInstance(t, fsBlobs(t))
	rec, actors := in.issuedRecordOf(t, []byte("%PDF-1.7 bản gốc đã ký số"))
	other, err := in.eng.OpenRecord(ctx, actors[engine.RoleSpecialist], 2026, engine.RecordSpec{Code: "02.VP", Title: "Hồ sơ khác",
		Retention: engine.Retention{Years: 5}})
	if err != nil {
		t.Fatal(err)
	}
	docIDs, err := in.store.RecordDocumentList(ctx, rec.ID)
	if err != nil || len(docIDs) != 1 {
		t.Fatalf("documents %v, %v", docIDs, err)
	}
	dir := filepath.Join(t.TempDir(), "bag")
	if _, err := archive.Export(ctx, in.store, in.blobs, rec.ID, dir, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "metadata", "audit.json"))
	if err != nil {
		t.Fatal(err)
	}
	var events []engine.Event
	if err := json.Unmarshal(raw, &events); err != nil {
		t.Fatal(err)
	}
	var want []int64 // the chain's events about the record and its document, in order
	all, err := in.store.AuditListByAgency(ctx, rec.AgencyID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.ObjectID == rec.ID || e.ObjectID == docIDs[0] {
			want = append(want, e.Seq)
		}
	}
	var got []int64
	for _, e := range events {
		if e.ObjectID == other.ID {
			t.Fatalf("the trail carries an event of another record: %+v", e)
		}
		got = append(got, e.Seq)
	}
	if len(want) < 6 || !slices.Equal(got, want) { // draft, submit, approve, sign, issue, open, file, close
		t.Fatalf("trail seqs %v, want %v", got, want)
	}
}

package archive_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/archive"
	"github.com/vanthu/vanthu/storage/bagit"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/testenv"
)

// closedRecord makes an agency with one issued, signed document filed in a closed record.
func closedRecord(t *testing.T, blobs blob.Store) (engine.Store, string) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := engine.New(store)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a, err := e.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình", ShortName: "UBND", Tier: engine.TierProvince})
	must(err)
	unit, err := e.CreateUnit(ctx, engine.System, engine.Unit{AgencyID: a.ID, Name: "Văn phòng", ShortName: "VP"})
	must(err)
	actor := func(role engine.Role) engine.Actor {
		u, err := e.CreateUserWithHash(ctx, engine.System, engine.User{Username: string(role) + ".h23", FullName: "Cán bộ"}, "x")
		must(err)
		must(e.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: a.ID, UnitID: unit.ID, Role: role}))
		return engine.Actor{UserID: u.ID, AgencyID: a.ID, Role: role}
	}
	specialist, leader, clerk := actor(engine.RoleSpecialist), actor(engine.RoleLeader), actor(engine.RoleClerk)
	obj, err := blobs.Put(ctx, strings.NewReader("%PDF-1.7 bản gốc đã ký số"), blob.PutOptions{})
	must(err)
	file := engine.FileInput{Name: "quyet-dinh.pdf", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}
	d, err := e.CreateDraft(ctx, specialist, engine.DraftInput{TypeCode: "QĐ", Subject: "Quyết định phê duyệt", DraftingUnitID: unit.ID}, "")
	must(err)
	_, err = e.Submit(ctx, specialist, d.ID, nil, "")
	must(err)
	_, err = e.Approve(ctx, leader, d.ID, "")
	must(err)
	_, err = e.Sign(ctx, leader, d.ID, engine.SignInput{Signed: file}, "")
	must(err)
	_, err = e.Issue(ctx, clerk, d.ID, "")
	must(err)
	rec, err := e.OpenRecord(ctx, specialist, 2026, engine.RecordSpec{Code: "01.VP", Title: "Hồ sơ phê duyệt", Retention: engine.Retention{Years: 10}})
	must(err)
	must(e.FileDocument(ctx, specialist, rec.ID, d.ID))
	_, err = e.CloseRecord(ctx, specialist, rec.ID, time.Now())
	must(err)
	return store, rec.ID
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

package blobgc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/service/blobgc"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/testenv"
)

// grace is short, so that the test can make blobs old by waiting; the S3 servers keep
// the time of an object to the second.
const grace = 2 * time.Second

type testBundle struct {
	store *sqlstore.Store
	blobs blob.Store
	// The blobs as the test stored them.
	referenced, packaged, manifest, old, fresh, locked blob.Object
}

// setup stores, in blobs and replica: a document's file, an archival package (its
// manifest named by a record, its object only by the manifest), an old orphan, a locked
// old orphan, and after the grace period has passed, a fresh orphan.
func setup(t *testing.T, blobs blob.Store, replicas ...blob.Store) *testBundle {
	t.Helper()
	ctx := context.Background()
	store := dbtest.MigratedSQLite(t)
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := &testBundle{store: store, blobs: blobs}
	put := func(data string, opts blob.PutOptions) blob.Object {
		t.Helper()
		var obj blob.Object
		for _, s := range append([]blob.Store{blobs}, replicas...) {
			o, err := s.Put(ctx, bytes.NewReader([]byte(data)), opts)
			if err != nil {
				t.Fatal(err)
			}
			obj = o
		}
		return obj
	}
	b.referenced = put("công văn đã ký", blob.PutOptions{})
	b.packaged = put("bản gốc lưu trữ", blob.PutOptions{Prefix: "archive/H23/2025/01.VP"})
	manifest, err := json.Marshal(archive.Package{Record: "H23.2025.01.VP", Prefix: "archive/H23/2025/01.VP",
		Objects: []archive.PackageObject{{Key: b.packaged.Key, SHA256: b.packaged.SHA256, Size: b.packaged.Size, Role: "original"}}})
	if err != nil {
		t.Fatal(err)
	}
	b.manifest = put(string(manifest), blob.PutOptions{Prefix: "archive/H23/2025/01.VP/manifest"})
	b.old = put("tệp tải lên bỏ dở", blob.PutOptions{})
	b.locked = put("tệp khóa", blob.PutOptions{RetainUntil: time.Now().Add(time.Hour)})

	agency := &engine.Agency{ID: uuid.NewString(), Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình", ShortName: "UBND",
		Tier: engine.TierProvince, CreatedAt: time.Now()}
	if err := store.AgencyInsert(ctx, agency); err != nil {
		t.Fatal(err)
	}
	d := &engine.Document{ID: uuid.NewString(), AgencyID: agency.ID, Flow: engine.Incoming, State: engine.StateDirected,
		Version: 1, Subject: "Công văn", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := store.DocumentInsert(ctx, d); err != nil {
		t.Fatal(err)
	}
	f := &engine.File{DocumentID: d.ID, Kind: "signed", Name: "cv.pdf", BlobKey: b.referenced.Key, SHA256: b.referenced.SHA256,
		Size: b.referenced.Size, CreatedAt: time.Now()}
	if err := store.InTx(ctx, func(q engine.Queries) error { return q.FileInsert(ctx, f) }); err != nil {
		t.Fatal(err)
	}
	rec := &engine.Record{ID: uuid.NewString(), AgencyID: agency.ID, FondsCode: "H23", Code: "01.VP", Title: "Hồ sơ", Year: 2025,
		Retention: engine.Retention{Permanent: true}, State: engine.RecordHandedOver, PackageKey: b.manifest.Key, Version: 1,
		CreatedAt: time.Now()}
	if err := store.RecordInsert(ctx, rec); err != nil {
		t.Fatal(err)
	}
	time.Sleep(grace + time.Second)
	b.fresh = put("tệp vừa tải lên", blob.PutOptions{})
	return b
}

func keys(s blob.Store, t *testing.T) []string {
	t.Helper()
	var out []string
	if err := s.List(context.Background(), "", func(o blob.Object) error { out = append(out, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func collect(t *testing.T, b *testBundle, dryRun bool, replicas ...blob.Store) []blobgc.Result {
	t.Helper()
	c, err := blobgc.New(blobgc.Config{Store: b.store, Blobs: b.blobs, Replicas: replicas, Grace: grace, DryRun: dryRun})
	if err != nil {
		t.Fatal(err)
	}
	results, err := c.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return results
}

// check runs a dry run, then a collection, and checks that only the old orphan went.
func check(t *testing.T, b *testBundle, replicas ...blob.Store) {
	t.Helper()
	stores := append([]blob.Store{b.blobs}, replicas...)
	before := make([][]string, len(stores))
	for i, s := range stores {
		before[i] = keys(s, t)
	}
	dry := collect(t, b, true, replicas...)
	for i, s := range stores {
		if got := keys(s, t); !slices.Equal(got, before[i]) {
			t.Fatalf("a dry run deleted from store %d: %v, was %v", i, got, before[i])
		}
		if len(dry[i].Deleted) != 1 || dry[i].Deleted[0].Key != b.old.Key {
			t.Fatalf("a dry run in %s would delete %+v, want the old orphan %s", dry[i].Store, dry[i].Deleted, b.old.Key)
		}
	}
	results := collect(t, b, false, replicas...)
	for i, s := range stores {
		r := results[i]
		if len(r.Deleted) != 1 || r.Deleted[0].Key != b.old.Key || r.Bytes != b.old.Size {
			t.Fatalf("%s: deleted %+v, want the old orphan %s", r.Store, r.Deleted, b.old.Key)
		}
		if r.Locked != 1 || r.Fresh != 1 || r.Referenced != 3 || r.Failed != 0 {
			t.Fatalf("%s: %+v, want one locked, one fresh, three referenced kept", r.Store, r)
		}
		if _, err := s.Stat(context.Background(), b.old.Key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("%s: the old orphan is still there: %v", r.Store, err)
		}
		for _, kept := range []blob.Object{b.referenced, b.packaged, b.manifest, b.fresh, b.locked} {
			if err := blob.Verify(context.Background(), s, kept.Key); err != nil {
				t.Fatalf("%s: %s is gone: %v", r.Store, kept.Key, err)
			}
		}
	}
}

func TestCollectionDeletesOnlyOldUnreferencedUnlockedBlobs(t *testing.T) {
	t.Parallel()
	t.Run("FileStoreWithAReplica", func(t *testing.T) {
		t.Parallel()
		primary, err := blob.NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		replica, err := blob.NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		b := setup(t, primary, replica)
		check(t, b, replica)
	})
	t.Run("S3", func(t *testing.T) {
		t.Parallel()
		env := testenv.S3Server(t)
		s3, err := blob.NewS3(blob.S3Config{Endpoint: env.Endpoint, Bucket: env.Bucket, AccessKey: env.AccessKey, SecretKey: env.SecretKey})
		if err != nil {
			t.Fatal(err)
		}
		b := setup(t, s3)
		check(t, b)
	})
}

// An archival package the collection cannot read leaves every archived object in place.
func TestCollectionKeepsTheArchiveWhenAManifestIsUnreadable(t *testing.T) {
	t.Parallel()
	primary, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t, primary)
	orphan, err := primary.Put(context.Background(), bytes.NewReader([]byte("gói lưu trữ dở dang")),
		blob.PutOptions{Prefix: "archive/H23/2025/02.VP"})
	if err != nil {
		t.Fatal(err)
	}
	if err := primary.Delete(context.Background(), b.manifest.Key); err != nil {
		t.Fatal(err)
	}
	c, err := blobgc.New(blobgc.Config{Store: b.store, Blobs: primary, Now: func() time.Time { return time.Now().Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	results, err := c.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range results[0].Deleted {
		if o.Key == b.packaged.Key || o.Key == orphan.Key {
			t.Fatalf("deleted the archived object %s while a manifest was unreadable", o.Key)
		}
	}
	if len(results[0].Deleted) != 2 { // the old orphan and, an hour later, the fresh one
		t.Fatalf("deleted %+v, want the two orphans outside the archive", results[0].Deleted)
	}
}

func TestConfigIsValidated(t *testing.T) {
	t.Parallel()
	fs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	store := dbtest.SQLite(t)
	for name, cfg := range map[string]blobgc.Config{
		"NoStores":      {},
		"NoBlobs":       {Store: store},
		"NegativeGrace": {Store: store, Blobs: fs, Grace: -time.Second},
	} {
		if _, err := blobgc.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

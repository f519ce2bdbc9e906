package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/testenv"
)

// bundle is one store under test and, where the test can reach the stored bytes, a way
// to damage them behind the store's back.
type bundle struct {
	store   blob.Store
	corrupt func(t *testing.T, key string)
}

func TestFS(t *testing.T) {
	t.Parallel()
	runSuite(t, func(t *testing.T) bundle {
		dir := t.TempDir()
		s, err := blob.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		return bundle{store: s, corrupt: func(t *testing.T, key string) { flipByte(t, filepath.Join(dir, key)) }}
	})
}

// The file store syncs an object after renaming it into place, so a crash can leave a
// torn file under an object's name that nothing references. A later Put of the same bytes
// must not take it for the object: it writes the object over it.
func TestFSWritesOverATornObject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := blob.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	scan := bytes.Repeat([]byte("Công văn số 12/UBND-VP về việc phòng chống lụt bão. "), 800)
	obj, err := s.Put(ctx, bytes.NewReader(scan), blob.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, torn := range map[string][]byte{"Empty": nil, "Half": scan[:len(scan)/2], "Zeros": make([]byte, len(scan))} {
		path := filepath.Join(dir, obj.Key)
		if err := os.WriteFile(path, torn, 0o640); err != nil {
			t.Fatal(err)
		}
		again, err := s.Put(ctx, bytes.NewReader(scan), blob.PutOptions{})
		if err != nil || again.Key != obj.Key || again.Size != int64(len(scan)) {
			t.Fatalf("%s: Put over a torn file: %+v, %v", name, again, err)
		}
		rc, err := s.Open(ctx, obj.Key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc) // the store's reader checks the bytes against the key
		rc.Close()
		if err != nil || !bytes.Equal(got, scan) {
			t.Fatalf("%s: the object reads %d bytes (%v), not the %d put", name, len(got), err, len(scan))
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, ".tmp")); len(entries) != 0 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

// The file store makes its objects' directories when it opens, not on an upload; a
// store opened again finds them.
func TestFSMakesItsDirectoriesWhenItOpens(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for range 2 {
		if _, err := blob.NewFS(dir); err != nil {
			t.Fatal(err)
		}
		shards, err := os.ReadDir(filepath.Join(dir, "sha256"))
		if err != nil || len(shards) != 256 || shards[0].Name() != "00" || shards[255].Name() != "ff" {
			t.Fatalf("%d directories under sha256 (%v), want 00 to ff", len(shards), err)
		}
	}
}

func TestS3(t *testing.T) {
	t.Parallel()
	runSuite(t, func(t *testing.T) bundle {
		s := newS3(t)
		b := bundle{store: s}
		if dir := os.Getenv("VANTHU_TEST_S3_DIR"); dir != "" { // versitygw posix keeps objects as files
			b.corrupt = func(t *testing.T, key string) { flipByte(t, filepath.Join(dir, s.Bucket(), key)) }
		}
		return b
	})

	t.Run("ServerRefusesToDeleteALockedVersion", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := newS3(t)
		obj, err := s.Put(ctx, strings.NewReader("Quyết định lưu trữ vĩnh viễn"), blob.PutOptions{
			Prefix: "archive/H23/2025/HS-01", RetainUntil: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Client().StatObject(ctx, s.Bucket(), obj.Key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Bypass vanthu: the server itself must say no.
		err = s.Client().RemoveObject(ctx, s.Bucket(), obj.Key, minio.RemoveObjectOptions{VersionID: info.VersionID})
		if err == nil {
			t.Fatal("the S3 server deleted a version under COMPLIANCE retention")
		}
		if err := blob.Verify(ctx, s, obj.Key); err != nil {
			t.Fatalf("locked object damaged: %v", err)
		}
	})
}

func newS3(t *testing.T) *blob.S3 {
	env := testenv.S3Server(t)
	s, err := blob.NewS3(blob.S3Config{Endpoint: env.Endpoint, Bucket: env.Bucket, AccessKey: env.AccessKey,
		SecretKey: env.SecretKey, PartSize: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func runSuite(t *testing.T, newBundle func(t *testing.T) bundle) {
	ctx := context.Background()

	t.Run("StoresAndReturnsTheSameBytes", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		data := []byte("Công văn số 12/UBND-VX về việc triển khai Đề án 06")
		obj, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{ContentType: "text/plain"})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		digest := hex.EncodeToString(sum[:])
		if obj.SHA256 != digest || obj.Size != int64(len(data)) || obj.Key != "sha256/"+digest[:2]+"/"+digest {
			t.Fatalf("object = %+v", obj)
		}
		if got := readAll(t, s, obj.Key); !bytes.Equal(got, data) {
			t.Fatalf("read back %q", got)
		}
		st, err := s.Stat(ctx, obj.Key)
		if err != nil || st.Size != obj.Size || !st.RetainUntil.IsZero() {
			t.Fatalf("stat = %+v, %v", st, err)
		}
	})

	t.Run("SameBytesAreStoredOnce", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		var wg sync.WaitGroup
		keys := make([]string, 8)
		errs := make([]error, 8)
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				obj, err := s.Put(ctx, strings.NewReader("bản sao y"), blob.PutOptions{})
				keys[i], errs[i] = obj.Key, err
			}()
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil || keys[i] != keys[0] {
				t.Fatalf("put %d: key %q, %v; want %q", i, keys[i], errs[i], keys[0])
			}
		}
		if got := readAll(t, s, keys[0]); string(got) != "bản sao y" {
			t.Fatalf("read back %q", got)
		}
	})

	t.Run("PrefixTellsFondsYearAndRecord", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		obj, err := s.Put(ctx, strings.NewReader("hồ sơ"), blob.PutOptions{Prefix: "archive/H23.10/2025/HS-07"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(obj.Key, "archive/H23.10/2025/HS-07/") {
			t.Fatalf("key %q", obj.Key)
		}
		for _, bad := range []string{"../etc", "/abs", "a/../b", "a//b", "a b"} {
			if _, err := s.Put(ctx, strings.NewReader("x"), blob.PutOptions{Prefix: bad}); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("prefix %q: %v, want ErrBadKey", bad, err)
			}
		}
	})

	t.Run("MissingAndForeignKeysAreRefused", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		missing := "sha256/ab/ab" + strings.Repeat("0", 62)
		if _, err := s.Open(ctx, missing); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open missing: %v", err)
		}
		if _, err := s.Stat(ctx, missing); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("stat missing: %v", err)
		}
		for _, bad := range []string{"../../etc/passwd", "sha256/zz/" + strings.Repeat("z", 64), "sha256/00/" + strings.Repeat("1", 64)} {
			if _, err := s.Open(ctx, bad); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("open %q: %v, want ErrBadKey", bad, err)
			}
		}
	})

	t.Run("LargeObjectsGoUpInParts", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		data := make([]byte, 12<<20+12345)
		_, _ = rand.Read(data)
		obj, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, s, obj.Key); !bytes.Equal(got, data) {
			t.Fatalf("large object read back wrong (%d bytes)", len(got))
		}
	})

	t.Run("DeleteRemovesAnUnlockedObject", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		obj, err := s.Put(ctx, strings.NewReader("dự thảo"), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, obj.Key); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, obj.Key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})

	t.Run("LockedObjectsCannotBeDeletedAndOnlyExtended", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		obj, err := s.Put(ctx, strings.NewReader("bản gốc đã ký số"), blob.PutOptions{Prefix: "archive/H23/2025/HS-02", RetainUntil: until})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, obj.Key); !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("delete of a locked object: %v, want ErrLocked", err)
		}
		later := until.Add(24 * time.Hour)
		if err := s.ExtendRetention(ctx, obj.Key, later); err != nil {
			t.Fatal(err)
		}
		if err := s.ExtendRetention(ctx, obj.Key, until); err != nil { // shortening is ignored
			t.Fatal(err)
		}
		st, err := s.Stat(ctx, obj.Key)
		if err != nil || !st.RetainUntil.Equal(later) {
			t.Fatalf("retain until = %v, %v; want %v", st.RetainUntil, err, later)
		}
		if got := readAll(t, s, obj.Key); string(got) != "bản gốc đã ký số" {
			t.Fatalf("read back %q", got)
		}
	})

	t.Run("ListShowsTheStoresObjectsUnderAPrefixWithTheirLocks", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		if err := s.List(ctx, "", func(blob.Object) error { return errors.New("called") }); err != nil {
			t.Fatalf("an empty store lists: %v", err)
		}
		start := time.Now().Add(-2 * time.Second) // S3 keeps seconds
		until := time.Now().Add(time.Hour).Truncate(time.Second)
		plain, err := s.Put(ctx, strings.NewReader("công văn"), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		locked, err := s.Put(ctx, strings.NewReader("hồ sơ"), blob.PutOptions{Prefix: "archive/H23/2025/HS-01", RetainUntil: until})
		if err != nil {
			t.Fatal(err)
		}
		if err := blob.Probe(ctx, s); err != nil {
			t.Fatal(err)
		}
		var all []blob.Object
		if err := s.List(ctx, "", func(o blob.Object) error { all = append(all, o); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Key != locked.Key || all[1].Key != plain.Key {
			t.Fatalf("listed %+v, want the locked then the plain object, in key order, and not the readiness probe", all)
		}
		if o := all[0]; !o.RetainUntil.Equal(until) || o.Size != locked.Size || o.SHA256 != locked.SHA256 || o.Modified.Before(start) {
			t.Fatalf("locked object listed as %+v", o)
		}
		if o := all[1]; !o.RetainUntil.IsZero() || o.Size != plain.Size || o.Modified.Before(start) || o.Modified.After(time.Now()) {
			t.Fatalf("plain object listed as %+v", o)
		}
		var archived []string
		if err := s.List(ctx, "archive/H23/", func(o blob.Object) error { archived = append(archived, o.Key); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(archived) != 1 || archived[0] != locked.Key {
			t.Fatalf("listed under archive/H23/: %v", archived)
		}
		stop := errors.New("enough")
		if err := s.List(ctx, "", func(blob.Object) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("the callback's error: %v", err)
		}
	})

	t.Run("StoringTheSameBytesAgainMakesThemNew", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		first, err := s.Put(ctx, strings.NewReader("tệp tải lên lần nữa"), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		modified := func() time.Time {
			var m time.Time
			if err := s.List(ctx, first.Key, func(o blob.Object) error { m = o.Modified; return nil }); err != nil {
				t.Fatal(err)
			}
			return m
		}
		before := modified()
		time.Sleep(1100 * time.Millisecond)
		if _, err := s.Put(ctx, strings.NewReader("tệp tải lên lần nữa"), blob.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		// The collector of unreferenced blobs goes by this date: bytes about to be
		// referenced again must not look like an old orphan.
		if after := modified(); !after.After(before) {
			t.Fatalf("stored again at %v, still dated %v", after, before)
		}
		if got := readAll(t, s, first.Key); string(got) != "tệp tải lên lần nữa" {
			t.Fatalf("read back %q", got)
		}
	})

	t.Run("KnownDigest", func(t *testing.T) {
		t.Parallel()
		testKnownDigest(t, newBundle)
	})

	t.Run("DamagedObjectsAreRepairedOnlyWithTheirOwnBytes", func(t *testing.T) {
		t.Parallel()
		testRepair(t, newBundle)
	})

	t.Run("ChangedBytesAreRefusedOnRead", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		if b.corrupt == nil {
			t.Skip("the stored bytes of this store are not reachable from the test")
		}
		obj, err := b.store.Put(ctx, strings.NewReader("Chỉ thị số 05/CT-UBND"), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b.corrupt(t, obj.Key)
		r, err := b.store.Open(ctx, obj.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := io.ReadAll(r); !errors.Is(err, blob.ErrIntegrity) {
			t.Fatalf("reading damaged bytes: %v, want ErrIntegrity", err)
		}
		if err := blob.Verify(ctx, b.store, obj.Key); !errors.Is(err, blob.ErrIntegrity) {
			t.Fatalf("Verify: %v, want ErrIntegrity", err)
		}
	})
}

func testRepair(t *testing.T, newBundle func(t *testing.T) bundle) {
	ctx := context.Background()
	b := newBundle(t)
	if b.corrupt == nil {
		t.Skip("the stored bytes of this store are not reachable from the test")
	}
	good := "Quyết định lưu trữ vĩnh viễn — bản gốc"
	obj, err := b.store.Put(ctx, strings.NewReader(good), blob.PutOptions{Prefix: "archive/H23/2026/01.VX", RetainUntil: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	b.corrupt(t, obj.Key)
	if err := blob.Verify(ctx, b.store, obj.Key); !errors.Is(err, blob.ErrIntegrity) {
		t.Fatalf("damage not seen: %v", err)
	}
	if err := b.store.Repair(ctx, obj.Key, strings.NewReader("other bytes")); !errors.Is(err, blob.ErrIntegrity) {
		t.Fatalf("repairing with other bytes: %v, want ErrIntegrity", err)
	}
	if err := b.store.Repair(ctx, obj.Key, strings.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, b.store, obj.Key); string(got) != good {
		t.Fatalf("after repair: %q", got)
	}
	if err := b.store.Delete(ctx, obj.Key); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("the repaired object lost its lock: %v", err)
	}
}

func readAll(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

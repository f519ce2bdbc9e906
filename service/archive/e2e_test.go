package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/storage/bagit"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/testenv"
)

func s3Blobs(t testing.TB) *blob.S3 {
	t.Helper()
	env := testenv.S3Server(t)
	s, err := blob.NewS3(blob.S3Config{Endpoint: env.Endpoint, Bucket: env.Bucket, AccessKey: env.AccessKey, SecretKey: env.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err != nil {
		testenv.Unavailable(t, "S3 server", err)
	}
	return s
}

// TestArchiveEndToEnd follows a record from filing to another instance: filed, closed,
// archived to S3 under COMPLIANCE object lock (which the server itself must enforce),
// exported as a bag, validated, imported into a second instance (its own database and
// bucket) and found there by a query typed without diacritics.
func TestArchiveEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srcBlobs := s3Blobs(t)
	pg, err := postgres.Open(ctx, testenv.PostgresURL(t))
	if err != nil {
		testenv.Unavailable(t, "PostgreSQL", err)
	}
	t.Cleanup(func() { pg.Close() })
	if _, err := pg.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	src := &instance{store: pg, blobs: srcBlobs, eng: engine.New(pg)}
	rec, actors := src.closedRecordOf(t, "H23.10", 1<<20)

	pkg, err := archive.Store(ctx, src.store, src.blobs, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.eng.RecordArchived(ctx, actors[engine.RoleArchivist], rec.ID, pkg.Manifest); err != nil {
		t.Fatal(err)
	}

	t.Run("TheServerRefusesToDeleteOrOverwriteTheLockedVersion", func(t *testing.T) {
		client, bucket := srcBlobs.Client(), srcBlobs.Bucket()
		original := pkg.Objects[0]
		info, err := client.StatObject(ctx, bucket, original.Key, minio.StatObjectOptions{})
		if err != nil || info.VersionID == "" {
			t.Fatalf("stat %s: version %q, %v", original.Key, info.VersionID, err)
		}
		// The lock as the server reports it on HEAD (versitygw answers GetObjectRetention in
		// a shape minio-go cannot parse).
		mode := info.Metadata.Get("X-Amz-Object-Lock-Mode")
		until, err := time.Parse(time.RFC3339, info.Metadata.Get("X-Amz-Object-Lock-Retain-Until-Date"))
		if mode != string(minio.Compliance) || err != nil || !until.After(time.Now().AddDate(9, 0, 0)) {
			t.Fatalf("retention: %q until %v, %v", mode, until, err)
		}
		for _, bypass := range []bool{false, true} {
			err := client.RemoveObject(ctx, bucket, original.Key, minio.RemoveObjectOptions{VersionID: info.VersionID, GovernanceBypass: bypass})
			if err == nil {
				t.Fatalf("the locked version was deleted (governance bypass %v)", bypass)
			}
		}
		forged := []byte("%PDF-1.7 a forged decision")
		put, putErr := client.PutObject(ctx, bucket, original.Key, bytes.NewReader(forged), int64(len(forged)),
			minio.PutObjectOptions{SendContentMd5: true})
		if putErr == nil && put.VersionID == info.VersionID {
			t.Fatalf("the PUT replaced the locked version %s in place", info.VersionID)
		}
		r, err := client.GetObject(ctx, bucket, original.Key, minio.GetObjectOptions{VersionID: info.VersionID})
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		n, err := io.Copy(h, r)
		r.Close()
		if err != nil || n != original.Size || hex.EncodeToString(h.Sum(nil)) != original.SHA256 {
			t.Fatalf("the locked version now holds %d bytes hashing to %x (%v); archived %d bytes %s", n, h.Sum(nil), err, original.Size, original.SHA256)
		}
		if putErr == nil { // the forged bytes went to a new, unlocked version: removing it is allowed
			if err := client.RemoveObject(ctx, bucket, original.Key, minio.RemoveObjectOptions{VersionID: put.VersionID}); err != nil {
				t.Fatalf("remove the forged version: %v", err)
			}
		}
		if damaged := archive.Check(ctx, srcBlobs, pkg); len(damaged) != 0 {
			t.Fatalf("package damaged: %v", damaged)
		}
	})

	dir := filepath.Join(t.TempDir(), "H23.10.2025.01.VX")
	var progressed int64
	meta, err := archive.Export(ctx, src.store, src.blobs, rec.ID, dir, func(done, total int64) { progressed = done })
	if err != nil {
		t.Fatal(err)
	}
	bag, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	report, err := bag.Validate(ctx, bagit.ValidateOptions{})
	if err != nil || !report.Valid() || report.PayloadFiles != 2 || progressed != report.PayloadOctets {
		t.Fatalf("bag: %v, %v; progress %d", report, err, progressed)
	}

	dst := sqliteInstance(t, s3Blobs(t))
	province, _, dstActors := dst.agencyWith(t, "H23", "Ủy ban nhân dân tỉnh Hòa Bình", engine.TierProvince, engine.RoleArchivist, engine.RoleSpecialist)
	res, err := archive.Import(ctx, dst.eng, dst.store, dst.blobs, dir, archive.ImportOptions{AgencyCode: "H23", Actor: dstActors[engine.RoleArchivist]})
	if err != nil {
		t.Fatal(err)
	}
	if res.Identifier != meta.Identifier || res.Record.FondsCode != "H23.10" || len(res.Documents) != 2 || res.Files != 2 {
		t.Fatalf("import: %+v", res)
	}
	for _, d := range res.Documents {
		files, err := dst.store.FileListByDocument(ctx, d.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("files of %s: %+v, %v", d.Subject, files, err)
		}
		if err := blob.Verify(ctx, dst.blobs, files[0].BlobKey); err != nil {
			t.Fatalf("%s in the second bucket: %v", d.Subject, err)
		}
	}

	docs, err := dst.eng.Search(ctx, dstActors[engine.RoleSpecialist], "quyet dinh", 10)
	if err != nil || len(docs) != 1 || docs[0].Subject != "Quyết định phê duyệt kế hoạch chuyển đổi số năm 2025" || docs[0].AgencyID != province.ID {
		t.Fatalf("search in the second instance: %+v, %v", docs, err)
	}

	again, err := archive.Import(ctx, dst.eng, dst.store, dst.blobs, dir, archive.ImportOptions{AgencyCode: "H23", Actor: dstActors[engine.RoleArchivist]})
	if err != nil || !again.AlreadyImported {
		t.Fatalf("second import: %+v, %v", again, err)
	}
	if docs, _ := dst.eng.Search(ctx, dstActors[engine.RoleSpecialist], "quyet dinh", 10); len(docs) != 1 {
		t.Fatalf("a second import duplicated documents: %d found", len(docs))
	}
}

// TestServerCopyNeverLocksDamagedBytes damages an original on the S3 server's disk before
// archiving: the copy inside the server must refuse it rather than lock it in.
func TestServerCopyNeverLocksDamagedBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := os.Getenv("VANTHU_TEST_S3_DIR") // versitygw posix keeps objects as files
	if dir == "" {
		testenv.Unavailable(t, "the S3 server's data directory", errors.New("VANTHU_TEST_S3_DIR is not set"))
	}
	s3 := s3Blobs(t)
	in := sqliteInstance(t, s3)
	rec, _ := in.closedRecordOf(t, "H23.10", 4096)
	ids, err := in.store.RecordDocumentList(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	files, err := in.store.FileListByDocument(ctx, ids[0])
	if err != nil || len(files) == 0 {
		t.Fatalf("files: %v, %v", files, err)
	}
	signed := files[len(files)-1]
	p := filepath.Join(dir, s3.Bucket(), signed.BlobKey)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := archive.Store(ctx, in.store, s3, rec.ID); !errors.Is(err, blob.ErrIntegrity) {
		t.Fatalf("archiving a damaged original: %v, want ErrIntegrity", err)
	}
	key := "archive/H23.10/2025/01.VX/" + signed.SHA256[:2] + "/" + signed.SHA256
	if _, err := s3.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("the damaged original was archived as %s: %v", key, err)
	}
}

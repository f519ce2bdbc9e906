package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/storage/blob"
)

// packageSizes are the signed PDFs of one benchmark record: a decision with its annexes
// and a scanned letter, about 6.5 MB in all.
var packageSizes = []int{3 << 20, 2 << 20, 1 << 20, 512 << 10}

// BenchmarkArchiveThroughput stores records' archival packages through archive.Store to
// the S3 server (object lock COMPLIANCE, no replica) both ways the archive can take: the
// same-bucket path (the server copies the originals) and the general path (the originals
// are read back through the verifying reader and uploaded through blob.Store.Put). In the
// same run and interleaved, it puts the same number of bytes straight with minio-go
// PutObject under the same lock, and reports each path's MB/s and share of the raw rate
// (target ≥ 70%). The machine is shared: run it long enough to settle, e.g.
// -benchtime 40x.
func BenchmarkArchiveThroughput(b *testing.B) {
	ctx := context.Background()
	s3 := s3Blobs(b)
	in := sqliteInstance(b, s3)
	_, unit, actors := in.agencyWith(b, "H23.10", "Ủy ban nhân dân huyện Mai Châu", engine.TierDistrict, everyone...)
	var archiveTime, uploadTime, rawTime time.Duration
	var archived, uploaded, raw int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		recordID, size := benchRecord(b, in, unit, actors, 2*i)
		b.StartTimer()
		start := time.Now()
		if _, err := archive.Store(ctx, in.store, s3, recordID); err != nil {
			b.Fatal(err)
		}
		archiveTime += time.Since(start)
		archived += size

		// The same through the generic path (stream, hash, upload), as with a filesystem
		// source or a store without server-side copy.
		b.StopTimer()
		recordID, size = benchRecord(b, in, unit, actors, 2*i+1)
		b.StartTimer()
		start = time.Now()
		if _, err := archive.Store(ctx, in.store, uploadOnly{s3}, recordID); err != nil {
			b.Fatal(err)
		}
		uploadTime += time.Since(start)
		uploaded += size

		b.StopTimer()
		payloads := make([][]byte, len(packageSizes))
		for j, n := range packageSizes {
			payloads[j] = pdfBytes(n, byte(i*len(packageSizes)+j+101))
		}
		b.StartTimer()
		start = time.Now()
		for j, p := range payloads {
			key := fmt.Sprintf("raw/%d/%d.pdf", i, j)
			_, err := s3.Client().PutObject(ctx, s3.Bucket(), key, bytes.NewReader(p), int64(len(p)), minio.PutObjectOptions{
				ContentType: "application/pdf", SendContentMd5: true, Mode: minio.Compliance,
				RetainUntilDate: time.Now().AddDate(0, 0, 1).UTC()})
			if err != nil {
				b.Fatal(err)
			}
			raw += int64(len(p))
		}
		rawTime += time.Since(start)
	}
	copyRate := float64(archived) / 1e6 / archiveTime.Seconds()
	uploadRate := float64(uploaded) / 1e6 / uploadTime.Seconds()
	rawRate := float64(raw) / 1e6 / rawTime.Seconds()
	b.ReportMetric(copyRate, "copy-MB/s")
	b.ReportMetric(100*copyRate/rawRate, "copy-%-of-raw")
	b.ReportMetric(uploadRate, "upload-MB/s")
	b.ReportMetric(100*uploadRate/rawRate, "upload-%-of-raw")
	b.ReportMetric(rawRate, "raw-put-MB/s")
	b.Logf("%d×2 packages of %.1f MB; raw PutObject %.1f MB/s; same-bucket copy %.1f MB/s (%.0f%% of raw); general path, re-uploading %.1f MB/s (%.0f%% of raw); target ≥ 70%%",
		b.N, float64(archived)/float64(b.N)/1e6, rawRate, copyRate, 100*copyRate/rawRate, uploadRate, 100*uploadRate/rawRate)
}

// uploadOnly hides the S3 store's type, so archive.Store takes its generic path.
type uploadOnly struct{ blob.Store }

// benchRecord files documents of fresh bytes (content addressing would otherwise store
// nothing the second time) into a closed record and returns it with its payload size.
func benchRecord(b *testing.B, in *instance, unit engine.Unit, actors map[engine.Role]engine.Actor, i int) (string, int64) {
	b.Helper()
	ctx := context.Background()
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	rec, err := in.eng.OpenRecord(ctx, actors[engine.RoleArchivist], 2025, engine.RecordSpec{Code: fmt.Sprintf("%02d.VX", i+1),
		Title: "Hồ sơ đo thông lượng", Retention: engine.Retention{Years: 10}})
	must(err)
	var total int64
	for j, n := range packageSizes {
		obj, err := in.blobs.Put(ctx, bytes.NewReader(pdfBytes(n, byte(i*len(packageSizes)+j))), blob.PutOptions{ContentType: "application/pdf"})
		must(err)
		d, err := in.eng.CreateDraft(ctx, actors[engine.RoleSpecialist], engine.DraftInput{TypeCode: "QĐ",
			Subject: "Quyết định số " + fmt.Sprint(i, j), DraftingUnitID: unit.ID}, "")
		must(err)
		_, err = in.eng.Submit(ctx, actors[engine.RoleSpecialist], d.ID, nil, "")
		must(err)
		_, err = in.eng.Approve(ctx, actors[engine.RoleLeader], d.ID, "")
		must(err)
		_, err = in.eng.Sign(ctx, actors[engine.RoleLeader], d.ID, engine.SignInput{Signed: engine.FileInput{Name: "qd.pdf",
			BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}}, "")
		must(err)
		_, err = in.eng.Issue(ctx, actors[engine.RoleClerk], d.ID, "")
		must(err)
		must(in.eng.FileDocument(ctx, actors[engine.RoleArchivist], rec.ID, d.ID))
		total += obj.Size
	}
	_, err = in.eng.CloseRecord(ctx, actors[engine.RoleArchivist], rec.ID, time.Date(2025, 12, 20, 3, 0, 0, 0, time.UTC))
	must(err)
	return rec.ID, total
}

package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/minio/minio-go/v7"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// serverCopy archives an original kept in the same S3 bucket as the package by copying it
// inside the server (CopyObject, locked like a Put would), after reading it once to check
// it against its digest: damaged bytes are never locked in. The bytes are not uploaded
// again, which is what cost the archive most of its time (measured by
// BenchmarkArchiveThroughput). ok is false when the store is not S3.
func serverCopy(ctx context.Context, blobs blob.Store, f engine.File, opts blob.PutOptions) (obj blob.Object, ok bool, err error) {
	s3, isS3 := blobs.(*blob.S3)
	// The copy's key comes from the filed digest, so it must be the digest the source's
	// key promises (and Verify checks); anything else takes the streaming path.
	if !isS3 || len(f.SHA256) != 64 || path.Base(f.BlobKey) != f.SHA256 {
		return blob.Object{}, false, nil
	}
	if err := verifyObject(ctx, blobs, f.BlobKey); err != nil {
		return blob.Object{}, true, err
	}
	// Put's contract: bytes live under Prefix/aa/<sha256>; Stat refuses a key that is not.
	key := path.Join(opts.Prefix, f.SHA256[:2], f.SHA256)
	if existing, err := blobs.Stat(ctx, key); err == nil {
		if err := blobs.ExtendRetention(ctx, key, opts.RetainUntil); err != nil {
			return blob.Object{}, true, err
		}
		if opts.RetainUntil.After(existing.RetainUntil) {
			existing.RetainUntil = opts.RetainUntil.UTC()
		}
		return existing, true, nil
	} else if !errors.Is(err, blob.ErrNotFound) {
		return blob.Object{}, true, err
	}
	dst := minio.CopyDestOptions{Bucket: s3.Bucket(), Object: key, ReplaceMetadata: true,
		UserMetadata: map[string]string{"sha256": f.SHA256, "Content-Type": opts.ContentType}}
	if !opts.RetainUntil.IsZero() {
		dst.Mode, dst.RetainUntilDate = minio.Compliance, opts.RetainUntil.UTC()
	}
	if _, err := s3.Client().CopyObject(ctx, dst, minio.CopySrcOptions{Bucket: s3.Bucket(), Object: f.BlobKey}); err != nil {
		return blob.Object{}, true, fmt.Errorf("archive: s3 copy %s: %w", key, err)
	}
	st, err := blobs.Stat(ctx, key)
	if err != nil {
		return blob.Object{}, true, err
	}
	if st.Size != f.Size {
		return blob.Object{}, true, fmt.Errorf("%w: %s copied as %d bytes, filed as %d", blob.ErrIntegrity, key, st.Size, f.Size)
	}
	return st, true, nil
}

// verifyObject reads an object through the store's checking reader, as blob.Verify does, in
// large reads: minio-go's reader costs per call, and io.Discard's small buffer made the
// check take a third longer (measured on 3 MB objects).
func verifyObject(ctx context.Context, blobs blob.Store, key string) error {
	r, err := blobs.Open(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{r}, make([]byte, 1<<20))
	return err
}

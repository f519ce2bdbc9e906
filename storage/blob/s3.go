package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config locates a bucket on an S3-compatible server.
type S3Config struct {
	Endpoint  string // host:port
	Bucket    string
	Region    string
	Secure    bool // https
	AccessKey string
	SecretKey string
	// PartSize is the multipart chunk for large objects; 16 MiB when zero.
	PartSize uint64
}

// S3 keeps blobs in one bucket. The bucket is created on first write, with object lock
// enabled so that archive objects can be locked in COMPLIANCE mode.
type S3 struct {
	client *minio.Client
	// checked sends client-chosen x-amz-checksum-* headers (minio-go wants trailing
	// header support for them); only putStreaming uses it.
	checked *minio.Client
	cfg     S3Config

	mu          sync.Mutex
	bucketReady bool
	// serverChecksums: the server refused a probe whose x-amz-checksum-sha256 did not
	// match its bytes, so it can be trusted to refuse any such Put.
	serverChecksums bool
}

var _ Store = (*S3)(nil)

// NewS3 returns a store for cfg; it does not contact the server (see Ping).
func NewS3(cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, fmt.Errorf("blob: s3: bucket name is required")
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = 16 << 20
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 %s: %w", cfg.Endpoint, err)
	}
	checked, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:           credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:          cfg.Secure,
		Region:          cfg.Region,
		TrailingHeaders: true,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 %s: %w", cfg.Endpoint, err)
	}
	return &S3{client: client, checked: checked, cfg: cfg}, nil
}

// Client exposes the underlying client to tests that must prove the server itself
// refuses to delete a locked object.
func (s *S3) Client() *minio.Client { return s.client }

// Bucket is the bucket's name.
func (s *S3) Bucket() string { return s.cfg.Bucket }

func (s *S3) ensureBucket(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bucketReady {
		return nil
	}
	exists, err := s.client.BucketExists(ctx, s.cfg.Bucket)
	if err != nil {
		return fmt.Errorf("blob: s3 bucket %s: %w", s.cfg.Bucket, err)
	}
	if !exists {
		err := s.client.MakeBucket(ctx, s.cfg.Bucket, minio.MakeBucketOptions{Region: s.cfg.Region, ObjectLocking: true})
		if err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
			return fmt.Errorf("blob: s3 create bucket %s: %w", s.cfg.Bucket, err)
		}
	}
	s.serverChecksums = s.probeChecksums(ctx)
	s.bucketReady = true
	return nil
}

// checksumProbeKey is where probeChecksums tries to store bytes under a wrong checksum.
const checksumProbeKey = "probe/checksum"

// probeChecksums reports whether the server refuses bytes whose SHA-256 differs from the
// x-amz-checksum-sha256 header sent with them. Only then may Put stream bytes it has not
// hashed yet: the server's check is what keeps wrong bytes from being stored (and
// locked). Any doubt answers false, and Put holds the bytes to hash them first.
func (s *S3) probeChecksums(ctx context.Context) bool {
	body := []byte("vanthu checksum probe")
	wrong := sha256.Sum256(nil)
	info, err := s.checked.PutObject(ctx, s.cfg.Bucket, checksumProbeKey, struct{ io.Reader }{bytes.NewReader(body)}, int64(len(body)),
		minio.PutObjectOptions{UserMetadata: map[string]string{"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(wrong[:])}})
	if err == nil {
		slog.WarnContext(ctx, "blob: s3 server stores bytes that do not match their checksum; puts are hashed before sending", "bucket", s.cfg.Bucket)
		_ = s.client.RemoveObject(ctx, s.cfg.Bucket, checksumProbeKey, minio.RemoveObjectOptions{VersionID: info.VersionID})
		return false
	}
	switch minio.ToErrorResponse(err).Code {
	case "BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "XAmzContentSHA256Mismatch":
		return true
	}
	return false
}

// Put only ever writes an object under the digest of its own bytes. With the SHA-256 and
// size known (and the object fitting one request) it streams them and lets the server
// check the digest; otherwise it holds and hashes them first. Large objects go up in
// parts.
func (s *S3) Put(ctx context.Context, r io.Reader, opts PutOptions) (_ Object, err error) {
	defer outage(&err)
	if err := opts.checkKnown(); err != nil {
		return Object{}, err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return Object{}, err
	}
	if opts.SHA256 != "" && opts.Size > 0 && uint64(opts.Size) <= s.cfg.PartSize && s.serverChecksums {
		return s.putStreaming(ctx, r, opts)
	}
	return s.putBuffered(ctx, r, opts)
}

// putStreaming sends the bytes while reading them, with the SHA-256 the caller expects
// in x-amz-checksum-sha256: the server (see probeChecksums) stores nothing unless the
// bytes it received hash to it, so the object under the key is always the key's bytes.
// Reading the source then overlaps the upload instead of preceding it, which is what
// brought the archive's re-uploading path near the raw PutObject rate.
func (s *S3) putStreaming(ctx context.Context, r io.Reader, opts PutOptions) (Object, error) {
	key, err := keyFor(opts.Prefix, opts.SHA256)
	if err != nil {
		return Object{}, err
	}
	if _, err := s.Stat(ctx, key); err == nil {
		// Stored already: read and check the bytes anyway, as every Put does.
		return s.putBuffered(ctx, r, opts)
	}
	sum, _ := hex.DecodeString(opts.SHA256) // checkKnown accepted it
	put := minio.PutObjectOptions{
		ContentType: opts.ContentType,
		UserMetadata: map[string]string{"sha256": opts.SHA256,
			"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(sum)},
	}
	if !opts.RetainUntil.IsZero() {
		put.Mode = minio.Compliance
		put.RetainUntilDate = opts.RetainUntil.UTC()
	}
	// The wrapper also hides any io.ReaderAt/Seeker, so minio-go streams instead of
	// buffering.
	body := &streamBody{r: readerWithContext(ctx, r), want: opts.Size}
	if _, err := s.checked.PutObject(ctx, s.cfg.Bucket, key, body, opts.Size, put); err != nil {
		if body.err != nil {
			return Object{}, fmt.Errorf("blob: s3 put %s: %w", key, body.err)
		}
		switch minio.ToErrorResponse(err).Code {
		case "BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch":
			return Object{}, fmt.Errorf("%w: s3 put %s: the bytes do not hash to the expected SHA-256: %v", ErrIntegrity, key, err)
		}
		return Object{}, fmt.Errorf("blob: s3 put %s: %w", key, err)
	}
	// The server holds exactly the expected bytes; a longer input is still the caller's
	// mistake to hear about.
	if n, _ := body.r.Read(make([]byte, 1)); n > 0 {
		return Object{}, fmt.Errorf("%w: %s: more bytes than the expected %d (the object holds the expected ones)", ErrIntegrity, key, opts.Size)
	}
	return Object{Key: key, SHA256: opts.SHA256, Size: opts.Size, RetainUntil: put.RetainUntilDate}, nil
}

// streamBody passes a Put's bytes to minio-go and keeps what went wrong with them, so the
// caller hears the source's error (ErrIntegrity from a verifying reader, a short input)
// rather than the HTTP client's.
type streamBody struct {
	r    io.Reader
	want int64
	n    int64
	err  error
}

func (b *streamBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	switch {
	case b.err != nil:
	case b.n > b.want:
		b.err = fmt.Errorf("%w: more bytes than the expected %d", ErrIntegrity, b.want)
	case errors.Is(err, io.EOF) && b.n < b.want:
		b.err = fmt.Errorf("%w: %d bytes, not the expected %d", ErrIntegrity, b.n, b.want)
	case err != nil && !errors.Is(err, io.EOF):
		b.err = err
	}
	return n, err
}

// putBuffered holds the bytes (in memory, or a temporary file when large) and hashes them
// before sending anything. With the SHA-256 known, the lookup for an existing object runs
// while the bytes are read.
func (s *S3) putBuffered(ctx context.Context, r io.Reader, opts PutOptions) (Object, error) {
	var early chan statResult
	if opts.SHA256 != "" {
		key, err := keyFor(opts.Prefix, opts.SHA256)
		if err != nil {
			return Object{}, err
		}
		early = make(chan statResult, 1)
		go func() {
			obj, err := s.Stat(ctx, key)
			early <- statResult{obj, err}
		}()
	}
	sp, err := newSpool(ctx, r, opts.Size)
	if err != nil {
		return Object{}, err
	}
	defer sp.Close()
	if err := sp.check(opts); err != nil {
		return Object{}, err
	}
	key, err := keyFor(opts.Prefix, sp.digest)
	if err != nil {
		return Object{}, err
	}
	var existing statResult
	if early != nil {
		existing = <-early // the same key: the digest matched opts.SHA256
	} else {
		existing.obj, existing.err = s.Stat(ctx, key)
	}
	// Bytes stored already and locked stay as they are. Unlocked ones are stored again,
	// so that their date is now: the collector of unreferenced blobs goes by it, and must
	// not take bytes a caller is about to reference for an old orphan.
	if existing.err == nil && time.Now().Before(existing.obj.RetainUntil) {
		obj := existing.obj
		if !opts.RetainUntil.IsZero() {
			if err := s.ExtendRetention(ctx, key, opts.RetainUntil); err != nil {
				return Object{}, err
			}
			obj.RetainUntil = maxTime(obj.RetainUntil, opts.RetainUntil.UTC())
		}
		return obj, nil
	}
	put := minio.PutObjectOptions{
		ContentType:    opts.ContentType,
		PartSize:       s.cfg.PartSize,
		SendContentMd5: true, // object-locked buckets require a content checksum
		UserMetadata:   map[string]string{"sha256": sp.digest},
	}
	if !opts.RetainUntil.IsZero() {
		put.Mode = minio.Compliance
		put.RetainUntilDate = opts.RetainUntil.UTC()
	}
	if _, err := s.client.PutObject(ctx, s.cfg.Bucket, key, sp.reader(), sp.size, put); err != nil {
		return Object{}, fmt.Errorf("blob: s3 put %s: %w", key, err)
	}
	return Object{Key: key, SHA256: sp.digest, Size: sp.size, RetainUntil: put.RetainUntilDate}, nil
}

// List lists the bucket's current objects under prefix; the retention of each is read
// with a HEAD request, as listings do not carry it.
func (s *S3) List(ctx context.Context, prefix string, fn func(Object) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing when fn stops early
	for info := range s.client.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if info.Err != nil {
			if minio.ToErrorResponse(info.Err).Code == "NoSuchBucket" {
				return nil // created on first write: nothing stored yet
			}
			return fmt.Errorf("blob: s3 list %s: %w", prefix, info.Err)
		}
		digest, err := digestOf(info.Key)
		if err != nil || !listed(info.Key) {
			continue
		}
		head, err := s.client.StatObject(ctx, s.cfg.Bucket, info.Key, minio.StatObjectOptions{})
		if err != nil {
			if errors.Is(s.translate("list", info.Key, err), ErrNotFound) {
				continue // deleted while listing
			}
			return s.translate("list", info.Key, err)
		}
		obj := Object{Key: info.Key, SHA256: digest, Size: head.Size, RetainUntil: retainUntil(head), Modified: head.LastModified.UTC()}
		if err := fn(obj); err != nil {
			return err
		}
	}
	return ctx.Err()
}

type statResult struct {
	obj Object
	err error
}

func (s *S3) Open(ctx context.Context, key string) (_ io.ReadCloser, err error) {
	defer outage(&err)
	digest, err := digestOf(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.cfg.Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.translate("open", key, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s.translate("open", key, err)
	}
	return newVerifier(obj, key, digest), nil
}

func (s *S3) Stat(ctx context.Context, key string) (_ Object, err error) {
	defer outage(&err)
	digest, err := digestOf(key)
	if err != nil {
		return Object{}, err
	}
	info, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Object{}, s.translate("stat", key, err)
	}
	return Object{Key: key, SHA256: digest, Size: info.Size, RetainUntil: retainUntil(info)}, nil
}

// retainUntil reads the lock date from the HEAD response's headers; some servers answer
// GetObjectRetention in a shape minio-go cannot parse, every server sends these headers.
func retainUntil(info minio.ObjectInfo) time.Time {
	v := info.Metadata.Get("X-Amz-Object-Lock-Retain-Until-Date")
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		// Unknown format: keep it locked rather than guess it open.
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return t.UTC()
}

// Delete removes the object's current version for good (not just a delete marker), and
// refuses while it is under retention; the server would refuse too.
func (s *S3) Delete(ctx context.Context, key string) (err error) {
	defer outage(&err)
	if _, err := digestOf(key); err != nil {
		return err
	}
	info, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return s.translate("delete", key, err)
	}
	if until := retainUntil(info); time.Now().Before(until) {
		return fmt.Errorf("%w: %s until %s", ErrLocked, key, until.Format(time.RFC3339))
	}
	err = s.client.RemoveObject(ctx, s.cfg.Bucket, key, minio.RemoveObjectOptions{VersionID: info.VersionID})
	if err != nil {
		return s.translate("delete", key, err)
	}
	return nil
}

func (s *S3) ExtendRetention(ctx context.Context, key string, until time.Time) (err error) {
	defer outage(&err)
	obj, err := s.Stat(ctx, key)
	if err != nil {
		return err
	}
	if !until.After(obj.RetainUntil) {
		return nil
	}
	mode := minio.Compliance
	until = until.UTC()
	err = s.client.PutObjectRetention(ctx, s.cfg.Bucket, key, minio.PutObjectRetentionOptions{Mode: &mode, RetainUntilDate: &until})
	if err != nil {
		return s.translate("extend retention", key, err)
	}
	return nil
}

// Repair stores the verified bytes as the object's newest version with the same
// retention; a damaged locked version stays (the lock forbids removing it) but is no
// longer what a read returns.
func (s *S3) Repair(ctx context.Context, key string, r io.Reader) (err error) {
	defer outage(&err)
	digest, err := digestOf(key)
	if err != nil {
		return err
	}
	tmp, size, err := spoolVerified(ctx, "", key, digest, r)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	put := minio.PutObjectOptions{PartSize: s.cfg.PartSize, SendContentMd5: true, UserMetadata: map[string]string{"sha256": digest}}
	if info, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{}); err == nil {
		if until := retainUntil(info); !until.IsZero() {
			put.Mode, put.RetainUntilDate = minio.Compliance, until
		}
	}
	if _, err := s.client.PutObject(ctx, s.cfg.Bucket, key, tmp, size, put); err != nil {
		return fmt.Errorf("blob: s3 repair %s: %w", key, err)
	}
	return nil
}

// Ping checks that the server answers and accepts the credentials. A bucket that does
// not exist yet is fine: it is created on first write.
func (s *S3) Ping(ctx context.Context) (err error) {
	defer outage(&err)
	if _, err := s.client.BucketExists(ctx, s.cfg.Bucket); err != nil {
		return fmt.Errorf("blob: s3 %s: %w", s.cfg.Endpoint, err)
	}
	return nil
}

func (s *S3) translate(op, key string, err error) error {
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchKey", "NoSuchBucket", "NotFound":
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	case "AccessDenied", "InvalidRequest":
		if op == "delete" {
			return fmt.Errorf("%w: %s: %v", ErrLocked, key, err)
		}
	}
	return fmt.Errorf("blob: s3 %s %s: %w", op, key, err)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
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
	cfg    S3Config

	mu          sync.Mutex
	bucketReady bool
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
	return &S3{client: client, cfg: cfg}, nil
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
	s.bucketReady = true
	return nil
}

// Put spools the bytes to a temporary file to learn their digest (the key) and size
// before sending them; large objects go up in parts.
func (s *S3) Put(ctx context.Context, r io.Reader, opts PutOptions) (Object, error) {
	if err := s.ensureBucket(ctx); err != nil {
		return Object{}, err
	}
	tmp, err := os.CreateTemp("", "vanthu-blob-*")
	if err != nil {
		return Object{}, fmt.Errorf("blob: put: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), readerWithContext(ctx, r))
	if err != nil {
		return Object{}, fmt.Errorf("blob: put: %w", err)
	}
	digest := hex.EncodeToString(h.Sum(nil))
	key, err := keyFor(opts.Prefix, digest)
	if err != nil {
		return Object{}, err
	}
	if existing, err := s.Stat(ctx, key); err == nil {
		if !opts.RetainUntil.IsZero() {
			if err := s.ExtendRetention(ctx, key, opts.RetainUntil); err != nil {
				return Object{}, err
			}
			existing.RetainUntil = maxTime(existing.RetainUntil, opts.RetainUntil.UTC())
		}
		return existing, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Object{}, fmt.Errorf("blob: put: %w", err)
	}
	put := minio.PutObjectOptions{
		ContentType:    opts.ContentType,
		PartSize:       s.cfg.PartSize,
		SendContentMd5: true, // object-locked buckets require a content checksum
		UserMetadata:   map[string]string{"sha256": digest},
	}
	if !opts.RetainUntil.IsZero() {
		put.Mode = minio.Compliance
		put.RetainUntilDate = opts.RetainUntil.UTC()
	}
	if _, err := s.client.PutObject(ctx, s.cfg.Bucket, key, tmp, size, put); err != nil {
		return Object{}, fmt.Errorf("blob: s3 put %s: %w", key, err)
	}
	return Object{Key: key, SHA256: digest, Size: size, RetainUntil: put.RetainUntilDate}, nil
}

func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
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

func (s *S3) Stat(ctx context.Context, key string) (Object, error) {
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
func (s *S3) Delete(ctx context.Context, key string) error {
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

func (s *S3) ExtendRetention(ctx context.Context, key string, until time.Time) error {
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
func (s *S3) Repair(ctx context.Context, key string, r io.Reader) error {
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
func (s *S3) Ping(ctx context.Context) error {
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

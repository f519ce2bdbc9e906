// Package blob stores document bytes: content-addressed by SHA-256, verified on every
// read, optionally locked against deletion until a date (WORM) for archive objects. Two
// stores implement it, S3 (minio-go) and the local filesystem, and pass one suite.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"regexp"
	"strings"
	"time"
)

// Store is a blob store.
type Store interface {
	// Put stores r's bytes under Prefix/aa/<sha256 hex> and returns where. Putting the same
	// bytes twice stores them once.
	Put(ctx context.Context, r io.Reader, opts PutOptions) (Object, error)
	// Open streams an object. The reader checks the bytes against the digest in the key:
	// it returns ErrIntegrity instead of io.EOF when they differ, so damaged bytes are
	// never passed off as complete.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Stat(ctx context.Context, key string) (Object, error)
	// Delete removes an object; ErrLocked while its retention lasts.
	Delete(ctx context.Context, key string) error
	// ExtendRetention moves an object's retain-until date later (never earlier).
	ExtendRetention(ctx context.Context, key string, until time.Time) error
	// Repair puts good bytes back under a key whose stored bytes are damaged, keeping
	// its retention. The bytes must hash to the key's digest, so a repair can only ever
	// restore the original, never replace it.
	Repair(ctx context.Context, key string, r io.Reader) error
	// Ping checks that the store is reachable and usable.
	Ping(ctx context.Context) error
	// List calls fn with every object whose key starts with prefix, in key order, with
	// its size, last change and retention; an error from fn stops the listing and is
	// returned. Only the store's own keys (Prefix/aa/<sha256 hex>) are listed, never
	// what something else left in the same bucket or directory.
	List(ctx context.Context, prefix string, fn func(Object) error) error
}

// Object describes a stored blob.
type Object struct {
	Key         string
	SHA256      string // lower-case hex
	Size        int64
	RetainUntil time.Time // zero when not locked
	Modified    time.Time // when the bytes were stored; set by List
}

// PutOptions say where and how to keep an object.
type PutOptions struct {
	// Prefix groups objects, e.g. "archive/H23/2025/HS-01"; "sha256" when empty.
	Prefix string
	// RetainUntil locks the object (S3 object lock in COMPLIANCE mode) until then.
	RetainUntil time.Time
	ContentType string
	// SHA256 (lower-case hex) and Size, when set, are what the caller already knows of the
	// bytes, e.g. because it read them through a store's verifying reader. Put still
	// hashes the bytes and refuses them with ErrIntegrity, storing nothing, when they
	// differ; knowing the key early lets the S3 store look for an existing object while
	// the bytes arrive. Size 0 means unknown.
	SHA256 string
	Size   int64
}

// The kinds of blob errors; callers map them onto their own (a missing object is a 404
// to the API, a bad key a refused request), so the store knows nothing of the engine.
var (
	ErrNotFound  = errors.New("blob: object not found")
	ErrIntegrity = errors.New("blob: integrity check failed")
	ErrLocked    = errors.New("blob: object is under retention")
	ErrBadKey    = errors.New("blob: invalid key")
)

const defaultPrefix = "sha256"

var (
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$`)
	digestPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// keyFor is where an object with this digest lives under prefix.
func keyFor(prefix, digest string) (string, error) {
	if prefix == "" {
		prefix = defaultPrefix
	}
	if !prefixPattern.MatchString(prefix) || strings.Contains(prefix, "..") {
		return "", fmt.Errorf("%w: prefix %q", ErrBadKey, prefix)
	}
	return path.Join(prefix, digest[:2], digest), nil
}

// digestOf returns the SHA-256 a key promises, refusing keys that are not ours.
func digestOf(key string) (string, error) {
	dir, digest := path.Split(key)
	dir = strings.TrimSuffix(dir, "/")
	if !digestPattern.MatchString(digest) || path.Base(dir) != digest[:2] {
		return "", fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	if prefix := path.Dir(dir); !prefixPattern.MatchString(prefix) || strings.Contains(prefix, "..") {
		return "", fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return digest, nil
}

// verifier passes bytes through and, at the end, compares their digest and length with
// what the key promised.
type verifier struct {
	r      io.ReadCloser
	key    string
	want   string
	h      hash.Hash
	n      int64
	result error
}

func newVerifier(r io.ReadCloser, key, want string) *verifier {
	return &verifier{r: r, key: key, want: want, h: sha256.New()}
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.result != nil {
		return 0, v.result
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if errors.Is(err, io.EOF) {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			v.result = fmt.Errorf("%w: %s: stored bytes hash to %s", ErrIntegrity, v.key, got)
			return n, v.result
		}
		v.result = io.EOF
	}
	return n, err
}

func (v *verifier) Close() error { return v.r.Close() }

// Verify reads a whole object and reports whether its bytes match its key.
func Verify(ctx context.Context, s Store, key string) error {
	r, err := s.Open(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err
}

// spoolVerified copies r to a temporary file in dir and checks that it hashes to want.
func spoolVerified(ctx context.Context, dir, key, want string, r io.Reader) (*os.File, int64, error) {
	tmp, err := os.CreateTemp(dir, "repair-*")
	if err != nil {
		return nil, 0, fmt.Errorf("blob: repair: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), readerWithContext(ctx, r))
	if err == nil {
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			err = fmt.Errorf("%w: %s: the repair bytes hash to %s", ErrIntegrity, key, got)
		}
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, 0, err
	}
	return tmp, n, nil
}

package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// FS keeps blobs as files under a root directory, in the same key layout as S3.
//
// Retention is kept in a "<file>.retain" side file and the blob file is made read-only;
// this stops vanthu and careless hands, not root: real WORM needs S3 object lock.
type FS struct {
	root string
}

var _ Store = (*FS)(nil)

// NewFS returns a store rooted at dir, creating it if needed, with the directories of
// the default prefix's 256 shards: an upload then never makes one, with the syncs of its
// parents, on the clerk's request.
func NewFS(dir string) (*FS, error) {
	if err := os.MkdirAll(filepath.Join(dir, ".tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	s := &FS{root: dir}
	if err := s.makeShards(defaultPrefix); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	return s, nil
}

// makeShards creates the 256 directories of prefix's objects, with one sync of their
// parent; the last made stands for all at the next start. Put still makes a directory
// it does not find.
func (s *FS) makeShards(prefix string) error {
	parent := s.path(prefix)
	if _, err := os.Stat(filepath.Join(parent, "ff")); err == nil {
		return nil
	}
	if err := s.mkdir(parent); err != nil {
		return err
	}
	for i := range 256 {
		if err := os.Mkdir(filepath.Join(parent, fmt.Sprintf("%02x", i)), 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return syncDir(parent)
}

func (s *FS) path(key string) string { return filepath.Join(s.root, filepath.FromSlash(key)) }

// Put writes the object durably: the bytes go to a temporary file, which is renamed into
// place and only then synced, with its directory. The file's sync then carries the rename
// with it and the directory's has less left to do (synced the other way round, each wrote
// metadata of its own: about 3% fewer registrations a second). A crash before the syncs
// return can leave a torn file under the object's name, but nothing references it yet
// (the caller records the key only after Put returns), and a later Put of the same bytes
// checks a file it finds before it trusts it.
func (s *FS) Put(ctx context.Context, r io.Reader, opts PutOptions) (_ Object, err error) {
	defer outage(&err)
	if err := opts.checkKnown(); err != nil {
		return Object{}, err
	}
	tmp, err := os.CreateTemp(filepath.Join(s.root, ".tmp"), "put-*")
	if err != nil {
		return Object{}, fmt.Errorf("blob: put: %w", err)
	}
	renamed := false
	defer func() {
		tmp.Close()
		if !renamed {
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	buf := copyBuffers.Get().(*[]byte)
	size, err := io.CopyBuffer(io.MultiWriter(tmp, h), readerWithContext(ctx, r), *buf)
	copyBuffers.Put(buf)
	if err != nil {
		return Object{}, fmt.Errorf("blob: put: %w", err)
	}
	digest := hex.EncodeToString(h.Sum(nil))
	if err := (&spool{digest: digest, size: size}).check(opts); err != nil {
		return Object{}, err
	}
	key, err := keyFor(opts.Prefix, digest)
	if err != nil {
		return Object{}, err
	}
	obj := Object{Key: key, SHA256: digest, Size: size}
	final := s.path(key)
	dir := filepath.Dir(final)
	if stored, err := s.storedWhole(final, digest); err != nil {
		return Object{}, err
	} else if stored {
		// Same bytes already stored; only the retention may need to grow. Stored now as far
		// as the collector of unreferenced blobs can tell: the caller is about to
		// reference them.
		now := time.Now()
		if err := os.Chtimes(final, now, now); err != nil {
			return Object{}, fmt.Errorf("blob: put: %w", err)
		}
		if !opts.RetainUntil.IsZero() {
			if err := s.ExtendRetention(ctx, key, opts.RetainUntil); err != nil {
				return Object{}, err
			}
		}
		return s.Stat(ctx, key)
	}
	if err := s.mkdir(dir); err != nil {
		return Object{}, fmt.Errorf("blob: put: %w", err)
	}
	if !opts.RetainUntil.IsZero() {
		// The lock is on disk before the object is synced, so there is no unlocked moment;
		// the one directory sync below makes both renames durable.
		if err := stageRetention(final, opts.RetainUntil); err != nil {
			return Object{}, err
		}
		obj.RetainUntil = opts.RetainUntil.UTC()
		if err := os.Chmod(tmp.Name(), 0o440); err != nil {
			return Object{}, fmt.Errorf("blob: put: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Object{}, fmt.Errorf("blob: put: %w", err)
	}
	renamed = true
	if err := tmp.Sync(); err != nil {
		return Object{}, fmt.Errorf("blob: put: sync: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return Object{}, err
	}
	return obj, nil
}

// storedWhole reports whether the file at path holds the bytes digest names, synced: a
// Put of the same bytes may have renamed it into place and not synced it yet, or a crash
// may have left it torn. A torn one is for the caller to write over.
func (s *FS) storedWhole(path, digest string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: put: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	buf := copyBuffers.Get().(*[]byte)
	_, err = io.CopyBuffer(h, f, *buf)
	copyBuffers.Put(buf)
	if err != nil {
		return false, fmt.Errorf("blob: put: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != digest {
		return false, nil
	}
	if err := f.Sync(); err != nil {
		return false, fmt.Errorf("blob: put: sync: %w", err)
	}
	return true, syncDir(filepath.Dir(path))
}

func (s *FS) Open(ctx context.Context, key string) (_ io.ReadCloser, err error) {
	defer outage(&err)
	digest, err := digestOf(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open: %w", err)
	}
	return newVerifier(f, key, digest), nil
}

func (s *FS) Stat(ctx context.Context, key string) (_ Object, err error) {
	defer outage(&err)
	digest, err := digestOf(key)
	if err != nil {
		return Object{}, err
	}
	fi, err := os.Stat(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return Object{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return Object{}, fmt.Errorf("blob: stat: %w", err)
	}
	until, err := readRetention(s.path(key))
	if err != nil {
		return Object{}, err
	}
	return Object{Key: key, SHA256: digest, Size: fi.Size(), RetainUntil: until}, nil
}

func (s *FS) Delete(ctx context.Context, key string) (err error) {
	defer outage(&err)
	obj, err := s.Stat(ctx, key)
	if err != nil {
		return err
	}
	if time.Now().Before(obj.RetainUntil) {
		return fmt.Errorf("%w: %s until %s", ErrLocked, key, obj.RetainUntil.Format(time.RFC3339))
	}
	p := s.path(key)
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("blob: delete: %w", err)
	}
	if err := os.Remove(p + ".retain"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete: %w", err)
	}
	return syncDir(filepath.Dir(p))
}

func (s *FS) ExtendRetention(ctx context.Context, key string, until time.Time) (err error) {
	defer outage(&err)
	obj, err := s.Stat(ctx, key)
	if err != nil {
		return err
	}
	if !until.After(obj.RetainUntil) {
		return nil
	}
	if err := writeRetention(s.path(key), until); err != nil {
		return err
	}
	return os.Chmod(s.path(key), 0o440)
}

// Repair writes the verified bytes over a damaged file, keeping its retention.
func (s *FS) Repair(ctx context.Context, key string, r io.Reader) (err error) {
	defer outage(&err)
	digest, err := digestOf(key)
	if err != nil {
		return err
	}
	tmp, _, err := spoolVerified(ctx, filepath.Join(s.root, ".tmp"), key, digest, r)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("blob: repair: %w", err)
	}
	final := s.path(key)
	mode := os.FileMode(0o640)
	if until, _ := readRetention(final); !until.IsZero() {
		mode = 0o440
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return fmt.Errorf("blob: repair: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return fmt.Errorf("blob: repair: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("blob: repair: %w", err)
	}
	return syncDir(filepath.Dir(final))
}

// Ping checks that the root exists and takes writes.
func (s *FS) Ping(ctx context.Context) (err error) {
	defer outage(&err)
	f, err := os.CreateTemp(filepath.Join(s.root, ".tmp"), "ping-*")
	if err != nil {
		return fmt.Errorf("blob: %s is not writable: %w", s.root, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func writeRetention(objectPath string, until time.Time) error {
	if err := stageRetention(objectPath, until); err != nil {
		return err
	}
	return syncDir(filepath.Dir(objectPath))
}

// stageRetention writes the retention side file, its bytes synced, into place; the
// caller syncs the directory.
func stageRetention(objectPath string, until time.Time) error {
	dir := filepath.Dir(objectPath)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("blob: retention: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".retain-*")
	if err != nil {
		return fmt.Errorf("blob: retention: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(until.UTC().Format(time.RFC3339Nano)); err != nil {
		tmp.Close()
		return fmt.Errorf("blob: retention: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("blob: retention: %w", err)
	}
	tmp.Close()
	if err := os.Rename(tmp.Name(), objectPath+".retain"); err != nil {
		return fmt.Errorf("blob: retention: %w", err)
	}
	return nil
}

func readRetention(objectPath string) (time.Time, error) {
	b, err := os.ReadFile(objectPath + ".retain")
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("blob: retention: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		// An unreadable lock must not unlock the object: treat it as locked forever.
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), nil
	}
	return t, nil
}

// mkdir creates an object's directory; a new one is synced into its parent, or a crash
// could lose it with every object already renamed into it.
func (s *FS) mkdir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for d := dir; d != s.root && len(d) > len(s.root); d = filepath.Dir(d) {
		if err := syncDir(filepath.Dir(d)); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blob: sync %s: %w", dir, err)
	}
	return nil
}

// readerWithContext stops a long copy when ctx ends.
func readerWithContext(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// List walks the directories under prefix; side files (retention, temporary files) and
// the readiness probe are not objects and are left out.
func (s *FS) List(ctx context.Context, prefix string, fn func(Object) error) error {
	start := filepath.Join(s.root, filepath.FromSlash(path.Dir(prefix+"x")))
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == start {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key == ".tmp" {
				return fs.SkipDir
			}
			return nil
		}
		digest, err := digestOf(key)
		if err != nil || !strings.HasPrefix(key, prefix) || !listed(key) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted while listing
		}
		if err != nil {
			return err
		}
		until, err := readRetention(p)
		if err != nil {
			return err
		}
		return fn(Object{Key: key, SHA256: digest, Size: fi.Size(), RetainUntil: until, Modified: fi.ModTime().UTC()})
	})
	if err != nil {
		return fmt.Errorf("blob: list %s: %w", prefix, err)
	}
	return nil
}

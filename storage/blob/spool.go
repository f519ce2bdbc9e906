package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
)

// memSpoolLimit is the largest object a Put holds in memory while hashing it; larger ones
// spill to a temporary file. Archive originals (signed PDFs) are a few MB, and writing
// them to a file and reading them back cost the S3 Put a good share of its time
// (BenchmarkArchiveThroughput).
const memSpoolLimit = 16 << 20

// spoolPool keeps spool buffers between Puts so that a run of uploads does not allocate
// (and zero) megabytes each time.
var spoolPool = sync.Pool{New: func() any { b := make([]byte, 0, 1<<20); return &b }}

// copyBuffers are the buffers Puts copy through, kept between Puts.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// spool holds a Put's bytes, hashed on the way in, until they are stored.
type spool struct {
	buf    *[]byte  // the bytes, when they fit in memory
	file   *os.File // otherwise, the bytes in a temporary file
	size   int64
	digest string // lower-case hex SHA-256
}

// newSpool reads r to the end. sizeHint (0 when unknown) sizes the buffer up front.
func newSpool(ctx context.Context, r io.Reader, sizeHint int64) (*spool, error) {
	s := &spool{buf: spoolPool.Get().(*[]byte)}
	buf := (*s.buf)[:0]
	if sizeHint > 0 && sizeHint < memSpoolLimit && int64(cap(buf)) <= sizeHint {
		// One byte more than promised, so the read that finds EOF needs no growth.
		buf = make([]byte, 0, sizeHint+1)
	}
	h := sha256.New()
	r = readerWithContext(ctx, r)
	for {
		if len(buf) == cap(buf) {
			if cap(buf) >= memSpoolLimit {
				*s.buf = buf
				return s, s.spill(r, h)
			}
			buf = append(buf, 0)[:len(buf)] // let append pick the growth
		}
		// Reading straight into the buffer in large chunks: minio-go's object reader costs
		// per call.
		n, err := r.Read(buf[len(buf):cap(buf)])
		h.Write(buf[len(buf) : len(buf)+n])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			*s.buf = buf
			s.Close()
			return nil, fmt.Errorf("blob: put: %w", err)
		}
	}
	*s.buf = buf
	s.size = int64(len(buf))
	s.digest = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// spill moves the buffered bytes to a temporary file and copies the rest of r after them.
func (s *spool) spill(r io.Reader, h hash.Hash) error {
	tmp, err := os.CreateTemp("", "vanthu-blob-*")
	if err != nil {
		s.Close()
		return fmt.Errorf("blob: put: %w", err)
	}
	s.file = tmp
	n, err := tmp.Write(*s.buf)
	if err == nil {
		var m int64
		m, err = io.CopyBuffer(io.MultiWriter(tmp, h), r, (*s.buf)[:cap(*s.buf)])
		n += int(m)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		s.Close()
		return fmt.Errorf("blob: put: %w", err)
	}
	s.size = int64(n)
	s.digest = hex.EncodeToString(h.Sum(nil))
	return nil
}

// reader returns the spooled bytes from the start; it is an io.ReaderAt and io.Seeker, so
// minio-go computes its Content-MD5 without another copy.
func (s *spool) reader() io.Reader {
	if s.file != nil {
		return s.file
	}
	return bytes.NewReader(*s.buf)
}

// check refuses bytes that are not what the caller said they are.
func (s *spool) check(opts PutOptions) error {
	if opts.SHA256 != "" && s.digest != opts.SHA256 {
		return fmt.Errorf("%w: the bytes hash to %s, not the expected %s", ErrIntegrity, s.digest, opts.SHA256)
	}
	if opts.Size > 0 && s.size != opts.Size {
		return fmt.Errorf("%w: %d bytes, not the expected %d", ErrIntegrity, s.size, opts.Size)
	}
	return nil
}

func (s *spool) Close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
	if s.buf != nil {
		if cap(*s.buf) <= memSpoolLimit+1 {
			*s.buf = (*s.buf)[:0]
			spoolPool.Put(s.buf)
		}
		s.buf = nil
	}
}

// checkKnown validates the caller's SHA256 before any byte is read.
func (o PutOptions) checkKnown() error {
	if o.SHA256 != "" && !digestPattern.MatchString(o.SHA256) {
		return fmt.Errorf("%w: expected SHA-256 %q", ErrBadKey, o.SHA256)
	}
	if o.Size < 0 {
		return fmt.Errorf("%w: expected size %d", ErrBadKey, o.Size)
	}
	return nil
}

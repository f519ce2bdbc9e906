package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"
	"testing"
	"time"
)

// TestOutage checks that outages reach callers as ErrUnavailable, and faults of the
// request do not: a full disk, a read-only one and an S3 server nobody answers for are
// outages; a missing object is not.
func TestOutage(t *testing.T) {
	t.Parallel()
	t.Run("DiskFullReadOnlyAndQuotaAreOutages", func(t *testing.T) {
		t.Parallel()
		for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EROFS, syscall.EDQUOT} {
			err := fmt.Errorf("blob: put: %w", &fs.PathError{Op: "write", Path: "/blobs/.tmp/put-1", Err: errno})
			outage(&err)
			if !errors.Is(err, ErrUnavailable) || !errors.Is(err, errno) {
				t.Errorf("%v: got %v, want ErrUnavailable wrapping it", errno, err)
			}
		}
	})
	t.Run("MissingObjectIsNotAnOutage", func(t *testing.T) {
		t.Parallel()
		s, err := NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Stat(context.Background(), "sha256/aa/aa"+string(bytes.Repeat([]byte("0"), 62)))
		if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
			t.Fatalf("stat of a missing object: %v", err)
		}
	})
	t.Run("UnreachableS3IsAnOutage", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there any more: connections are refused
		s, err := NewS3(S3Config{Endpoint: addr, Bucket: "vanthu", AccessKey: "k", SecretKey: "secret-key"})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = s.Put(ctx, bytes.NewReader([]byte("%PDF-1.7 probe")), PutOptions{ContentType: "application/pdf"})
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("put to a closed port: %v, want ErrUnavailable", err)
		}
		if err := s.Ping(ctx); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("ping of a closed port: %v, want ErrUnavailable", err)
		}
	})
}

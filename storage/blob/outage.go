package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/minio/minio-go/v7"
)

// ErrUnavailable is an outage of the store rather than a fault of the request: the disk is
// full or read-only, the S3 server unreachable or failing. Nothing was stored; the same
// request may succeed later.
var ErrUnavailable = errors.New("blob: store unavailable")

// outage marks *err as ErrUnavailable when it is one; the stores' methods defer it so that
// callers see one kind whatever the backend.
func outage(err *error) {
	if *err != nil && !errors.Is(*err, ErrUnavailable) && IsUnavailable(*err) {
		*err = fmt.Errorf("%w: %w", ErrUnavailable, *err)
	}
}

// IsUnavailable reports whether err is an outage: ErrUnavailable, or one the stores
// translate into it (no space or quota left, a read-only file system, a network failure,
// a server error from S3) that reached the caller untranslated, through a wrapper.
func IsUnavailable(err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, ErrUnavailable),
		errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EROFS),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &netErr):
		return true
	}
	return minio.ToErrorResponse(err).StatusCode >= http.StatusInternalServerError
}

// ProbePrefix is where Probe writes. List leaves it out: the probe is no content, so
// neither the collection of unreferenced blobs nor the doctor's orphan count sees it.
const ProbePrefix = "probe"

// listed says whether List reports an object stored under key.
func listed(key string) bool { return !strings.HasPrefix(key, ProbePrefix+"/") }

var probeBytes = []byte("vanthu readiness probe\n")

// Probe proves that s takes a write, as a readiness check: a full or read-only disk fails
// it, where a listing would still succeed. It writes the same bytes every time, so the
// same content-addressed object.
func Probe(ctx context.Context, s Store) error {
	_, err := s.Put(ctx, bytes.NewReader(probeBytes), PutOptions{Prefix: ProbePrefix, ContentType: "text/plain"})
	return err
}

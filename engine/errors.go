package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Kinds of error every layer understands. The API maps them to status codes; a foreign
// agency's object is reported as ErrNotFound so that "not yours" leaks nothing.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrInvalid   = errors.New("invalid")
	ErrForbidden = errors.New("forbidden")
	// ErrUnavailable is an outage rather than a fault of the request: the database is
	// unreachable or out of space. Nothing was changed; the same request may succeed later.
	ErrUnavailable = errors.New("unavailable")
)

// ValidationError names the field that is wrong and why, in words safe to show a user.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrStale is a step refused because the document changed since the client read it: its
// If-Match names another version.
var ErrStale = errors.New("stale")

// StaleError says which version the document is at now.
type StaleError struct{ Current int }

func (e *StaleError) Error() string { return fmt.Sprintf("the document is at version %d", e.Current) }

// Unwrap lets errors.Is(err, ErrStale) match.
func (e *StaleError) Unwrap() error { return ErrStale }

type expectKey struct{}

// ExpectVersion makes the document steps run with ctx refuse with a StaleError unless
// the document is at one of versions when their transaction reads it: the client's
// If-Match checked inside the write, with no read of its own. A step already done under
// its request id replays whatever the version.
func ExpectVersion(ctx context.Context, versions ...int) context.Context {
	return context.WithValue(ctx, expectKey{}, versions)
}

// expected checks d against the versions ctx expects.
func expected(ctx context.Context, d Document) error {
	versions, ok := ctx.Value(expectKey{}).([]int)
	if !ok || slices.Contains(versions, d.Version) {
		return nil
	}
	return &StaleError{Current: d.Version}
}

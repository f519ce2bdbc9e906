package engine

import (
	"errors"
	"fmt"
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

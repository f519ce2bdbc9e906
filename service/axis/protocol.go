package axis

import (
	"errors"
	"fmt"
	"strings"
)

// The HTTP protocol of vanthu's emulator (docs/axis.md), shared by Client and the
// emulator so that the two cannot drift apart.
const (
	// HeaderSystem and HeaderSecret authenticate a connected system.
	HeaderSystem = "X-Axis-System"
	HeaderSecret = "X-Axis-Secret"
	// HeaderKey makes a send idempotent per (system, key, recipient).
	HeaderKey = "Idempotency-Key"

	// ProblemBase prefixes the type of every problem the emulator answers.
	ProblemBase = "https://vanthu.dev/problems/axis/"

	KindBadRequest    = "bad-request"
	KindUnauthorized  = "unauthorized"
	KindForbidden     = "forbidden"
	KindNotFound      = "not-found"
	KindUnknownAgency = "unknown-agency"
	KindRejected      = "rejected"
	KindTooLarge      = "too-large"
	KindConflict      = "conflict"
	KindUnavailable   = "unavailable"
)

// Problem is the RFC 9457 body of an error answer. Refused lists, for a send to an
// unknown agency, each recipient refused and why.
type Problem struct {
	Type    string    `json:"type"`
	Title   string    `json:"title"`
	Status  int       `json:"status"`
	Detail  string    `json:"detail,omitempty"`
	Refused []Refusal `json:"refused,omitempty"`
}

// Kind is the last segment of the problem's type.
func (p Problem) Kind() string { return strings.TrimPrefix(p.Type, ProblemBase) }

// Refusal is one recipient of a send the axis would not route to.
type Refusal struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Error is what the axis answered when it refused a call. It matches (errors.Is) one of
// the package's sentinel errors; Refused names the recipients of a refused send.
type Error struct {
	Kind    error // ErrNotFound, ErrUnknownAgency, ErrUnauthorized, ErrUnavailable or ErrRejected
	Status  int   // HTTP status, 0 when no answer came
	Detail  string
	Refused []Refusal
	Cause   error // the network error, when no answer came
}

func (e *Error) Error() string {
	var b strings.Builder
	// The callers' wrapping says "axis: <operation>"; the kind follows without its prefix.
	b.WriteString(strings.TrimPrefix(e.Kind.Error(), "axis: "))
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	for _, r := range e.Refused {
		fmt.Fprintf(&b, "; %s: %s", r.To, r.Reason)
	}
	if e.Cause != nil {
		b.WriteString(": " + e.Cause.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is find both the kind and the network cause (context.Canceled, …).
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

// kindOf maps an answer's status and problem to a sentinel error.
func kindOf(status int, p Problem) error {
	switch {
	case status >= 500 || status == 429:
		return ErrUnavailable
	case status == 401 || status == 403:
		return ErrUnauthorized
	case status == 404:
		return ErrNotFound
	case p.Kind() == KindUnknownAgency:
		return ErrUnknownAgency
	default:
		return ErrRejected
	}
}

// ValidState reports whether a receiver may set s on a received package.
func ValidState(s State) bool {
	return s == StateProcessing || s == StateDone || s == StateFail
}

// ValidType reports whether t is a message type the axis carries.
func ValidType(t MessageType) bool { return t == TypeDocument || t == TypeStatus }

// CheckCode says what is wrong with an agency code for the directory, or nil. Codes are
// lenient (QCVN 102, QĐ 20/2020, axis system ids, tax-code-like ids) but must be one
// printable token that fits in a URL path segment.
func CheckCode(code string) error {
	switch {
	case code == "":
		return errors.New("mã cơ quan trống (empty agency code)")
	case len(code) > 64:
		return errors.New("mã cơ quan dài quá 64 ký tự (agency code longer than 64)")
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_", r)) {
			return fmt.Errorf("mã cơ quan %q có ký tự %q không hợp lệ (only letters, digits, '.', '-', '_')", code, r)
		}
	}
	return nil
}

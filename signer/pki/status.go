package pki

import (
	"errors"
	"fmt"
	"time"
)

// State is what a revocation source says about one certificate.
type State int

// The three answers OCSP can give; a CRL gives only Good or Revoked.
const (
	Good State = iota
	Revoked
	Unknown
)

func (s State) String() string {
	switch s {
	case Good:
		return "good"
	case Revoked:
		return "revoked"
	case Unknown:
		return "unknown"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Reason is an RFC 5280 CRLReason code.
type Reason int

// The RFC 5280 reason codes (7 is unused by the standard).
const (
	ReasonUnspecified          Reason = 0
	ReasonKeyCompromise        Reason = 1
	ReasonCACompromise         Reason = 2
	ReasonAffiliationChanged   Reason = 3
	ReasonSuperseded           Reason = 4
	ReasonCessationOfOperation Reason = 5
	ReasonCertificateHold      Reason = 6
	ReasonRemoveFromCRL        Reason = 8
	ReasonPrivilegeWithdrawn   Reason = 9
	ReasonAACompromise         Reason = 10
)

var reasonNames = map[Reason]string{
	ReasonUnspecified:          "unspecified",
	ReasonKeyCompromise:        "keyCompromise",
	ReasonCACompromise:         "cACompromise",
	ReasonAffiliationChanged:   "affiliationChanged",
	ReasonSuperseded:           "superseded",
	ReasonCessationOfOperation: "cessationOfOperation",
	ReasonCertificateHold:      "certificateHold",
	ReasonRemoveFromCRL:        "removeFromCRL",
	ReasonPrivilegeWithdrawn:   "privilegeWithdrawn",
	ReasonAACompromise:         "aACompromise",
}

func (r Reason) String() string {
	if n, ok := reasonNames[r]; ok {
		return n
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Status is the checked answer for one certificate at one moment.
//
// A certificate revoked after the moment asked about is Good at that
// moment; RevokedAt and Reason are still filled in so that a caller can
// tell "good, and still good" from "good then, revoked since".
type Status struct {
	State      State
	RevokedAt  time.Time // zero unless the source lists the certificate as revoked
	Reason     Reason
	ThisUpdate time.Time
	NextUpdate time.Time // zero when the source promises no next update
}

// Errors a caller can branch on with errors.Is. The wrapping error says
// which URL or certificate was involved.
var (
	// ErrUnreachable: no connection could be made to the server.
	ErrUnreachable = errors.New("pki: server unreachable")
	// ErrTimeout: the server did not answer in time.
	ErrTimeout = errors.New("pki: server timed out")
	// ErrHTTPStatus: the server answered with a non-200 HTTP status.
	ErrHTTPStatus = errors.New("pki: unexpected HTTP status")
	// ErrTooLarge: the answer was bigger than the configured limit.
	ErrTooLarge = errors.New("pki: response too large")
	// ErrTryLater: the OCSP responder or TSA is busy (tryLater / waiting).
	ErrTryLater = errors.New("pki: server asks to try later")
	// ErrUnauthorized: the OCSP responder does not serve this certificate.
	ErrUnauthorized = errors.New("pki: server refused the request as unauthorized")
	// ErrRejected: the server answered with another error status.
	ErrRejected = errors.New("pki: server rejected the request")
	// ErrNoURL: the certificate names no usable OCSP or CRL URL.
	ErrNoURL = errors.New("pki: certificate has no usable URL")
	// ErrInvalidResponse: the answer is malformed, badly signed or does
	// not answer the question that was asked.
	ErrInvalidResponse = errors.New("pki: invalid response")
	// ErrStale: the answer's NextUpdate lies before the moment asked about.
	ErrStale = errors.New("pki: response is stale")
	// ErrNoIssuer: no issuer certificate is known for a certificate.
	ErrNoIssuer = errors.New("pki: issuer certificate not found")
)

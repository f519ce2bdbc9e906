// Package axis talks to the national document exchange axis (trục liên thông văn bản
// quốc gia, Decision 28/2018/QĐ-TTg) with the operations its SDK exposes: the agency
// directory, sending a package (an edXML document or status), listing and fetching
// received packages, acknowledging them, and listing sent packages with their states.
//
// Connector is the one interface; Client speaks the HTTP protocol of vanthu's own
// emulator (`vanthu axis serve`). An adapter for a real axis provider implements
// Connector too.
package axis

import (
	"context"
	"errors"
	"io"
	"time"
)

// MessageType is what a package carries (the SDK's `messagetype`).
type MessageType string

const (
	TypeDocument MessageType = "edoc"
	TypeStatus   MessageType = "status"
)

// State is where a package stands with one recipient. A received package starts
// pending; the receiver moves it to processing, done or fail.
type State string

const (
	StatePending    State = "pending"
	StateProcessing State = "processing"
	StateDone       State = "done"
	StateFail       State = "fail"
)

// Agency is an entry of the axis's directory.
type Agency struct {
	Code       string `json:"code"` // QCVN 102:2016 or QĐ 20/2020 code, or an axis id
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Address    string `json:"address,omitempty"`
	SystemID   string `json:"system_id,omitempty"` // the connected system that receives for it
}

// Package is one message on the axis, as listed.
type Package struct {
	ID      string      `json:"id"`
	Type    MessageType `json:"type"`
	From    string      `json:"from"` // agency code
	To      string      `json:"to"`   // agency code: the axis keeps one package per recipient
	Key     string      `json:"key,omitempty"`
	Size    int64       `json:"size"`
	Created time.Time   `json:"created"`
	State   State       `json:"state"`
	Reason  string      `json:"reason,omitempty"` // why it failed, when it did
	Updated time.Time   `json:"updated"`
}

// Outgoing is a package to send: the edXML message and whom the axis routes it to.
type Outgoing struct {
	Type MessageType
	From string   // sending agency code
	To   []string // recipient agency codes
	// Key makes a send idempotent: the same key from the same system returns the
	// packages already created (e.g. the edXML DocumentId plus the message kind).
	Key  string
	Body io.Reader
	Size int64 // bytes when known; 0 or -1 when unknown (the body is then sent chunked)
}

// Errors a Connector returns. Unavailable is temporary: retry later.
var (
	ErrNotFound      = errors.New("axis: not found")
	ErrUnknownAgency = errors.New("axis: unknown agency")
	ErrUnauthorized  = errors.New("axis: unauthorized")
	ErrUnavailable   = errors.New("axis: unavailable")
	ErrRejected      = errors.New("axis: package rejected")
)

// Connector is what vanthu needs of the axis.
type Connector interface {
	// Agencies lists the directory.
	Agencies(ctx context.Context) ([]Agency, error)
	// RegisterAgency adds or updates an agency this system receives for.
	RegisterAgency(ctx context.Context, a Agency) error
	// Send hands a package to the axis; it returns one package per recipient.
	Send(ctx context.Context, out Outgoing) ([]Package, error)
	// Received lists packages waiting for this system's agencies (state pending or
	// processing), oldest first.
	Received(ctx context.Context) ([]Package, error)
	// Fetch opens one received package's edXML.
	Fetch(ctx context.Context, id string) (io.ReadCloser, error)
	// Acknowledge sets a received package's state (processing, done or fail).
	Acknowledge(ctx context.Context, id string, state State, reason string) error
	// Sent lists this system's sent packages created at or after since, with their
	// states at the recipients.
	Sent(ctx context.Context, since time.Time) ([]Package, error)
}

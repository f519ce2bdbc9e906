package engine

import (
	"context"
	"time"
)

// CheckQueries are what `vanthu doctor` reads to check the database against itself and
// against the blob store: registers, documents stuck between steps, blob references.
type CheckQueries interface {
	// RegisterListSummaries lists every register (sổ) with the numbers its documents or
	// copies hold: how many, how many distinct, the lowest and highest. A register whose
	// holders exist but whose counter does not appears with LastNumber 0.
	RegisterListSummaries(ctx context.Context) ([]RegisterSummary, error)
	// RegisterListHeld lists the numbers one register's documents or copies hold, in
	// order, duplicates included.
	RegisterListHeld(ctx context.Context, r RegisterKey) ([]int, error)
	// DocumentListStuck lists up to limit outgoing documents last changed before the
	// given time that wait between steps: numbered or sealed and not dispatched, or
	// still a draft, with how many draft files they have; oldest first.
	DocumentListStuck(ctx context.Context, before time.Time, limit int) ([]StuckDocument, error)
	// BlobReferenceList lists, in key order, up to limit distinct blob keys after
	// afterKey that a document file or a signing key points at, each with one holder.
	BlobReferenceList(ctx context.Context, afterKey string, limit int) ([]BlobReference, error)
}

// RegisterKey names one register: an agency's numbers of one kind, year and series.
type RegisterKey struct {
	AgencyID string
	Year     int
	Kind     RegisterKind
	Series   string
}

// RegisterSummary is a register's counter beside the numbers actually held.
type RegisterSummary struct {
	RegisterKey
	LastNumber int // the counter: the last number handed out
	Held       int // numbers held by documents or copies
	Distinct   int
	Min, Max   int
}

// Sound reports whether the numbers held are exactly 1..LastNumber, each once.
func (s RegisterSummary) Sound() bool {
	return s.Held == s.Distinct && s.Distinct == s.LastNumber && (s.Held == 0 || s.Min == 1 && s.Max == s.LastNumber)
}

// StuckDocument is an outgoing document waiting between steps.
type StuckDocument struct {
	ID         string
	AgencyID   string
	State      State
	Notation   string
	UpdatedAt  time.Time
	DraftFiles int
}

// BlobReference is a blob key the database points at, and one row that does.
type BlobReference struct {
	Key    string
	Holder string // e.g. "document 0193…", "signing key 0193…"
}

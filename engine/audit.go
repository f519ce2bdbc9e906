package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Event is one entry of an agency's audit log: who, in which role, when, did what to
// which object, with the state before and after. Events are chained per agency: each
// carries the hash of the one before, so a deleted, reordered or edited event breaks the
// chain (see VerifyChain).
type Event struct {
	AgencyID   string
	Seq        int64
	At         time.Time
	ActorID    string
	Role       Role
	Action     string
	ObjectType string
	ObjectID   string
	Before     string
	After      string
	PrevHash   string
	Hash       string
}

// genesisHash is the PrevHash of an agency's first event.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash is SHA-256 over every field but Hash, each length-prefixed so that no two
// different events encode alike. The engine seals its own events with it; a writer of
// events outside the engine (a benchmark's floor) uses it so that VerifyChain accepts them.
func (e *Event) ComputeHash() string {
	h := sha256.New()
	var buf [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	field(e.AgencyID)
	binary.BigEndian.PutUint64(buf[:], uint64(e.Seq))
	h.Write(buf[:])
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(e.ActorID)
	field(string(e.Role))
	field(e.Action)
	field(e.ObjectType)
	field(e.ObjectID)
	field(e.Before)
	field(e.After)
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// ChainHead is the tip of an agency's chain as recorded separately from the events.
type ChainHead struct {
	AgencyID string
	Seq      int64
	Hash     string
}

// ChainProblem is one place where a chain does not hold.
type ChainProblem struct {
	Seq    int64
	Reason string
}

// VerifyChain checks events (in seq order) against each other and against the head.
// It returns every problem found; none means the chain is intact.
func VerifyChain(head ChainHead, events []Event) []ChainProblem {
	var problems []ChainProblem
	prev := genesisHash
	next := int64(1)
	for _, e := range events {
		if e.Seq != next {
			problems = append(problems, ChainProblem{Seq: next, Reason: fmt.Sprintf("events %d to %d are missing", next, e.Seq-1)})
		}
		if e.PrevHash != prev {
			problems = append(problems, ChainProblem{Seq: e.Seq, Reason: "does not link to the event before it"})
		}
		if e.ComputeHash() != e.Hash {
			problems = append(problems, ChainProblem{Seq: e.Seq, Reason: "content does not match its hash (edited)"})
		}
		prev, next = e.Hash, e.Seq+1
	}
	if head.Seq != next-1 || (head.Seq > 0 && head.Hash != prev) {
		problems = append(problems, ChainProblem{Seq: head.Seq, Reason: fmt.Sprintf("chain head says %d events, the log ends at %d", head.Seq, next-1)})
	}
	return problems
}

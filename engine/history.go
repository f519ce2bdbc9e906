package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// HistoryEntry is one step of a document's life as its audit trail tells it: who, in which
// role and agency, when, did what, with the reason, comment or text they gave.
type HistoryEntry struct {
	At       time.Time
	ActorID  string // "system" for what the system did
	Role     Role
	AgencyID string // the agency whose chain holds the event: where the actor acted
	Action   string
	Object   string // document, document_file, assignment
	// State is the document's state after the step, when the step moved it.
	State State
	// Note is the reason, comment, direction, progress text or file name of the step.
	Note string
	// UnitID and UserID name whom an assignment event is about.
	UnitID, UserID string
}

// historyLimit bounds one document's history: a document handled for years has a few
// hundred events at most.
const historyLimit = 500

// History is a document's timeline for the actor, newest first, read from the audit
// trail of every agency that acted on it. The actor must be allowed to read the document
// (Document decides). Reads are left out: they are not steps, and every page view of a
// classified document would add one.
func (e *Engine) History(ctx context.Context, actor Actor, docID string) ([]HistoryEntry, error) {
	d, err := e.Document(ctx, actor, docID)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	events, err := e.store.AuditListByDocument(ctx, d.ID, historyLimit)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", d.ID, err)
	}
	out := make([]HistoryEntry, 0, len(events))
	for _, ev := range events {
		if ev.Action == "read" {
			continue
		}
		out = append(out, historyEntry(ev))
	}
	return out, nil
}

// historyEntry reads what an event's before and after snapshots say in words.
func historyEntry(ev Event) HistoryEntry {
	h := HistoryEntry{At: ev.At, ActorID: ev.ActorID, Role: ev.Role, AgencyID: ev.AgencyID, Action: ev.Action, Object: ev.ObjectType}
	before, after := snapshotFields(ev.Before), snapshotFields(ev.After)
	if st := after["state"]; st != "" && st != before["state"] {
		h.State = State(st)
	}
	h.UnitID, h.UserID = first(after["unit"], before["unit"]), first(after["user"], before["user"])
	// The first text the step itself gave: a note or direction that changed, a reason, a
	// status from the exchange, a file's name.
	for _, k := range []string{"note", "direction", "reason", "status", "Name", "notation"} {
		if k == "status" && ev.ObjectType != "document" {
			continue // an assignment's status is not a text anyone gave
		}
		if v := after[k]; v != "" && v != before[k] {
			h.Note = v
			break
		}
	}
	return h
}

// snapshotFields are a snapshot's top-level string fields; anything else (numbers,
// objects, a snapshot that is not JSON) is left out.
func snapshotFields(s string) map[string]string {
	out := map[string]string{}
	if s == "" {
		return out
	}
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return out
	}
	for k, v := range m {
		if str, ok := v.(string); ok {
			out[k] = str
		}
	}
	return out
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

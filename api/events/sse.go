package events

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// Counts are what the header of every page shows a user.
type Counts struct {
	Inbox   int `json:"inbox"`                // documents waiting for them, in any of their roles
	DueSoon int `json:"due_soon"`             // their open tasks due within the warning window
	Overdue int `json:"overdue"`              // their open tasks past the deadline
	Unread  int `json:"unread_notifications"` // notifications not yet read
}

// digest names a state of the counts: it is the SSE event id, so a client reconnecting
// with Last-Event-ID equal to the current digest is already up to date.
func (c Counts) digest() string {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// hub knows the connected streams of this node and which agencies each one watches.
type hub struct {
	mu    sync.Mutex
	subs  map[*subscriber]struct{}
	heads map[string]int64 // last audit chain head seen per watched agency
}

type subscriber struct {
	userID   string
	agencies []string
	wake     chan struct{} // buffered 1: "recompute your counts"
}

func newHub() *hub { return &hub{subs: map[*subscriber]struct{}{}, heads: map[string]int64{}} }

// add registers a stream with the chain heads read before its counts were computed, so
// that a change between then and the next poll is not missed.
func (h *hub) add(sub *subscriber, heads map[string]int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[sub] = struct{}{}
	for a, seq := range heads {
		if _, ok := h.heads[a]; !ok {
			h.heads[a] = seq
		}
	}
}

func (h *hub) remove(sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, sub)
}

// agencies lists the agencies watched by at least one stream.
func (h *hub) agencies() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for sub := range h.subs {
		for _, a := range sub.agencies {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// moved records the chain heads just read and wakes the streams of the agencies whose
// head moved. An agency seen for the first time only records its head: its streams
// computed their counts when they connected.
func (h *hub) moved(heads map[string]int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	var changed []string
	for a, seq := range heads {
		if old, ok := h.heads[a]; ok && old != seq {
			changed = append(changed, a)
		}
		h.heads[a] = seq
	}
	for a := range h.heads {
		if _, ok := heads[a]; !ok {
			delete(h.heads, a) // nobody watches it any more
		}
	}
	woken := 0
	for sub := range h.subs {
		for _, a := range sub.agencies {
			if slices.Contains(changed, a) {
				sub.signal()
				woken++
				break
			}
		}
	}
	return woken
}

func (h *hub) signalAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		sub.signal()
	}
}

func (s *subscriber) signal() {
	select {
	case s.wake <- struct{}{}:
	default: // a recomputation is already pending
	}
}

// pollHeads reads the chain heads of the agencies with connected users: one indexed
// read per agency per interval, whatever the number of streams.
func (s *Service) pollHeads(ctx context.Context) {
	agencies := s.hub.agencies()
	if len(agencies) == 0 {
		return
	}
	heads, err := s.readHeads(ctx, agencies)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Logger.WarnContext(ctx, "live counts: read chain heads", "error", err)
		}
		return
	}
	s.hub.moved(heads)
}

func (s *Service) readHeads(ctx context.Context, agencies []string) (map[string]int64, error) {
	heads := make(map[string]int64, len(agencies))
	for _, a := range agencies {
		h, err := s.cfg.Store.AuditHeadGet(ctx, a)
		if err != nil && !errors.Is(err, engine.ErrNotFound) {
			return nil, fmt.Errorf("agency %s: %w", a, err)
		}
		heads[a] = h.Seq
	}
	return heads, nil
}

// streamInbox is GET /api/v1/events/inbox: the user's counts now and whenever they change.
func (s *Service) streamInbox(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.RequireUser(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	ms, err := s.cfg.Store.MembershipListByUser(ctx, p.UserID)
	if err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
		return
	}
	sub := &subscriber{userID: p.UserID, wake: make(chan struct{}, 1)}
	for _, m := range ms {
		if !slices.Contains(sub.agencies, m.AgencyID) {
			sub.agencies = append(sub.agencies, m.AgencyID)
		}
	}
	heads, err := s.readHeads(ctx, sub.agencies)
	if err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
		return
	}
	counts, err := s.CountsFor(ctx, p.UserID, ms)
	if err != nil {
		httpx.EngineError(w, r, s.cfg.Logger, err)
		return
	}
	s.hub.add(sub, heads)
	defer s.hub.remove(sub)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events through at once
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(text string) bool {
		if _, err := fmt.Fprint(w, text); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	last := counts.digest()
	// A client that saw these very counts (its Last-Event-ID) is only told it is current.
	first := "retry: 5000\n"
	if r.Header.Get("Last-Event-ID") == last {
		first += ": up to date\n\n"
	} else {
		first += countsEvent(counts)
	}
	if !send(first) {
		return
	}
	heartbeat := time.NewTicker(s.settings.Heartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.closing:
			return
		case <-heartbeat.C:
			if !send(": ping\n\n") {
				return
			}
		case <-sub.wake:
			c, err := s.CountsFor(ctx, p.UserID, ms)
			if err != nil {
				if ctx.Err() == nil {
					s.cfg.Logger.WarnContext(ctx, "live counts", "user", p.UserID, "error", err)
				}
				continue
			}
			if d := c.digest(); d != last {
				last = d
				if !send(countsEvent(c)) {
					return
				}
			}
		}
	}
}

func countsEvent(c Counts) string {
	b, _ := json.Marshal(c)
	return "id: " + c.digest() + "\nevent: counts\ndata: " + string(b) + "\n\n"
}

// CountsFor computes a user's counts over their memberships.
func (s *Service) CountsFor(ctx context.Context, userID string, ms []engine.Membership) (Counts, error) {
	var c Counts
	var actors []engine.Actor
	for _, m := range ms {
		actors = append(actors, engine.Actor{UserID: userID, AgencyID: m.AgencyID, Role: m.Role})
	}
	inbox, err := s.cfg.Engine.InboxCount(ctx, actors...)
	if err != nil {
		return Counts{}, fmt.Errorf("counts: %w", err)
	}
	c.Inbox = inbox
	if err := s.countTasks(ctx, userID, ms, &c); err != nil {
		return Counts{}, err
	}
	n, err := s.cfg.Store.NotificationCountUnread(ctx, userID)
	if err != nil {
		return Counts{}, fmt.Errorf("counts: notifications: %w", err)
	}
	c.Unread = n
	return c, nil
}

// countTasks counts the user's open tasks (theirs, or their unit's when nobody in it
// was named) in the agencies of their memberships that are due soon or overdue, on each
// agency's working-day calendar.
func (s *Service) countTasks(ctx context.Context, userID string, ms []engine.Membership, c *Counts) error {
	agencies := make([]string, 0, len(ms))
	for _, m := range ms {
		agencies = append(agencies, m.AgencyID)
	}
	soon, overdue, err := s.cfg.Engine.TasksDue(ctx, userID, agencies, time.Now())
	if err != nil {
		return fmt.Errorf("counts: %w", err)
	}
	c.DueSoon, c.Overdue = soon, overdue
	return nil
}

package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/calendar"
)

// task is one assignment of the specialist or their unit, with its document and status.
type task struct {
	A      engine.Assignment
	Doc    engine.Document
	Status calendar.Status
	Notes  []engine.AssignmentNote
}

// tasks lists the actor's open work (and their unit's), earliest deadline first, with
// overdue and due-soon marks counted on the agency's working-day calendar.
func (u *UI) tasks(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	as, err := u.deps.Store.AssignmentListByHolder(ctx, s.Actor.AgencyID, s.Actor.UserID, s.Actor.Role)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	cal, err := u.deps.Engine.CalendarFor(ctx, s.Actor.AgencyID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	docs, err := u.documentsByID(ctx, as)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	notes := u.notesByAssignment(ctx, as)
	now := time.Now()
	var open, done []task
	for _, a := range as {
		d, ok := docs[a.DocumentID]
		if !ok {
			continue
		}
		t := task{A: a, Doc: d, Status: engine.AssignmentStatus(cal, a, now), Notes: notes[a.ID]}
		if a.Status == "open" {
			open = append(open, t)
		} else {
			done = append(done, t)
		}
	}
	slices.SortStableFunc(open, func(x, y task) int {
		switch {
		case x.A.Deadline == nil && y.A.Deadline == nil:
			return 0
		case x.A.Deadline == nil:
			return 1
		case y.A.Deadline == nil:
			return -1
		}
		return x.A.Deadline.Compare(*y.A.Deadline)
	})
	u.render(w, r, s, "tasks", "tasks.title", map[string]any{"Open": open, "Done": done})
}

// notesByAssignment reads the notes of the assignments in one batch; without them the
// page still lists the work.
func (u *UI) notesByAssignment(ctx context.Context, as []engine.Assignment) map[string][]engine.AssignmentNote {
	ids := make([]string, 0, len(as))
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	notes, _ := u.deps.Store.AssignmentNoteListByAssignments(ctx, ids)
	out := map[string][]engine.AssignmentNote{}
	for _, n := range notes {
		out[n.AssignmentID] = append(out[n.AssignmentID], n)
	}
	return out
}

// records lists the agency's hồ sơ of a year with retention and hand-over state.
func (u *UI) records(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	if !slices.Contains([]engine.Role{engine.RoleClerk, engine.RoleArchivist, engine.RoleLeader, engine.RoleDeputyLeader}, s.Actor.Role) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	recs, err := u.deps.Store.RecordListByAgency(ctx, s.Actor.AgencyID, 0)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	notices, _ := u.deps.Engine.HandOverNotices(ctx, s.Actor.AgencyID)
	u.render(w, r, s, "records", "records.title", map[string]any{"Records": recs, "Notices": notices,
		"Agency": s.AgencyName(s.Actor.AgencyID), "AgencyCode": u.agencyCode(s)})
}

func (u *UI) agencyCode(s *session) string {
	a, _ := s.agency(s.Actor.AgencyID)
	return a.Code
}

// recordAction closes a record or records its hand-over to the agency archive.
func (u *UI) recordAction(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	var err error
	switch r.PathValue("action") {
	case "close":
		_, err = u.deps.Engine.CloseRecord(ctx, s.Actor, id, time.Now())
	case "handover":
		_, err = u.deps.Engine.HandOver(ctx, s.Actor, id)
	case "hold":
		_, err = u.deps.Engine.SetLegalHold(ctx, s.Actor, id, r.FormValue("hold") == "on")
	default:
		err = engine.ErrNotFound
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/records", "record")
}

// search finds documents of the agency, insensitive to diacritics ("quyet dinh" finds "quyết định").
func (u *UI) search(w http.ResponseWriter, r *http.Request, s *session) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var docs []engine.Document
	if q != "" {
		var err error
		if docs, err = u.deps.Engine.Search(r.Context(), s.Actor, q, 100); err != nil {
			u.fail(w, r, s, err)
			return
		}
	}
	u.render(w, r, s, "search", "search.title", map[string]any{"Query": q, "Docs": docs})
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

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

// Pages of the task list: open work a page at a time, and the latest finished work.
const (
	tasksPerPage = 50
	tasksDone    = 20
)

// tasks lists the actor's open work (and their unit's), earliest deadline first, a page at
// a time read along an index, with overdue and due-soon marks counted on the agency's
// working-day calendar; the first page also shows the latest finished work.
func (u *UI) tasks(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	after, err := parseTaskCursor(r.URL.Query().Get("after"))
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	as, err := u.deps.Engine.TaskPage(ctx, s.Actor, after, tasksPerPage+1)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	next := ""
	if len(as) > tasksPerPage {
		as = as[:tasksPerPage]
		next = "/tasks?after=" + url.QueryEscape(taskCursor(as[len(as)-1]))
	}
	if after == nil {
		finished, err := u.deps.Engine.TasksDone(ctx, s.Actor, tasksDone)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		as = append(as, finished...)
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
	u.render(w, r, s, "tasks", "tasks.title", map[string]any{"Open": open, "Done": done, "NextURL": next})
}

// taskCursor is where a page of the task list ends: the last assignment's deadline in
// Unix microseconds ("-" without one) and its id.
func taskCursor(a engine.Assignment) string {
	deadline := "-"
	if a.Deadline != nil {
		deadline = strconv.FormatInt(a.Deadline.UnixMicro(), 10)
	}
	return deadline + "." + a.ID
}

func parseTaskCursor(s string) (*engine.Assignment, error) {
	if s == "" {
		return nil, nil
	}
	bad := &userError{status: http.StatusBadRequest, key: "tasks.badcursor"}
	deadline, id, ok := strings.Cut(s, ".")
	if !ok || uuid.Validate(id) != nil {
		return nil, bad
	}
	a := &engine.Assignment{ID: id}
	if deadline != "-" {
		micros, err := strconv.ParseInt(deadline, 10, 64)
		if err != nil {
			return nil, bad
		}
		t := time.UnixMicro(micros).UTC()
		a.Deadline = &t
	}
	return a, nil
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

package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vanthu/vanthu/engine"
)

// Background jobs (công việc nền): reminders, indexing, fixity, renewal, deliveries — of
// every node. A province's administrator sees what ran, runs and failed and why, a page
// at a time from the queue's table, and retries or cancels one; each action is audited.

// JobQueue is the part of the job queue the screen uses (service/jobs.Queue).
type JobQueue interface {
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

type jobsView struct {
	Jobs    []jobRow
	States  []string
	State   string
	NextURL string
}

type jobRow struct {
	Job   *rivertype.JobRow
	Error string // the last attempt's error, if any
	// CanRetry and CanCancel offer the actions River allows in the job's state.
	CanRetry, CanCancel bool
}

// adminJobs lists a page of the background jobs, newest first, of one state or all.
func (u *UI) adminJobs(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	if err := u.deps.Engine.CheckJobsAdmin(ctx, s.Actor); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if u.deps.Jobs == nil {
		u.fail(w, r, s, &userError{status: http.StatusServiceUnavailable, key: "jobs.noqueue"})
		return
	}
	v := jobsView{State: r.URL.Query().Get("state")}
	states := rivertype.JobStates()
	for _, st := range states {
		v.States = append(v.States, string(st))
	}
	params := river.NewJobListParams().First(50).OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	if v.State != "" {
		if !slices.Contains(v.States, v.State) {
			u.fail(w, r, s, badInput("jobs.err.state"))
			return
		}
		states = []rivertype.JobState{rivertype.JobState(v.State)}
	}
	params = params.States(states...)
	if after := r.URL.Query().Get("after"); after != "" {
		var cursor river.JobListCursor
		if err := cursor.UnmarshalText([]byte(after)); err != nil {
			u.fail(w, r, s, badInput("jobs.err.page"))
			return
		}
		params = params.After(&cursor)
	}
	res, err := u.deps.Jobs.JobList(ctx, params)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	for _, j := range res.Jobs {
		row := jobRow{Job: j, CanRetry: j.State != rivertype.JobStateRunning,
			CanCancel: !slices.Contains([]rivertype.JobState{rivertype.JobStateCancelled, rivertype.JobStateCompleted, rivertype.JobStateDiscarded}, j.State)}
		if n := len(j.Errors); n > 0 {
			row.Error = j.Errors[n-1].Error
		}
		v.Jobs = append(v.Jobs, row)
	}
	if len(res.Jobs) == 50 && res.LastCursor != nil {
		if text, err := res.LastCursor.MarshalText(); err == nil {
			v.NextURL = "/admin/jobs?" + url.Values{"state": {v.State}, "after": {string(text)}}.Encode()
		}
	}
	u.render(w, r, s, "admin_jobs", "jobs.title", v)
}

// adminJobAction retries or cancels a job, audited first.
func (u *UI) adminJobAction(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		u.fail(w, r, s, engine.ErrNotFound)
		return
	}
	action := map[string]engine.Action{"retry": engine.ActionRetryJob, "cancel": engine.ActionCancelJob}[r.PathValue("action")]
	if action == "" {
		u.fail(w, r, s, engine.ErrNotFound)
		return
	}
	if err := u.deps.Engine.CheckJobsAdmin(ctx, s.Actor); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if u.deps.Jobs == nil {
		u.fail(w, r, s, &userError{status: http.StatusServiceUnavailable, key: "jobs.noqueue"})
		return
	}
	job, err := u.deps.Jobs.JobGet(ctx, id)
	if errors.Is(err, rivertype.ErrNotFound) {
		err = engine.ErrNotFound
	}
	if err == nil {
		err = u.deps.Engine.AuditJobAction(ctx, s.Actor, action, id, job.Kind)
	}
	if err == nil && action == engine.ActionRetryJob {
		_, err = u.deps.Jobs.JobRetry(ctx, id)
	} else if err == nil {
		_, err = u.deps.Jobs.JobCancel(ctx, id)
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin/jobs?"+url.Values{"state": {r.FormValue("state")}}.Encode(), "job_"+r.PathValue("action"))
}

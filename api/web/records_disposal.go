package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
)

// Disposal of records whose retention ended, each step by its role: the archivist sees
// what is due and proposes, the head of the agency decides, the archivist destroys and
// the destruction record (biên bản hủy) stays.

// disposalView is the disposal page: what is due and the appraisals, one page of them.
type disposalView struct {
	// Due is shown to the archivist and the head, who review retention.
	ReviewsRetention bool
	Due              []engine.Record
	DuePage          int // the due list pages on its own (?due=N)
	DueMore          bool
	Appraisals       []engine.Appraisal
	Page             int
	More             bool
	Proposes         bool // the archivist
	Values           map[string]string
	Errs             map[string]string
}

// disposal is GET /disposal?page=N&due=M.
func (u *UI) disposal(w http.ResponseWriter, r *http.Request, s *session) {
	u.showDisposal(w, r, s, nil, nil)
}

func (u *UI) showDisposal(w http.ResponseWriter, r *http.Request, s *session, values map[string]string, failed error) {
	ctx := r.Context()
	if !keepsRecords(s.Actor.Role) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	v := disposalView{Page: 1, DuePage: 1, Proposes: s.Actor.Role == engine.RoleArchivist, Values: values, Errs: fieldErrors(failed),
		ReviewsRetention: s.Actor.Role == engine.RoleArchivist || s.Actor.Role == engine.RoleLeader}
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 && n < 100000 {
		v.Page = n
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("due")); err == nil && n > 1 && n < 100000 {
		v.DuePage = n
	}
	var err error
	if v.ReviewsRetention {
		v.Due, v.DueMore, err = u.deps.Engine.DisposalCandidatesPage(ctx, s.Actor, time.Now(), (v.DuePage-1)*recordsPageSize, recordsPageSize)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
	}
	as, err := u.deps.Engine.Appraisals(ctx, s.Actor, (v.Page-1)*recordsPageSize, recordsPageSize+1)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	if len(as) > recordsPageSize {
		as, v.More = as[:recordsPageSize], true
	}
	v.Appraisals = as
	if failed != nil {
		u.formError(w, r, s, "records_disposal", "disposal.title", v, s.namedFields(failed))
		return
	}
	u.render(w, r, s, "records_disposal", "disposal.title", v)
}

// disposalPropose is POST /disposal: the archivist's proposal of the ticked records.
func (u *UI) disposalPropose(w http.ResponseWriter, r *http.Request, s *session) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, s, badInput("err.invalid"))
		return
	}
	values := formValues(r)
	ids := r.PostForm["record"]
	if len(ids) == 0 {
		u.showDisposal(w, r, s, values, &engine.ValidationError{Field: "record_ids", Message: s.T("disposal.err.none")})
		return
	}
	a, err := u.deps.Engine.ProposeDisposal(r.Context(), s.Actor, values["title"], ids)
	if err != nil {
		u.showDisposal(w, r, s, values, err)
		return
	}
	redirectDone(w, r, "/disposal/"+a.ID, "disposal_proposed")
}

// appraisalView is one appraisal with its records and, once executed, its destruction record.
type appraisalView struct {
	A            engine.Appraisal
	Records      []engine.Record
	Destructions []engine.Destruction
	Decides      bool // the head of the agency, while it is proposed
	Destroys     bool // the archivist, once approved
	Values       map[string]string
	Errs         map[string]string
}

// PageTitle names the tab after the proposal.
func (v appraisalView) PageTitle() string { return v.A.Title }

// appraisal is GET /disposal/{id}.
func (u *UI) appraisal(w http.ResponseWriter, r *http.Request, s *session) {
	u.appraisalPage(w, r, s, r.PathValue("id"), nil, nil)
}

func (u *UI) appraisalPage(w http.ResponseWriter, r *http.Request, s *session, id string, values map[string]string, failed error) {
	ctx := r.Context()
	if !keepsRecords(s.Actor.Role) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	a, ds, err := u.deps.Engine.Appraisal(ctx, s.Actor, id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := appraisalView{A: a, Destructions: ds, Values: values, Errs: fieldErrors(failed),
		Decides:  s.Actor.Role == engine.RoleLeader && a.State == engine.AppraisalProposed,
		Destroys: s.Actor.Role == engine.RoleArchivist && (a.State == engine.AppraisalApproved || a.State == engine.AppraisalExecuting)}
	for _, rid := range a.RecordIDs {
		rec, err := u.deps.Store.RecordGetByID(ctx, rid)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		v.Records = append(v.Records, rec)
	}
	if failed != nil {
		u.formError(w, r, s, "record_appraisal", "disposal.title", v, s.namedFields(failed))
		return
	}
	u.render(w, r, s, "record_appraisal", "disposal.title", v)
}

// appraisalAction is POST /disposal/{id}/decide (the head: approve with the decision's
// number, or reject with a reason) and POST /disposal/{id}/destroy (the archivist).
func (u *UI) appraisalAction(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, s, badInput("err.invalid"))
		return
	}
	values := formValues(r)
	var err error
	done := "disposal_decided"
	switch r.PathValue("action") {
	case "decide":
		_, err = u.deps.Engine.DecideDisposal(ctx, s.Actor, id, values["verdict"] == "approve",
			strings.TrimSpace(values["notation"]), strings.TrimSpace(values["reason"]))
	case "destroy":
		done = "disposal_destroyed"
		_, err = u.deps.Engine.Destroy(ctx, s.Actor, id, archive.Eraser{Blobs: u.deps.Blobs, Replicas: u.deps.Replicas})
	default:
		err = engine.ErrNotFound
	}
	if err != nil {
		u.appraisalPage(w, r, s, id, values, err)
		return
	}
	redirectDone(w, r, "/disposal/"+id, done)
}

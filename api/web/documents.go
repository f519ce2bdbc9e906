package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/appearance"
)

// home is the inbox: what waits for the actor in their role.
func (u *UI) home(w http.ResponseWriter, r *http.Request, s *session) {
	docs, err := s.inbox()
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "home", "inbox.title", map[string]any{"Docs": docs})
}

// docView is the document page's data.
type docView struct {
	Doc         engine.Document
	Files       []engine.File
	Preview     *engine.File
	Overlays    []overlay
	Assignments []engine.Assignment
	Notes       map[string][]engine.AssignmentNote
	Mine        []engine.Assignment // open assignments the actor may report on
	Deliveries  []engine.Delivery
	// AxisDeliveries are the recipients on the exchange axis, each with its history.
	AxisDeliveries []engine.AxisDeliveryView
	// Axis is the dispatch form's picker of agencies on the axis.
	Axis        axisPicker
	Units       []engine.Unit
	Recipients  []engine.Agency
	Groups      []recipientGroup
	Can         map[string]bool
	CanSign     bool
	Signing     bool // the keyring is configured
	RequestID   string
	DefaultDays int
	// HasActions: the actor has something to do here; without, no "Xử lý" panel.
	HasActions bool
	// Filing is the records holding the document, or the records to file it into.
	Filing  filing
	History []historyItem
	// HistoryFailed: the history could not be read (an outage); the page says so.
	HistoryFailed bool
	Signatures    []fileSignatures
	Holders       []holder
	HoldersFailed bool
	// People are the agency's people by unit (direction and submission forms), Heads the
	// unit head's open work to hand on, Decide the extension requests waiting for the actor.
	People  []peopleGroup
	Leaders []person // who may sign, for the submission form
	Heads   []unitWork
	// Extendable are the actor's open assignments, their own first, for an extension.
	Extendable []engine.Assignment
	Decide     []pendingExtension
	// Values are what the user typed in the action's form that failed (never the PIN),
	// Form the same with every value of a field (the direction's ticked units); ErrAction
	// is that action and Error why it failed, shown on its form.
	Values    map[string]string
	Form      url.Values
	ErrAction string
	Error     string

	// CanChangeSigner: the actor may name another leader to sign (issueplace.go).
	CanChangeSigner bool
	// Blanks says whether the draft has blanks for the number and date, for the clerk's
	// issue form; nil when not known.
	Blanks *blanksFound
}

// PageTitle names the browser tab after the document's subject.
func (v docView) PageTitle() string { return v.Doc.Subject }

// ErrFor is the error to show on the form of one of the actions, if it failed.
func (v docView) ErrFor(actions ...string) string {
	if slices.Contains(actions, v.ErrAction) {
		return v.Error
	}
	return ""
}

// formShown tells whether the page shows the form of an action (a path's action name).
func (v docView) formShown(action string) bool {
	switch action {
	case "reject":
		return v.Can["register"]
	case "version":
		return v.Can["submit"]
	case "sendback":
		return v.Can["send_back"]
	case "progress", "extend":
		return len(v.Mine) > 0 && (v.Can["start"] || v.Can["complete"])
	case "assign":
		return len(v.Heads) > 0
	case "decide":
		return len(v.Decide) > 0
	case "signer":
		return v.CanChangeSigner
	}
	return v.HasActions && v.Can[action]
}

// Checked tells whether the failed form had value ticked in field name.
func (v docView) Checked(name, value string) bool { return slices.Contains(v.Form[name], value) }

// failedForm is an action's form that did not go through: which, what was typed, why.
type failedForm struct {
	action string
	values map[string]string
	form   url.Values
	err    error
}

type recipientGroup struct {
	Value, Label string
}

// overlay is where a signature or seal will go on the preview, in PDF points.
type overlay struct {
	Page  int // 1-based, as pdf.js counts
	Rect  string
	Label string
	Kind  string
}

func (u *UI) document(w http.ResponseWriter, r *http.Request, s *session) {
	u.documentPage(w, r, s, r.PathValue("id"), nil)
}

// documentPage shows a document with its history, signatures, holders and actions; after
// a failed action (failed), with the error on that action's form and what the user typed
// in it. After an outage the form keeps the same request id, so that sending it again is
// the same request.
func (u *UI) documentPage(w http.ResponseWriter, r *http.Request, s *session, id string, failed *failedForm) {
	ctx := r.Context()
	d, err := u.deps.Engine.Document(ctx, s.Actor, id)
	if err != nil {
		if failed != nil && !unavailable(err) {
			err = failed.err // the action's own error says more than the page's
		}
		u.fail(w, r, s, err)
		return
	}
	v := docView{Doc: d, Can: allowed(d, s.Actor.Role), Signing: u.deps.Keyring != nil, RequestID: engine.NewID(),
		DefaultDays: 10}
	if failed != nil {
		v.Values, v.Form, v.ErrAction = maps.Clone(failed.values), failed.form, failed.action
		delete(v.Values, "pin")
		// The forms add a suffix of their own to the page's request id.
		if rid, _, _ := strings.Cut(failed.values["request_id"], "."); rid != "" && unavailable(failed.err) {
			v.RequestID = rid
		}
	}
	u.fillFiling(r, s, &v)
	if err := u.fillDocument(ctx, s, &v); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if v.Can[string(engine.ActionDispatch)] {
		v.Axis = u.pickAxis(r, r.URL.Query().Get("axis_q"))
		if failed != nil {
			v.Axis.keepTicked(ctx, u.deps.Store, failed.form["external"])
		}
	}
	if failed != nil {
		status, msg, detail := u.explain(w, r, s, failed.err)
		v.Error = strings.TrimSpace(msg + " " + detail)
		p := &page{session: s, Title: s.T("doc.title"), Status: status, Live: u.liveInbox}
		if !v.formShown(failed.action) {
			// The step is no longer offered (someone else took it): say so above the page.
			p.Alert, v.ErrAction = v.Error, ""
		}
		p.Data = v
		u.withMenu(p)
		u.write(w, r, "document", p)
		return
	}
	u.render(w, r, s, "document", "doc.title", v)
}

// fillDocument reads what the document page shows besides the document.
func (u *UI) fillDocument(ctx context.Context, s *session, v *docView) error {
	d := v.Doc
	var err error
	if v.Files, err = u.deps.Store.FileListByDocument(ctx, d.ID); err != nil {
		return err
	}
	v.Preview = previewFile(v.Files)
	if v.Assignments, err = u.deps.Store.AssignmentListByDocument(ctx, d.ID); err != nil {
		return err
	}
	v.Notes = u.notesByAssignment(ctx, v.Assignments)
	myUnits := u.myUnits(s)
	for _, a := range v.Assignments {
		if a.Status == "open" && a.Role != engine.ForInformation && (a.UserID == s.Actor.UserID || slices.Contains(myUnits, a.UnitID)) {
			v.Mine = append(v.Mine, a)
		}
	}
	if d.Flow == engine.Outgoing && d.Number > 0 {
		if v.Deliveries, err = u.deps.Engine.Deliveries(ctx, s.Actor, d.ID); err != nil {
			return err
		}
		// Only the sender follows its recipients on the axis; a recipient here sees none.
		if v.AxisDeliveries, err = u.deps.Engine.AxisDeliveries(ctx, s.Actor, d.ID); err != nil && !errors.Is(err, engine.ErrNotFound) {
			return err
		}
	}
	if v.Can[string(engine.ActionDirect)] || v.Can[string(engine.ActionSubmit)] {
		v.Units, _ = u.deps.Store.UnitListByAgency(ctx, d.AgencyID)
	}
	if v.Can[string(engine.ActionDispatch)] {
		v.Recipients, v.Groups = u.recipientChoices(s)
	}
	if err := u.fillSigning(ctx, s, v); err != nil {
		return err
	}
	v.CanSign = v.Can[string(engine.ActionSign)] || v.Can[string(engine.ActionIssue)]
	if v.Preview != nil && v.CanSign {
		v.Overlays = u.overlays(ctx, s, d, *v.Preview)
	}
	// The lifecycle table offers start and complete to every assignee role; the page
	// offers them only to those with an open assignment here.
	if (v.Can["start"] || v.Can["complete"]) && len(v.Mine) == 0 && !slices.Contains([]engine.Role{engine.RoleLeader, engine.RoleDeputyLeader}, s.Actor.Role) {
		delete(v.Can, "start")
		delete(v.Can, "complete")
	}
	v.HasActions = v.CanChangeSigner
	for _, ok := range v.Can {
		v.HasActions = v.HasActions || ok
	}
	if err := u.fillPeople(ctx, s, v); err != nil {
		return err
	}
	hist, err := u.history(ctx, s, d)
	switch {
	case unavailable(err):
		v.HistoryFailed = true
	case err != nil:
		return err
	}
	v.History = hist
	v.Signatures = u.signatures(ctx, s, v.Files)
	// Without the people (an outage) the page leaves the line out rather than say nobody.
	if v.Holders, err = u.holders(ctx, s, d, v.Assignments, v.Deliveries); err != nil {
		if !unavailable(err) {
			return err
		}
		v.HoldersFailed = true
	}
	return nil
}

// allowed lists the actions the lifecycle table offers a role in the document's state;
// the engine decides again when the action is taken.
func allowed(d engine.Document, role engine.Role) map[string]bool {
	table := engine.IncomingLifecycle
	if d.Flow == engine.Outgoing {
		table = engine.OutgoingLifecycle
	}
	can := map[string]bool{}
	for action, t := range table {
		if slices.Contains(t.From, d.State) && slices.Contains(t.Roles, role) {
			can[string(action)] = true
		}
	}
	return can
}

// previewFile is the file a reader wants to see: the latest signed PDF, else the latest
// draft, else the scan.
func previewFile(files []engine.File) *engine.File {
	for _, kind := range []string{"signed", "draft", "scan", "attachment"} {
		for i := len(files) - 1; i >= 0; i-- {
			if files[i].Kind == kind {
				return &files[i]
			}
		}
	}
	return nil
}

// placer is implemented by the keyring, which knows exactly where it will put signatures.
type placer interface {
	Placement(ctx context.Context, actor engine.Actor, docID string) (keyring.Layout, error)
}

// overlays are the boxes the preview draws where the leader's signature and the agency's
// seal will go. Without the keyring's own placement they sit where Decree 30 puts them: the
// signature block at the right under the text of the last page, the seal over its left third.
func (u *UI) overlays(ctx context.Context, s *session, d engine.Document, f engine.File) []overlay {
	var page int
	var sig [4]float64
	if p, ok := u.deps.Keyring.(placer); ok {
		layout, err := p.Placement(ctx, s.Actor, d.ID)
		if err != nil {
			return nil
		}
		page, sig = layout.Signature.Page, layout.Signature.Rect
	} else {
		rc, err := u.deps.Blobs.Open(ctx, f.BlobKey)
		if err != nil {
			return nil
		}
		data, err := io.ReadAll(io.LimitReader(rc, 20<<20))
		rc.Close()
		if err != nil {
			return nil
		}
		pages := countPages(data)
		page = max(pages-1, 0)
		box, err := signer.PageBox(data, page)
		if err != nil {
			return nil
		}
		w, h := box[2]-box[0], box[3]-box[1]
		sig = [4]float64{box[0] + w*0.55, box[1] + h*0.22, box[0] + w*0.9, box[1] + h*0.32}
	}
	out := []overlay{{Page: page + 1, Rect: rect(sig), Label: s.T("doc.overlay.signature"), Kind: "signature"}}
	seal := appearance.SealRect(sig, appearance.DefaultSealDiameterMM)
	out = append(out, overlay{Page: page + 1, Rect: rect(seal), Label: s.T("doc.overlay.seal"), Kind: "seal"})
	return out
}

// countPages counts page objects; good enough to find the last page of our own PDFs and
// of scans, and harmless when wrong (the box lands on another page).
func countPages(data []byte) int {
	n := bytes.Count(data, []byte("/Type /Page")) + bytes.Count(data, []byte("/Type/Page"))
	n -= bytes.Count(data, []byte("/Type /Pages")) + bytes.Count(data, []byte("/Type/Pages"))
	return max(n, 1)
}

func rect(r [4]float64) string {
	return fmt.Sprintf("%.1f,%.1f,%.1f,%.1f", r[0], r[1], r[2], r[3])
}

// myUnits are the units the actor works in, in the acting agency and role.
func (u *UI) myUnits(s *session) []string {
	var out []string
	for _, m := range s.Memberships {
		if m.AgencyID == s.Actor.AgencyID && m.Role == s.Actor.Role && m.UnitID != "" {
			out = append(out, m.UnitID)
		}
	}
	return out
}

// recipientChoices are the agencies a document may go to and the groups under the sender.
func (u *UI) recipientChoices(s *session) ([]engine.Agency, []recipientGroup) {
	all, err := u.deps.Store.AgencyList(s.ctx)
	if err != nil {
		return nil, nil
	}
	var agencies []engine.Agency
	tiers := map[engine.Tier]bool{}
	for _, a := range all {
		if a.ID == s.Actor.AgencyID || a.ValidTo != nil {
			continue
		}
		agencies = append(agencies, a)
		if a.ParentID == s.Actor.AgencyID {
			tiers[a.Tier] = true
		}
	}
	var groups []recipientGroup
	for _, t := range []engine.Tier{engine.TierProvince, engine.TierDistrict, engine.TierCommune} {
		if tiers[t] {
			groups = append(groups, recipientGroup{Value: s.Actor.AgencyID + ":" + string(t), Label: s.T("dispatch.group." + string(t))})
		}
	}
	return agencies, groups
}

// documentFile streams one of a document's files to a reader of the document.
func (u *UI) documentFile(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	d, err := u.deps.Engine.Document(ctx, s.Actor, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	seq, _ := strconv.Atoi(r.PathValue("seq"))
	files, err := u.deps.Store.FileListByDocument(ctx, d.ID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	i := slices.IndexFunc(files, func(f engine.File) bool { return f.Seq == seq })
	if i < 0 {
		u.fail(w, r, s, engine.ErrNotFound)
		return
	}
	rc, err := u.deps.Blobs.Open(ctx, files[i].BlobKey)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.FormatInt(files[i].Size, 10))
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("inline", files[i].Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, err := io.Copy(w, rc); err != nil {
		u.deps.Logger.WarnContext(ctx, "web: file download cut short", "document", d.ID, "error", err)
	}
}

// documentAction runs one action on a document and comes back to it; when the action
// fails, the page shows why on the action's form, with what the user typed.
func (u *UI) documentAction(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id, action := r.PathValue("id"), r.PathValue("action")
	var err error
	var form map[string]string
	if action == "version" {
		var up upload
		up, form, err = u.storeUpload(w, r, "draft")
		if err == nil {
			_, err = u.deps.Engine.AddFile(ctx, s.Actor, id, up.File, "")
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		err = r.ParseForm()
		form = map[string]string{}
		for k := range r.PostForm {
			form[k] = r.PostFormValue(k)
		}
	}
	if err == nil && action != "version" {
		err = u.runAction(ctx, r, s, id, action, form)
	}
	if err != nil {
		u.documentPage(w, r, s, id, &failedForm{action: action, values: form, form: r.PostForm, err: err})
		return
	}
	redirectDone(w, r, "/documents/"+id, action)
}

func (u *UI) runAction(ctx context.Context, r *http.Request, s *session, id, action string, f map[string]string) error {
	e, a, rid := u.deps.Engine, s.Actor, f["request_id"]
	if ok, err := u.peopleAction(ctx, r, s, action, f); ok {
		return err
	}
	var err error
	switch action {
	case "register":
		_, err = e.Register(ctx, a, id, rid)
	case "present":
		_, err = e.Present(ctx, a, id, rid)
	case "reject":
		_, err = e.Reject(ctx, a, id, f["reason"], rid)
	case "direct":
		var in engine.DirectInput
		if in, err = u.directInput(ctx, s, r); err == nil {
			_, err = e.Direct(ctx, a, id, in, rid)
		}
	case "start":
		_, err = e.Start(ctx, a, id, rid)
	case "progress":
		err = e.ReportProgress(ctx, a, f["assignment"], strings.TrimSpace(f["text"]))
	case "complete":
		_, err = e.Complete(ctx, a, id, strings.TrimSpace(f["result"]), rid)
	case "file":
		err = u.fileFromDocument(ctx, s, id, f)
	case "submit":
		var reviewers []engine.Reviewer
		if f["reviewer"] != "" {
			reviewers = []engine.Reviewer{{UserID: f["reviewer"], Kind: "content", Order: 1}}
		}
		// The format check (thể thức) follows the content review.
		if f["format_reviewer"] != "" {
			reviewers = append(reviewers, engine.Reviewer{UserID: f["format_reviewer"], Kind: "format", Order: len(reviewers) + 1})
		}
		_, err = e.SubmitFor(ctx, a, id, engine.Submission{Reviewers: reviewers, SignerID: f["signer"]}, rid)
	case "signer":
		_, err = e.ChangeIntendedSigner(ctx, a, id, f["signer"], rid)
	case "review":
		_, err = e.Review(ctx, a, id, f["verdict"] == "approve", f["comment"], rid)
	case "approve":
		_, err = e.Approve(ctx, a, id, rid)
	case "sendback":
		_, err = e.SendBack(ctx, a, id, f["reason"], rid)
	case "sign", "issue":
		if u.deps.Keyring == nil {
			return &userError{status: http.StatusServiceUnavailable, key: "err.nokeyring"}
		}
		if f["pin"] == "" {
			return badInput("err.pin")
		}
		if action == "sign" {
			_, err = u.deps.Keyring.SignAsLeader(ctx, a, id, f["pin"], rid)
		} else {
			var opts keyring.IssueOptions
			if opts.Placement, err = placementInput(f); err != nil {
				return err
			}
			_, err = u.deps.Keyring.IssueAndSealWith(ctx, a, id, f["pin"], rid, opts)
		}
		switch {
		case errors.Is(err, keyring.ErrWrongPIN):
			return &userError{status: http.StatusUnprocessableEntity, key: "err.wrongpin"}
		case errors.Is(err, keyring.ErrNoKey):
			return &userError{status: http.StatusUnprocessableEntity, key: "err.nokey"}
		case errors.Is(err, keyring.ErrNoDraft):
			return &userError{status: http.StatusUnprocessableEntity, key: "err.nodraft"}
		case errors.Is(err, keyring.ErrNoBlanks):
			return &userError{status: http.StatusUnprocessableEntity, key: "err.noblanks"}
		case unavailable(err):
			return err
		case err != nil && !isEngineKind(err):
			// Another key problem: the keyring's own error stays in the log.
			u.deps.Logger.WarnContext(ctx, "web: signing failed", "document", id, "error", err)
			return &userError{status: http.StatusUnprocessableEntity, key: "err.sign"}
		}
	case "dispatch":
		external := r.PostForm["external"]
		if len(external) > 0 && !u.deps.AxisEnabled {
			return &userError{status: http.StatusUnprocessableEntity, key: "err.axisoff"}
		}
		var ids []string
		if ids, err = u.recipients(ctx, s, r, len(external) > 0); err == nil {
			_, err = e.DispatchTo(ctx, a, id, engine.DispatchInput{AgencyIDs: ids, ExternalCodes: external}, rid)
		}
	case "recall":
		_, err = e.Recall(ctx, a, id, f["reason"], rid)
	default:
		return engine.ErrNotFound
	}
	return err
}

func isEngineKind(err error) bool {
	for _, k := range []error{engine.ErrNotFound, engine.ErrForbidden, engine.ErrConflict, engine.ErrInvalid} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// directInput reads the direction form: exactly one lead (a unit or a named person), any
// co-operating and informed units and people, a deadline as a date or working days.
func (u *UI) directInput(ctx context.Context, s *session, r *http.Request) (engine.DirectInput, error) {
	in := engine.DirectInput{Text: strings.TrimSpace(r.PostFormValue("text"))}
	deadline, days, err := deadlineInput(r, "deadline", "days")
	if err != nil {
		return in, err
	}
	people, err := u.personTasks(ctx, s, r, deadline, days)
	if err != nil {
		return in, err
	}
	lead := r.PostFormValue("lead")
	leads := 0
	if lead != "" {
		leads++
		in.Tasks = append(in.Tasks, engine.UnitTask{UnitID: lead, Role: engine.Lead, Deadline: deadline, WorkingDays: days})
	}
	for _, t := range people {
		if t.Role == engine.Lead {
			leads++
		}
	}
	switch {
	case leads == 0:
		return in, badInput("err.lead")
	case leads > 1:
		return in, badInput("err.leadone")
	}
	for _, id := range r.PostForm["cooperate"] {
		if id != lead {
			in.Tasks = append(in.Tasks, engine.UnitTask{UnitID: id, Role: engine.Cooperate, Deadline: deadline, WorkingDays: days})
		}
	}
	for _, id := range r.PostForm["info"] {
		if id != lead && !slices.Contains(r.PostForm["cooperate"], id) {
			in.Tasks = append(in.Tasks, engine.UnitTask{UnitID: id, Role: engine.ForInformation})
		}
	}
	in.Tasks = append(in.Tasks, people...)
	return in, nil
}

// recipients reads the dispatch form: agencies ticked one by one and groups. None is
// fine when agencies on the axis are ticked (external).
func (u *UI) recipients(ctx context.Context, s *session, r *http.Request, external bool) ([]string, error) {
	rs := engine.Recipients{AgencyIDs: r.PostForm["to"]}
	for _, g := range r.PostForm["group"] {
		below, tier, ok := strings.Cut(g, ":")
		if !ok {
			return nil, badInput("err.recipients")
		}
		rs.Groups = append(rs.Groups, engine.RecipientGroup{Below: below, Tier: engine.Tier(tier)})
	}
	ids, err := u.deps.Engine.ResolveRecipients(ctx, s.Actor.AgencyID, rs)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 && !external {
		return nil, badInput("err.recipients")
	}
	return ids, nil
}

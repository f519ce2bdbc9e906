package web

import (
	"net/http"
	"strings"

	"github.com/vanthu/vanthu/engine"
)

type createView struct {
	Types     []engine.DocumentType
	Units     []engine.Unit
	RequestID string
	// Values are what the user typed, when the form comes back after an outage.
	Values map[string]string
}

func (u *UI) createView(s *session) createView {
	units, _ := u.deps.Store.UnitListByAgency(s.ctx, s.Actor.AgencyID)
	return createView{Types: engine.DocumentTypes, Units: units, RequestID: engine.NewID()}
}

// failCreate answers a failed creation form: after an outage, the form again with what
// the user typed and the same request id; anything else as fail does.
func (u *UI) failCreate(w http.ResponseWriter, r *http.Request, s *session, name, titleKey string, f map[string]string, err error) {
	if !unavailable(err) {
		u.fail(w, r, s, err)
		return
	}
	v := u.createView(s)
	v.Values = f
	if f["request_id"] != "" {
		v.RequestID = f["request_id"]
	}
	u.busy(w, r, s, name, titleKey, v, err)
}

// incomingNew is the clerk's form to receive a paper document from its scan.
func (u *UI) incomingNew(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Actor.Role != engine.RoleClerk {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	u.render(w, r, s, "incoming_new", "receive.title", u.createView(s))
}

// incomingCreate receives the uploaded scan (tiếp nhận) and, when asked, registers it at
// once (vào sổ, số đến).
func (u *UI) incomingCreate(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Actor.Role != engine.RoleClerk {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	up, f, err := u.storeUpload(w, r, "scan")
	if err != nil {
		u.failCreate(w, r, s, "incoming_new", "receive.title", f, err)
		return
	}
	in := engine.ExternalInput{TypeCode: f["type"], Subject: strings.TrimSpace(f["subject"]), Urgency: engine.Urgency(f["urgency"]),
		Classification: engine.Classification(f["classification"]), SenderName: strings.TrimSpace(f["sender"]),
		SenderNotation: strings.TrimSpace(f["sender_notation"]), Files: []engine.FileInput{up.File}, Integrity: up.note()}
	d, err := u.deps.Engine.ReceiveExternal(r.Context(), s.Actor, in, f["request_id"])
	if err != nil {
		u.failCreate(w, r, s, "incoming_new", "receive.title", f, err)
		return
	}
	done := "received"
	if f["register"] != "" {
		rid := f["request_id"]
		if rid != "" {
			rid += ".register"
		}
		if _, err := u.deps.Engine.Register(r.Context(), s.Actor, d.ID, rid); err != nil {
			u.fail(w, r, s, err)
			return
		}
		done = "register"
	}
	http.Redirect(w, r, "/documents/"+d.ID+"?done="+done, http.StatusSeeOther)
}

// outgoingNew is the drafter's form for a new outgoing document with its first version.
func (u *UI) outgoingNew(w http.ResponseWriter, r *http.Request, s *session) {
	u.render(w, r, s, "outgoing_new", "draft.title", u.createView(s))
}

// outgoingCreate starts a draft (dự thảo) and stores its first version.
func (u *UI) outgoingCreate(w http.ResponseWriter, r *http.Request, s *session) {
	up, f, err := u.storeUpload(w, r, "draft")
	if err != nil {
		u.failCreate(w, r, s, "outgoing_new", "draft.title", f, err)
		return
	}
	// The user's note, then what the upload check found, one per line.
	note := strings.TrimSpace(strings.TrimSpace(f["note"]) + "\n" + up.note())
	in := engine.DraftInput{TypeCode: f["type"], Subject: strings.TrimSpace(f["subject"]), Urgency: engine.Urgency(f["urgency"]),
		Classification: engine.Classification(f["classification"]), DraftingUnitID: f["unit"], Note: note,
		Files: []engine.FileInput{up.File}}
	d, err := u.deps.Engine.CreateDraft(r.Context(), s.Actor, in, f["request_id"])
	if err != nil {
		u.failCreate(w, r, s, "outgoing_new", "draft.title", f, err)
		return
	}
	http.Redirect(w, r, "/documents/"+d.ID+"?done=draft", http.StatusSeeOther)
}

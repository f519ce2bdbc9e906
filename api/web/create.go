package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

type createView struct {
	Types     []engine.DocumentType
	Units     []engine.Unit
	RequestID string
	// Values are what the user typed, when the form comes back after an outage.
	Values map[string]string
	// Mode is "template" for a draft written from a Decree 30 model, else an upload.
	Mode string
	// Kinds are the models a draft can be written from; Preview is the laid-out draft
	// (base64 PDF) when the drafter asked to see it.
	Kinds   []engine.DocumentType
	Preview string
}

func (u *UI) createView(s *session) createView {
	units, _ := u.deps.Store.UnitListByAgency(s.ctx, s.Actor.AgencyID)
	return createView{Types: engine.DocumentTypes, Units: units, RequestID: engine.NewID(), Kinds: templateKinds()}
}

// failCreate shows the creation form again with what was wrong and what the user typed;
// after an outage with the same request id, so that sending it again is the same request.
func (u *UI) failCreate(w http.ResponseWriter, r *http.Request, s *session, name, titleKey string, f map[string]string, err error) {
	v := u.createView(s)
	v.Values, v.Mode = f, f["mode"]
	if f["request_id"] != "" && unavailable(err) {
		v.RequestID = f["request_id"]
	}
	u.formError(w, r, s, name, titleKey, v, err)
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
		SenderNotation: strings.TrimSpace(f["sender_notation"]), SignerName: strings.TrimSpace(f["signer_name"]),
		Files: []engine.FileInput{up.File}, Integrity: up.note(), Register: f["register"] != ""}
	if in.DocumentDate, in.PageCount, err = documentDetails(f); err != nil {
		u.failCreate(w, r, s, "incoming_new", "receive.title", f, err)
		return
	}
	d, err := u.deps.Engine.ReceiveExternal(r.Context(), s.Actor, in, f["request_id"])
	if err != nil {
		u.failCreate(w, r, s, "incoming_new", "receive.title", f, err)
		return
	}
	done := "received"
	if in.Register {
		done = "register"
	}
	redirectDone(w, r, "/documents/"+d.ID, done)
}

// outgoingNew is the drafter's form for a new outgoing document with its first version:
// an uploaded PDF, or with ?mode=template the parts of a Decree 30 model.
func (u *UI) outgoingNew(w http.ResponseWriter, r *http.Request, s *session) {
	v := u.createView(s)
	if r.URL.Query().Get("mode") == "template" {
		v.Mode, v.Values = "template", u.templateDefaults(s)
	}
	u.render(w, r, s, "outgoing_new", "draft.title", v)
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
	redirectDone(w, r, "/documents/"+d.ID, "draft")
}

// documentDetails reads the received document's own date (ngày văn bản) and page count
// (số trang) from the form; both may be left empty.
func documentDetails(f map[string]string) (*time.Time, int, error) {
	var date *time.Time
	if v := strings.TrimSpace(f["document_date"]); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, vietnam)
		if err != nil {
			return nil, 0, badInput("err.date")
		}
		date = &t
	}
	var pages int
	if v := strings.TrimSpace(f["page_count"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, 0, badInput("err.pages")
		}
		pages = n
	}
	return date, pages, nil
}

package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/storage/blob"
)

// Drafting from a Decree 30 model (soạn theo mẫu): the specialist fills the parts, vanthu
// lays the PDF out with the number and date left blank for the clerk's issue.

// TemplateDraft is a template as a drafter sends it, with the draft's metadata that
// changes what is printed.
type TemplateDraft struct {
	docpdf.Template
	// UnitID is the drafting unit: a Công văn's notation ends with its abbreviation.
	UnitID         string
	Urgency        engine.Urgency
	Classification engine.Classification
}

// CompleteTemplate fills in what the system knows: the notation from the type, the
// agency and the drafting unit, the urgency and confidentiality marks, and, when the
// agency heading or the place is left empty, those of the actor's agency.
func CompleteTemplate(ctx context.Context, store engine.Store, actor engine.Actor, in TemplateDraft) (docpdf.Template, error) {
	t := in.Template
	agency, err := store.AgencyGetByID(ctx, actor.AgencyID)
	if err != nil {
		return t, fmt.Errorf("template: agency: %w", err)
	}
	unitShort := ""
	if in.UnitID != "" {
		unit, err := store.UnitGetByID(ctx, in.UnitID)
		if errors.Is(err, engine.ErrNotFound) || err == nil && unit.AgencyID != actor.AgencyID {
			return t, &engine.ValidationError{Field: "drafting_unit_id", Message: "không có đơn vị này trong cơ quan / no such unit in the agency"}
		}
		if err != nil {
			return t, fmt.Errorf("template: unit: %w", err)
		}
		unitShort = unit.ShortName
	}
	if t.Kind != "" {
		unitShort = ""
	}
	_, t.Notation, _ = strings.Cut(engine.Notation(0, t.Kind, agency.ShortName, unitShort), "/")
	heading, err := agencyHeading(ctx, store, agency)
	if err != nil {
		return t, err
	}
	if strings.TrimSpace(t.Agency) == "" {
		t.ParentAgency, t.Agency = heading.parent, heading.agency
	}
	if strings.TrimSpace(t.Place) == "" {
		t.Place = heading.place
	}
	t.Urgency, t.Confidentiality = urgencyMarks[in.Urgency], classMarks[in.Classification]
	return t, nil
}

var (
	urgencyMarks = map[engine.Urgency]string{engine.UrgencyUrgent: docpdf.Urgent, engine.UrgencyVeryUrgent: docpdf.VeryUrgent,
		engine.UrgencyFlash: docpdf.FlashPriority}
	classMarks = map[engine.Classification]string{engine.Confidential: docpdf.Secret, engine.Secret: docpdf.TopSecret,
		engine.TopSecret: docpdf.MostSecret}
)

// heading is what ô 2 and ô 4 print for an agency.
type heading struct {
	parent, agency, place string
}

// agencyHeading is the agency's ô 2 (its governing agency above it, "UBND" shortened as
// Decree 30's models do) and its địa danh: the administrative unit in its name or, for a
// department, in its parents' names.
func agencyHeading(ctx context.Context, store engine.Store, a engine.Agency) (heading, error) {
	h := heading{agency: a.Name, place: placeIn(a.Name)}
	if rest, ok := cutFold(a.Name, "Ủy ban nhân dân "); ok {
		h.agency = "Ủy ban nhân dân\n" + rest
	}
	// The governing agency is the parent; the place may be further up (a unit of a department).
	for depth, id := 0, a.ParentID; id != "" && (depth == 0 || h.place == ""); depth++ {
		p, err := store.AgencyGetByID(ctx, id)
		if err != nil {
			return h, fmt.Errorf("template: parent agency: %w", err)
		}
		if depth == 0 {
			h.parent = strings.Replace(p.Name, "Ủy ban nhân dân", "UBND", 1)
		}
		h.place, id = cmpOr(h.place, placeIn(p.Name)), p.ParentID
	}
	return h, nil
}

// placeIn is the name after the last administrative unit word of an agency's name:
// "Ủy ban nhân dân xã Đồng Bảng" is in Đồng Bảng.
func placeIn(name string) string {
	best, at := "", -1
	lower := strings.ToLower(name)
	for _, unit := range []string{"tỉnh ", "thành phố ", "huyện ", "thị xã ", "quận ", "xã ", "phường ", "thị trấn "} {
		if i := strings.LastIndex(lower, unit); i > at {
			best, at = strings.TrimSpace(name[i+len(unit):]), i
		}
	}
	return best
}

func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// templateKinds are the models as document types, for the form's type list.
func templateKinds() []engine.DocumentType {
	out := make([]engine.DocumentType, len(docpdf.TemplateKinds))
	for i, k := range docpdf.TemplateKinds {
		out[i] = engine.DocumentType{Code: k.Code, Name: k.Name}
	}
	return out
}

// templateDefaults are the form's first values: the agency's heading and place, a copy
// kept by the văn thư, and the agency's head as the signer.
func (u *UI) templateDefaults(s *session) map[string]string {
	f := map[string]string{"mode": "template", "type": "QĐ", "recipients": "Như trên\nLưu: VT"}
	agency, err := u.deps.Store.AgencyGetByID(s.ctx, s.Actor.AgencyID)
	if err != nil {
		return f // the form still works: the user types the heading
	}
	if h, err := agencyHeading(s.ctx, u.deps.Store, agency); err == nil {
		f["parent_agency"], f["agency"], f["place"] = h.parent, h.agency, h.place
	}
	ms, _ := u.deps.Store.MembershipListByAgency(s.ctx, agency.ID)
	for _, m := range ms {
		if m.Role == engine.RoleLeader {
			f["signer_position"], f["signer_name"] = m.Title, s.UserName(m.UserID)
			break
		}
	}
	return f
}

// templateFromForm reads the template form's parts.
func templateFromForm(f map[string]string) TemplateDraft {
	return TemplateDraft{Template: docpdf.Template{
		Kind: f["type"], ParentAgency: f["parent_agency"], Agency: f["agency"], Place: strings.TrimSpace(f["place"]),
		Summary: f["subject"], Addressees: lines(f["addressees"]), Body: f["body"], Recipients: lines(f["recipients"]),
		Signing: docpdf.Signing{Form: f["signer_form"], For: f["signer_for"], Position: f["signer_position"], Name: f["signer_name"]},
	}, UnitID: f["unit"], Urgency: engine.Urgency(f["urgency"]), Classification: engine.Classification(f["classification"])}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// templateFields are the form fields of a template draft, read and kept for the form.
var templateFields = []string{"request_id", "mode", "do", "type", "subject", "urgency", "classification", "unit", "note",
	"parent_agency", "agency", "place", "addressees", "body", "recipients", "signer_form", "signer_for", "signer_position", "signer_name"}

// outgoingTemplate is POST /outgoing/template: "Xem trước" lays the draft out and shows it
// under the form; "Tạo dự thảo" stores it as the first version of a new draft.
func (u *UI) outgoingTemplate(w http.ResponseWriter, r *http.Request, s *session) {
	r.Body = http.MaxBytesReader(w, r.Body, int64(len(templateFields))*maxFieldBytes)
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, s, uploadError(err))
		return
	}
	f := map[string]string{}
	for _, k := range templateFields {
		f[k] = r.PostFormValue(k)
	}
	f["mode"] = "template"
	in := templateFromForm(f)
	tpl, err := CompleteTemplate(r.Context(), u.deps.Store, s.Actor, in)
	if err != nil {
		u.failCreate(w, r, s, "outgoing_new", "draft.title", f, s.templateError(err))
		return
	}
	pdf, _, _, err := tpl.Render()
	if err != nil {
		u.failCreate(w, r, s, "outgoing_new", "draft.title", f, s.templateError(err))
		return
	}
	if f["do"] == "preview" {
		v := u.createView(s)
		v.Mode, v.Values, v.Preview = "template", f, base64.StdEncoding.EncodeToString(pdf)
		v.RequestID = cmpOr(f["request_id"], v.RequestID)
		u.render(w, r, s, "outgoing_new", "draft.title", v)
		return
	}
	obj, err := u.deps.Blobs.Put(r.Context(), bytes.NewReader(pdf), blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		u.failCreate(w, r, s, "outgoing_new", "draft.title", f, fmt.Errorf("store template draft: %w", err))
		return
	}
	file := engine.FileInput{Kind: "draft", Name: draftName(in.Kind), BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}
	d, err := u.deps.Engine.CreateDraft(r.Context(), s.Actor, engine.DraftInput{TypeCode: in.Kind, Subject: strings.TrimSpace(f["subject"]),
		Urgency: in.Urgency, Classification: in.Classification, DraftingUnitID: in.UnitID, Note: strings.TrimSpace(f["note"]),
		Files: []engine.FileInput{file}}, f["request_id"])
	if err != nil {
		u.failCreate(w, r, s, "outgoing_new", "draft.title", f, err)
		return
	}
	redirectDone(w, r, "/documents/"+d.ID, "draft")
}

// draftName is the file name of a draft laid out from a model, e.g. "du-thao-QD.pdf".
func draftName(kind string) string {
	code := strings.NewReplacer("Đ", "D", "đ", "d").Replace(kind)
	if code == "" {
		code = "CV"
	}
	return "du-thao-" + code + ".pdf"
}

// templateError words a template's wrong part for the form: the part's label and what is
// wrong with it, in the user's language.
func (s *session) templateError(err error) error {
	fe, ok := docpdf.IsFieldError(err)
	if !ok {
		return err
	}
	return &userError{status: http.StatusUnprocessableEntity, key: "err.invalid",
		detail: s.T("tplfield."+fe.Field) + ": " + s.T("tplproblem."+fe.Problem)}
}

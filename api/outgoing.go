package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/api/web"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/storage/blob"
)

// Signer signs with personal keys and the agency's seal (service/keyring). The PIN is
// asked for each signature and passed straight through, never kept or logged.
type Signer interface {
	SignAsLeader(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (engine.Document, error)
	IssueAndSeal(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (engine.Document, error)
	// IssueAndSealWith takes the clerk's placement of the number and date.
	IssueAndSealWith(ctx context.Context, actor engine.Actor, docID, pin, requestID string, opts keyring.IssueOptions) (engine.Document, error)
}

// draftInput is the metadata of a new outgoing document (dự thảo).
type draftInput struct {
	TypeCode       string `json:"type_code"`
	Subject        string `json:"subject"`
	Urgency        string `json:"urgency"`
	Classification string `json:"classification"`
	DraftingUnitID string `json:"drafting_unit_id"`
	Note           string `json:"note"`
	ReplyToID      string `json:"reply_to_id"`
	ReplacesID     string `json:"replaces_id"`
	ReplaceKind    string `json:"replace_kind"`
}

// draftedJSON is a document with the file just uploaded to it.
type draftedJSON struct {
	Document documentJSON `json:"document"`
	File     uploadJSON   `json:"file"`
}

// createDraft is POST /api/v1/outgoing: a new draft with its first version as a PDF, the
// PDF stored before the one transaction that records both.
func (s *Server) createDraft(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	requestID, ok := requestIDFrom(w, r, a)
	if !ok {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		s.createTemplateDraft(w, r, a, requestID)
		return
	}
	var in draftInput
	up, ok := s.receiveUpload(w, r, "draft", &in)
	if !ok {
		return
	}
	write := answer(r, func(w http.ResponseWriter, d engine.Document) {
		w.Header().Set("ETag", etag(d.Version))
		w.Header().Set("Location", "/api/v1/documents/"+d.ID)
		httpx.WriteJSON(w, http.StatusCreated, draftedJSON{Document: documentOut(d), File: up.out()})
	})
	d, err := s.deps.Engine.CreateDraft(r.Context(), a, engine.DraftInput{TypeCode: in.TypeCode, Subject: in.Subject,
		Urgency: engine.Urgency(in.Urgency), Classification: engine.Classification(in.Classification), DraftingUnitID: in.DraftingUnitID,
		Note: joinNote(in.Note, up.note()), ReplyToID: in.ReplyToID, ReplacesID: in.ReplacesID, ReplaceKind: in.ReplaceKind,
		Files: []engine.FileInput{up.File}}, requestID)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	write(w, d)
}

// templateDraftInput is a draft written from a Decree 30 model (application/json): the
// draft's metadata, type_code being the model (QĐ, "" for a Công văn, TTr, BC, TB, KH,
// GM) and subject its trích yếu, with the model's parts in template.
type templateDraftInput struct {
	draftInput
	Template templateJSON `json:"template"`
}

// templateJSON are the parts of a model. Without agency, the heading (ô 2) is the actor's
// agency under its governing agency; without place, the agency's địa danh.
type templateJSON struct {
	ParentAgency string   `json:"parent_agency"`
	Agency       string   `json:"agency"`
	Place        string   `json:"place"`
	Addressees   []string `json:"addressees"`
	Competence   string   `json:"competence"`
	Body         string   `json:"body"`
	Recipients   []string `json:"recipients"`
	Signer       struct {
		Form     string `json:"form"`
		For      string `json:"for"`
		Position string `json:"position"`
		Name     string `json:"name"`
	} `json:"signer"`
}

// createTemplateDraft is POST /api/v1/outgoing with a JSON body: vanthu lays the draft
// out from the model, number and date blank, stores the PDF and creates the draft with it
// in one transaction, as for an upload.
func (s *Server) createTemplateDraft(w http.ResponseWriter, r *http.Request, a engine.Actor, requestID string) {
	var in templateDraftInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	if in.ReplyToID != "" || in.ReplacesID != "" || in.ReplaceKind != "" {
		httpx.Invalid(w, "replaces_id", "bản dự thảo theo mẫu chưa hỗ trợ trả lời, đính chính, thay thế; hãy tải lên PDF / "+
			"a draft from a template cannot reply to, correct or replace a document yet; upload a PDF")
		return
	}
	t := in.Template
	tpl, err := web.CompleteTemplate(r.Context(), s.deps.Store, a, web.TemplateDraft{Template: docpdf.Template{
		Kind: in.TypeCode, ParentAgency: t.ParentAgency, Agency: t.Agency, Place: t.Place, Summary: in.Subject,
		Addressees: t.Addressees, Competence: t.Competence, Body: t.Body, Recipients: t.Recipients,
		Signing: docpdf.Signing{Form: t.Signer.Form, For: t.Signer.For, Position: t.Signer.Position, Name: t.Signer.Name},
	}, UnitID: in.DraftingUnitID, Urgency: engine.Urgency(in.Urgency), Classification: engine.Classification(in.Classification)})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	pdf, _, _, err := tpl.Render()
	if fe, ok := docpdf.IsFieldError(err); ok {
		httpx.Invalid(w, templateFieldPath(fe.Field), fe.Message)
		return
	}
	if err != nil {
		s.engineError(w, r, fmt.Errorf("lay out template draft: %w", err))
		return
	}
	obj, err := s.deps.Blobs.Put(r.Context(), bytes.NewReader(pdf), blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		s.engineError(w, r, fmt.Errorf("store template draft: %w", err))
		return
	}
	up := upload{File: engine.FileInput{Kind: "draft", Name: "du-thao.pdf", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}}
	write := answer(r, func(w http.ResponseWriter, d engine.Document) {
		w.Header().Set("ETag", etag(d.Version))
		w.Header().Set("Location", "/api/v1/documents/"+d.ID)
		httpx.WriteJSON(w, http.StatusCreated, draftedJSON{Document: documentOut(d), File: up.out()})
	})
	d, err := s.deps.Engine.CreateDraft(r.Context(), a, engine.DraftInput{TypeCode: in.TypeCode, Subject: in.Subject,
		Urgency: engine.Urgency(in.Urgency), Classification: engine.Classification(in.Classification), DraftingUnitID: in.DraftingUnitID,
		Note: in.Note, Files: []engine.FileInput{up.File}}, requestID)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	write(w, d)
}

// templateFieldPath names a template's part as the request spells it.
func templateFieldPath(field string) string {
	switch field {
	case "kind":
		return "type_code"
	case "subject":
		return field
	}
	if part, ok := strings.CutPrefix(field, "signer_"); ok {
		return "template.signer." + part
	}
	return "template." + field
}

func joinNote(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n" + b
}

// addVersion is POST /api/v1/documents/{id}/versions: a new draft version (a PDF).
func (s *Server) addVersion(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	requestID, ok := requestIDFrom(w, r, a)
	if !ok {
		return
	}
	ctx, ok := s.precondition(w, r, a, r.PathValue("id"))
	if !ok {
		return
	}
	r = r.WithContext(ctx)
	up, ok := s.receiveUpload(w, r, "draft", nil)
	if !ok {
		return
	}
	write := answer(r, func(w http.ResponseWriter, f engine.File) {
		out := up.out()
		out.Name = f.Name
		httpx.WriteJSON(w, http.StatusCreated, struct {
			Seq int `json:"seq"`
			uploadJSON
		}{f.Seq, out})
	})
	f, err := s.deps.Engine.AddFile(r.Context(), a, r.PathValue("id"), up.File, requestID)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	write(w, f)
}

type reviewerInput struct {
	UserID string `json:"user_id"`
	Kind   string `json:"kind"` // content, format
	Order  int    `json:"order"`
}

type submitInput struct {
	Reviewers []reviewerInput `json:"reviewers"`
	// SignerID names the leader who is to sign (người ký dự kiến); empty: any leader.
	SignerID string `json:"signer_id"`
}

// signerInput names another leader to sign a draft, or none (any leader).
type signerInput struct {
	SignerID string `json:"signer_id"`
}

type reviewInput struct {
	Approve bool   `json:"approve"`
	Comment string `json:"comment"`
}

// pinInput carries the PIN of a personal key or of the agency's seal; it is never logged.
type pinInput struct {
	PIN string `json:"pin"`
}

// issueInput is the agency seal's PIN and, for a draft without "Số:" and "ngày … tháng …
// năm" blanks, where the clerk puts the number and date lines on the first page.
type issueInput struct {
	PIN      string      `json:"pin"`
	NumberAt *pointInput `json:"number_at"`
	DateAt   *pointInput `json:"date_at"`
	Size     float64     `json:"size"`
}

// pointInput is a position on a page in PDF points from its lower left corner.
type pointInput struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

func (p *pointInput) point() *keyring.Point {
	if p == nil {
		return nil
	}
	return &keyring.Point{X: p.X, Y: p.Y}
}

type dispatchInput struct {
	AgencyIDs []string     `json:"agency_ids"`
	Groups    []groupInput `json:"groups"`
	ListIDs   []string     `json:"list_ids"`
	// ExternalCodes are agencies of the national exchange axis's directory.
	ExternalCodes []string `json:"external_codes"`
}

type groupInput struct {
	Below string `json:"below"` // agency id
	Tier  string `json:"tier"`  // province, district, commune
}

func (s *Server) submit() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in submitInput, id string) (engine.Document, error) {
		rs := mapSlice(in.Reviewers, func(x reviewerInput) engine.Reviewer {
			return engine.Reviewer{UserID: x.UserID, Kind: x.Kind, Order: x.Order}
		})
		return s.deps.Engine.SubmitFor(r.Context(), a, docID, engine.Submission{Reviewers: rs, SignerID: in.SignerID}, id)
	})
}

// changeSigner is a reviewer's or the approver's naming of another leader to sign.
func (s *Server) changeSigner() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in signerInput, id string) (engine.Document, error) {
		return s.deps.Engine.ChangeIntendedSigner(r.Context(), a, docID, in.SignerID, id)
	})
}

func (s *Server) review() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in reviewInput, id string) (engine.Document, error) {
		return s.deps.Engine.Review(r.Context(), a, docID, in.Approve, in.Comment, id)
	})
}

func (s *Server) approve() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, _ noInput, id string) (engine.Document, error) {
		return s.deps.Engine.Approve(r.Context(), a, docID, id)
	})
}

func (s *Server) sendBack() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in reasonInput, id string) (engine.Document, error) {
		return s.deps.Engine.SendBack(r.Context(), a, docID, in.Reason, id)
	})
}

// sign is the leader's personal digital signature on the latest draft.
func (s *Server) sign() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in pinInput, id string) (engine.Document, error) {
		if s.deps.Signer == nil {
			return engine.Document{}, errNoSigner
		}
		return s.deps.Signer.SignAsLeader(r.Context(), a, docID, in.PIN, id)
	})
}

// issue is the clerk's numbering (cấp số) followed by the agency's signature and seal.
func (s *Server) issue() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in issueInput, id string) (engine.Document, error) {
		if s.deps.Signer == nil {
			return engine.Document{}, errNoSigner
		}
		opts := keyring.IssueOptions{Placement: keyring.Placement{NumberAt: in.NumberAt.point(), DateAt: in.DateAt.point(), Size: in.Size}}
		return s.deps.Signer.IssueAndSealWith(r.Context(), a, docID, in.PIN, id, opts)
	})
}

func (s *Server) dispatch() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in dispatchInput, id string) (engine.Document, error) {
		groups := mapSlice(in.Groups, func(g groupInput) engine.RecipientGroup {
			return engine.RecipientGroup{Below: g.Below, Tier: engine.Tier(g.Tier)}
		})
		var ids []string
		if len(in.AgencyIDs)+len(in.Groups)+len(in.ListIDs) > 0 || len(in.ExternalCodes) == 0 {
			var err error
			ids, err = s.deps.Engine.ResolveRecipients(r.Context(), a.AgencyID, engine.Recipients{AgencyIDs: in.AgencyIDs, Groups: groups, ListIDs: in.ListIDs})
			if err != nil {
				return engine.Document{}, err
			}
		}
		if len(in.ExternalCodes) > 0 && !s.deps.AxisEnabled {
			return engine.Document{}, errAxisOff
		}
		return s.deps.Engine.DispatchTo(r.Context(), a, docID, engine.DispatchInput{AgencyIDs: ids, ExternalCodes: in.ExternalCodes}, id)
	})
}

func (s *Server) recall() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in reasonInput, id string) (engine.Document, error) {
		return s.deps.Engine.Recall(r.Context(), a, docID, in.Reason, id)
	})
}

// errNoSigner: this server was started without a signer.
var errNoSigner = errors.New("no signer configured")

// isNoSigner lets the error mapping answer 503 rather than 500.
func isNoSigner(err error) bool { return errors.Is(err, errNoSigner) }

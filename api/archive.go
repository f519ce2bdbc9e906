package api

import (
	"context"
	_ "embed"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/service/keyring"
)

// archiveOpenAPI holds the schemas of the archive's endpoints (disposal, retention,
// certified copies, succession, imported history).
//
//go:embed archive_openapi.json
var archiveOpenAPI []byte

// ---- disposal: candidates, appraisal proposal, decision, destruction ----

// disposalCandidates is GET /api/v1/records/disposal-candidates?at=: the records whose
// retention has ended (by at, an RFC 3339 time or a date; now when omitted).
func (s *Server) disposalCandidates(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	at := time.Now()
	if v := r.URL.Query().Get("at"); v != "" {
		t, err := parseWhen(v)
		if err != nil {
			httpx.BadRequest(w, "at", "ngày hoặc thời điểm RFC 3339 / a date or an RFC 3339 time")
			return
		}
		at = t
	}
	rs, err := s.deps.Engine.DisposalCandidates(r.Context(), a, at)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(rs, recordOut))
}

func parseWhen(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, v)
}

type appraisalJSON struct {
	ID               string            `json:"id"`
	AgencyID         string            `json:"agency_id"`
	Title            string            `json:"title"`
	State            string            `json:"state"`
	RecordIDs        []string          `json:"record_ids"`
	ProposedBy       string            `json:"proposed_by"`
	ProposedAt       time.Time         `json:"proposed_at"`
	DecidedBy        string            `json:"decided_by,omitempty"`
	DecidedAt        *time.Time        `json:"decided_at,omitempty"`
	DecisionNotation string            `json:"decision,omitempty"`
	Reason           string            `json:"reason,omitempty"`
	Version          int               `json:"version"`
	Destructions     []destructionJSON `json:"destructions,omitempty"`
}

func appraisalOut(a engine.Appraisal) appraisalJSON {
	return appraisalJSON{ID: a.ID, AgencyID: a.AgencyID, Title: a.Title, State: string(a.State), RecordIDs: a.RecordIDs,
		ProposedBy: a.ProposedBy, ProposedAt: a.ProposedAt, DecidedBy: a.DecidedBy, DecidedAt: a.DecidedAt,
		DecisionNotation: a.DecisionNotation, Reason: a.Reason, Version: a.Version}
}

// destructionJSON is a destruction record (biên bản hủy tài liệu).
type destructionJSON struct {
	ID          string                   `json:"id"`
	AppraisalID string                   `json:"appraisal_id"`
	ExecutedBy  string                   `json:"executed_by"`
	ExecutedAt  time.Time                `json:"executed_at"`
	Decision    string                   `json:"decision"`
	Records     []engine.DestroyedRecord `json:"records"`
}

func destructionOut(d engine.Destruction) destructionJSON {
	return destructionJSON{ID: d.ID, AppraisalID: d.AppraisalID, ExecutedBy: d.ExecutedBy, ExecutedAt: d.ExecutedAt,
		Decision: d.Decision, Records: d.Records}
}

type proposeInput struct {
	Title     string   `json:"title"`
	RecordIDs []string `json:"record_ids"`
}

// proposeDisposal is POST /api/v1/appraisals: the archivist's list of records due for
// destruction, for the head of the agency to decide on.
func (s *Server) proposeDisposal(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in proposeInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	ap, err := s.deps.Engine.ProposeDisposal(r.Context(), a, in.Title, in.RecordIDs)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/appraisals/"+ap.ID)
	httpx.WriteJSON(w, http.StatusCreated, appraisalOut(ap))
}

// getAppraisal is GET /api/v1/appraisals/{id}, with its destruction records.
func (s *Server) getAppraisal(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	ap, ds, err := s.deps.Engine.Appraisal(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := appraisalOut(ap)
	out.Destructions = mapSlice(ds, destructionOut)
	httpx.WriteJSON(w, http.StatusOK, out)
}

type appraisalDecisionInput struct {
	Approve  bool   `json:"approve"`
	Decision string `json:"decision"` // số, ký hiệu of the decision when approving
	Reason   string `json:"reason"`   // why the records are kept when rejecting
}

// decideDisposal is POST /api/v1/appraisals/{id}/decision: the head of the agency
// approves the destruction (with the decision's number) or keeps the records.
func (s *Server) decideDisposal(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in appraisalDecisionInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	ap, err := s.deps.Engine.DecideDisposal(r.Context(), a, r.PathValue("id"), in.Approve, in.Decision, in.Reason)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, appraisalOut(ap))
}

// destroy is POST /api/v1/appraisals/{id}/destroy: the archivist carries out an approved
// decision; the answer is the destruction record, listing objects still locked.
func (s *Server) destroy(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	d, err := s.deps.Engine.Destroy(r.Context(), a, r.PathValue("id"), archive.Eraser{Blobs: s.deps.Blobs, Replicas: s.deps.Replicas})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, destructionOut(d))
}

// ---- certified copies (SAO Y) ----

// copier issues signed certified copies; service/keyring is one.
type copier interface {
	CertifiedCopy(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (keyring.IssuedCopy, error)
}

type certifiedCopyJSON struct {
	ID         string    `json:"id"`
	SourceID   string    `json:"source_id"`
	Form       string    `json:"form"`
	Number     int       `json:"number"`
	Notation   string    `json:"notation"`
	Year       int       `json:"year"`
	RecordID   string    `json:"record_id"`
	RecordCode string    `json:"record_code"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	CreatedAt  time.Time `json:"created_at"`
	Download   string    `json:"download"`
}

// copyDownload is where a certified copy is downloaded: the digest in the path names
// the exact bytes, and the agency comes from who asks.
func copyDownload(copyID, sha256 string) string {
	return "/api/v1/certified-copies/" + copyID + "/" + sha256
}

// issueCertifiedCopy is POST /api/v1/documents/{id}/certified-copies: the archivist
// issues a certified copy (SAO Y) of a record's document, signed with the agency's key
// (its PIN in the body); the answer describes it and links its PDF.
func (s *Server) issueCertifiedCopy(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in pinInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	c, ok := s.deps.Signer.(copier)
	if !ok {
		s.engineError(w, r, errNoSigner)
		return
	}
	requestID, ok := requestIDFrom(w, r, a)
	if !ok {
		return
	}
	write := answer(r, func(w http.ResponseWriter, cp engine.CertifiedCopy) {
		link := copyDownload(cp.ID, cp.Signed.SHA256)
		w.Header().Set("Location", link)
		httpx.WriteJSON(w, http.StatusCreated, certifiedCopyJSON{ID: cp.ID, SourceID: cp.SourceID, Form: cp.Form, Number: cp.Number,
			Notation: cp.Notation, Year: cp.Year, RecordID: cp.Record.ID, RecordCode: cp.Record.FileCode(), SHA256: cp.Signed.SHA256,
			Size: cp.Signed.Size, CreatedAt: cp.CreatedAt, Download: link})
	})
	cp, err := c.CertifiedCopy(r.Context(), a, r.PathValue("id"), in.PIN, requestID)
	if err != nil {
		// The role and the agency's key are checked before the document: to another
		// agency, a document it cannot see is not found, whatever else is wrong.
		if _, derr := s.deps.Engine.Document(r.Context(), a, r.PathValue("id")); errors.Is(derr, engine.ErrNotFound) {
			err = derr
		}
	}
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	write(w, cp.CertifiedCopy)
}

// downloadCertifiedCopy is GET /api/v1/certified-copies/{id}/{digest}: the signed PDF
// of a certified copy of the actor's agency, for its archivist. The key is built from
// the actor's agency, so another agency's copy is simply not found.
func (s *Server) downloadCertifiedCopy(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	id, digest := r.PathValue("id"), r.PathValue("digest")
	key := keyring.CopyKey(a.AgencyID, id, digest)
	if key == "" {
		s.engineError(w, r, engine.ErrNotFound)
		return
	}
	obj, err := s.deps.Blobs.Stat(r.Context(), key)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	if a.Role != engine.RoleArchivist {
		httpx.WriteProblem(w, http.StatusForbidden, httpx.KindForbidden, "Không có quyền / Forbidden",
			"bản sao y do lưu trữ viên cấp và tải / certified copies are issued and downloaded by the archivist")
		return
	}
	rc, err := s.deps.Blobs.Open(r.Context(), key)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	defer rc.Close()
	tag := `"` + digest + `"`
	w.Header().Set("ETag", tag)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", "ban-sao-y-"+id+".pdf"))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		s.deps.Logger.WarnContext(r.Context(), "certified copy download cut short", "copy", id, "error", err)
	}
}

// ---- agency succession ----

type successionInput struct {
	SuccessorID string            `json:"successor_id"`
	At          time.Time         `json:"at"`
	Units       map[string]string `json:"units"`  // predecessor unit → successor unit
	People      map[string]string `json:"people"` // predecessor user → successor user
}

type successionJSON struct {
	Records     int      `json:"records"`
	Documents   int      `json:"documents"`
	Assignments int      `json:"assignments"`
	Rerouted    []string `json:"rerouted"`
}

// succeed is POST /api/v1/agencies/{id}/succession: the agency ends (a merger, a split,
// the 2025 reform) and its successor takes over its records and open work. An admin
// over both agencies does it.
func (s *Server) succeed(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in successionInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.SuccessorID) == "" {
		httpx.BadRequest(w, "successor_id", "cơ quan kế thừa / the successor agency is required")
		return
	}
	at := in.At
	if at.IsZero() {
		at = time.Now()
	}
	rep, err := s.deps.Engine.SucceedWith(r.Context(), a, r.PathValue("id"), in.SuccessorID, at,
		engine.SuccessionMap{Units: in.Units, Users: in.People})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	rerouted := rep.Rerouted
	if rerouted == nil {
		rerouted = []string{}
	}
	httpx.WriteJSON(w, http.StatusOK, successionJSON{Records: rep.Records, Documents: rep.Documents, Assignments: rep.Assignments, Rerouted: rerouted})
}

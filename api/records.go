package api

import (
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// listRecords is GET /api/v1/records?year=: the records (hồ sơ) of my agency.
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	year, ok := intParam(w, r.URL.Query(), "year")
	if !ok {
		return
	}
	rs, err := s.deps.Engine.Records(r.Context(), a, year)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(rs, recordOut))
}

// getRecord is GET /api/v1/records/{id}, with its documents.
func (s *Server) getRecord(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	rec, docs, err := s.deps.Engine.Record(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := recordOut(rec)
	out.DocumentIDs = docs
	w.Header().Set("ETag", etag(rec.Version))
	httpx.WriteJSON(w, http.StatusOK, out)
}

type recordInput struct {
	Code      string    `json:"code"`
	Title     string    `json:"title"`
	Retention retention `json:"retention"`
	OwnerID   string    `json:"owner_id"`
}

func (in recordInput) spec() engine.RecordSpec {
	return engine.RecordSpec{Code: in.Code, Title: in.Title, Retention: engine.Retention{Permanent: in.Retention.Permanent, Years: in.Retention.Years}, OwnerID: in.OwnerID}
}

type openRecordInput struct {
	Year int `json:"year"`
	recordInput
}

// openRecord is POST /api/v1/records: open a record (lập hồ sơ).
func (s *Server) openRecord(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in openRecordInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	rec, err := s.deps.Engine.OpenRecord(r.Context(), a, in.Year, in.spec())
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, recordOut(rec))
}

type planInput struct {
	Year    int           `json:"year"`
	Records []recordInput `json:"records"`
}

// planRecords is POST /api/v1/records/plan: the year's list of records (danh mục hồ sơ).
func (s *Server) planRecords(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in planInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	rs, err := s.deps.Engine.PlanRecords(r.Context(), a, in.Year, mapSlice(in.Records, recordInput.spec))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, mapSlice(rs, recordOut))
}

type fileIntoInput struct {
	DocumentID string `json:"document_id"`
}

// fileIntoRecord is POST /api/v1/records/{id}/documents: put a document into a record.
func (s *Server) fileIntoRecord(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in fileIntoInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	if err := s.deps.Engine.FileDocument(r.Context(), a, r.PathValue("id"), in.DocumentID); err != nil {
		s.engineError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type closeInput struct {
	WorkEnded time.Time `json:"work_ended"`
}

type holdInput struct {
	Hold bool `json:"hold"`
}

// recordStep is the recipe of a change to a record: actor, body, engine, the record.
func recordStep[T any](s *Server, do func(r *http.Request, a engine.Actor, id string, in T) (engine.Record, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.actor(w, r)
		if !ok {
			return
		}
		var in T
		if !httpx.Decode(w, r, &in) {
			return
		}
		rec, err := do(r, a, r.PathValue("id"), in)
		if err != nil {
			s.engineError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(rec.Version))
		httpx.WriteJSON(w, http.StatusOK, recordOut(rec))
	}
}

func (s *Server) closeRecord() http.HandlerFunc {
	return recordStep(s, func(r *http.Request, a engine.Actor, id string, in closeInput) (engine.Record, error) {
		return s.deps.Engine.CloseRecord(r.Context(), a, id, in.WorkEnded)
	})
}

func (s *Server) handOver() http.HandlerFunc {
	return recordStep(s, func(r *http.Request, a engine.Actor, id string, _ noInput) (engine.Record, error) {
		return s.deps.Engine.HandOver(r.Context(), a, id)
	})
}

func (s *Server) legalHold() http.HandlerFunc {
	return recordStep(s, func(r *http.Request, a engine.Actor, id string, in holdInput) (engine.Record, error) {
		return s.deps.Engine.SetLegalHold(r.Context(), a, id, in.Hold)
	})
}

// recordMetadataJSON is a record's part of the national field list (Decree 30 annex V).
type recordMetadataJSON struct {
	Title       string   `json:"title,omitempty"`
	AccessMode  string   `json:"access_mode"`
	Language    string   `json:"language"`
	Keywords    []string `json:"keywords"`
	Description string   `json:"description,omitempty"`
	InfoSign    string   `json:"info_sign,omitempty"`
	PageTotal   int      `json:"page_total"`
	SheetTotal  int      `json:"sheet_total"`
}

func recordMetadataOut(r engine.Record) recordMetadataJSON {
	kw := r.Keywords
	if kw == nil {
		kw = []string{}
	}
	return recordMetadataJSON{AccessMode: string(r.AccessMode), Language: r.Language, Keywords: kw, Description: r.Description,
		InfoSign: r.InfoSign, PageTotal: r.PageTotal, SheetTotal: r.SheetTotal}
}

// recordWithMetadataJSON is a record with its metadata.
type recordWithMetadataJSON struct {
	recordJSON
	Metadata recordMetadataJSON `json:"metadata"`
}

// setRecordMetadata is PUT /api/v1/records/{id}/metadata: complete or correct a
// record's title and metadata (the record's owner or a keeper of records). If-Match
// carries the record's ETag, so that nobody overwrites a description they have not seen.
func (s *Server) setRecordMetadata(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in recordMetadataJSON
	if !httpx.Decode(w, r, &in) {
		return
	}
	rec, _, err := s.deps.Engine.Record(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	if !ifMatch(w, r, rec.Version, "Hồ sơ", "hồ sơ", "record") {
		return
	}
	m := engine.RecordMetadata{AccessMode: engine.AccessMode(in.AccessMode), Language: in.Language, Keywords: in.Keywords,
		Description: in.Description, InfoSign: in.InfoSign, PageTotal: in.PageTotal, SheetTotal: in.SheetTotal}
	rec, err = s.deps.Engine.SetRecordMetadata(r.Context(), a, rec.ID, in.Title, m)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(rec.Version))
	httpx.WriteJSON(w, http.StatusOK, recordWithMetadataJSON{recordJSON: recordOut(rec), Metadata: recordMetadataOut(rec)})
}

type archiveImportJSON struct {
	ID               string            `json:"id"`
	Identifier       string            `json:"identifier"`
	BagName          string            `json:"bag_name"`
	PayloadDigest    string            `json:"payload_digest"`
	FormatVersion    int               `json:"format_version"`
	SourceFondsCode  string            `json:"source_fonds_code"`
	SourceFondsName  string            `json:"source_fonds_name"`
	SourceRecordCode string            `json:"source_record_code"`
	SourceHeadHash   string            `json:"source_head_hash"`
	ImportedBy       string            `json:"imported_by,omitempty"`
	ImportedAt       time.Time         `json:"imported_at"`
	Events           []sourceEventJSON `json:"events"`
}

// sourceEventJSON is one of the source instance's audit events, kept read-only.
type sourceEventJSON struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id,omitempty"`
	Role       string    `json:"role,omitempty"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     string    `json:"before,omitempty"`
	After      string    `json:"after,omitempty"`
	Hash       string    `json:"hash"`
}

// importedHistory is GET /api/v1/records/{id}/imported-history: where an imported record
// came from and the source's audit trail about it; 404 for a record formed here.
func (s *Server) importedHistory(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	imp, events, err := s.deps.Engine.ImportedHistory(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := archiveImportJSON{ID: imp.ID, Identifier: imp.Identifier, BagName: imp.BagName, PayloadDigest: imp.PayloadDigest,
		FormatVersion: imp.FormatVersion, SourceFondsCode: imp.SourceFondsCode, SourceFondsName: imp.SourceFondsName,
		SourceRecordCode: imp.SourceRecordCode, SourceHeadHash: imp.SourceHeadHash, ImportedBy: imp.ImportedBy,
		ImportedAt: imp.ImportedAt, Events: make([]sourceEventJSON, 0, len(events))}
	for _, e := range events {
		out.Events = append(out.Events, sourceEventJSON{Seq: e.Seq, At: e.At, ActorID: e.ActorID, Role: string(e.Role), Action: e.Action,
			ObjectType: e.ObjectType, ObjectID: e.ObjectID, Before: e.Before, After: e.After, Hash: e.Hash})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

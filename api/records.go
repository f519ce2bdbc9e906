package api

import (
	"net/http"
	"time"

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
	writeJSON(w, http.StatusOK, mapSlice(rs, recordOut))
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
	writeJSON(w, http.StatusOK, out)
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
	if !decode(w, r, &in) {
		return
	}
	rec, err := s.deps.Engine.OpenRecord(r.Context(), a, in.Year, in.spec())
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, recordOut(rec))
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
	if !decode(w, r, &in) {
		return
	}
	rs, err := s.deps.Engine.PlanRecords(r.Context(), a, in.Year, mapSlice(in.Records, recordInput.spec))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, mapSlice(rs, recordOut))
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
	if !decode(w, r, &in) {
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
		if !decode(w, r, &in) {
			return
		}
		rec, err := do(r, a, r.PathValue("id"), in)
		if err != nil {
			s.engineError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(rec.Version))
		writeJSON(w, http.StatusOK, recordOut(rec))
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

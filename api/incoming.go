package api

import (
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// receiveInput is the metadata of an uploaded scan of an incoming document.
type receiveInput struct {
	TypeCode       string `json:"type_code"`
	Subject        string `json:"subject"`
	Urgency        string `json:"urgency"`
	Classification string `json:"classification"`
	SenderName     string `json:"sender_name"`
	SenderNotation string `json:"sender_notation"`
	Register       bool   `json:"register"`
}

// receivedJSON is the new incoming document and what was found in its file.
type receivedJSON struct {
	Document documentJSON `json:"document"`
	File     uploadJSON   `json:"file"`
}

// receiveScan is POST /api/v1/incoming: the clerk's tiếp nhận of a document that came on
// paper or by e-mail, uploaded as a PDF with its metadata, and with "register" its
// registration in the same step.
func (s *Server) receiveScan(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	requestID, ok := requestIDFrom(w, r, a)
	if !ok {
		return
	}
	var in receiveInput
	up, ok := s.receiveUpload(w, r, "scan", &in)
	if !ok {
		return
	}
	write := answer(r, func(w http.ResponseWriter, d engine.Document) {
		w.Header().Set("ETag", etag(d.Version))
		w.Header().Set("Location", "/api/v1/documents/"+d.ID)
		httpx.WriteJSON(w, http.StatusCreated, receivedJSON{Document: documentOut(d), File: up.out()})
	})
	d, err := s.deps.Engine.ReceiveExternal(r.Context(), a, engine.ExternalInput{TypeCode: in.TypeCode, Subject: in.Subject,
		Urgency: engine.Urgency(in.Urgency), Classification: engine.Classification(in.Classification), SenderName: in.SenderName,
		SenderNotation: in.SenderNotation, Files: []engine.FileInput{up.File}, Integrity: up.note(), Register: in.Register}, requestID)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	write(w, d)
}

type noInput struct{}

type reasonInput struct {
	Reason string `json:"reason"`
}

type resultInput struct {
	Result string `json:"result"`
}

type directInput struct {
	Text  string      `json:"text"`
	Tasks []taskInput `json:"tasks"`
}

type taskInput struct {
	UnitID      string     `json:"unit_id"`
	UserID      string     `json:"user_id"`
	Role        string     `json:"role"` // lead, cooperate, info
	Deadline    *time.Time `json:"deadline"`
	WorkingDays int        `json:"working_days"`
}

func (s *Server) register() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, _ noInput, id string) (engine.Document, error) {
		return s.deps.Engine.Register(r.Context(), a, docID, id)
	})
}

func (s *Server) reject() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in reasonInput, id string) (engine.Document, error) {
		return s.deps.Engine.Reject(r.Context(), a, docID, in.Reason, id)
	})
}

func (s *Server) present() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, _ noInput, id string) (engine.Document, error) {
		return s.deps.Engine.Present(r.Context(), a, docID, id)
	})
}

func (s *Server) direct() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in directInput, id string) (engine.Document, error) {
		tasks := mapSlice(in.Tasks, func(t taskInput) engine.UnitTask {
			return engine.UnitTask{UnitID: t.UnitID, UserID: t.UserID, Role: engine.AssignmentRole(t.Role), Deadline: t.Deadline, WorkingDays: t.WorkingDays}
		})
		return s.deps.Engine.Direct(r.Context(), a, docID, engine.DirectInput{Text: in.Text, Tasks: tasks}, id)
	})
}

func (s *Server) start() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, _ noInput, id string) (engine.Document, error) {
		return s.deps.Engine.Start(r.Context(), a, docID, id)
	})
}

func (s *Server) complete() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, in resultInput, id string) (engine.Document, error) {
		return s.deps.Engine.Complete(r.Context(), a, docID, in.Result, id)
	})
}

// fileDocument closes the document's handling (lưu): incoming or outgoing alike.
func (s *Server) fileDocument() http.HandlerFunc {
	return documentStep(s, func(r *http.Request, a engine.Actor, docID string, _ noInput, id string) (engine.Document, error) {
		return s.deps.Engine.File(r.Context(), a, docID, id)
	})
}

package api

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// documentPage is one page of a document list; Next is the cursor of the next page.
type documentPage struct {
	Items []documentJSON `json:"items"`
	Next  string         `json:"next,omitempty"`
}

// listDocuments is GET /api/v1/documents: view=inbox (what waits for me), incoming or
// outgoing (the registers), or every document of my agency; filters state and year;
// cursor paging, newest first (the inbox: most urgent first).
func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	limit, ok := intParam(w, q, "limit")
	if !ok {
		return
	}
	year, ok := intParam(w, q, "year")
	if !ok {
		return
	}
	after, err := decodeCursor(q.Get("cursor"))
	if err != nil {
		httpx.BadRequest(w, "cursor", "con trỏ trang không hợp lệ / not a cursor of this list")
		return
	}
	var page engine.Page
	switch view := q.Get("view"); view {
	case "inbox":
		page, err = s.deps.Engine.InboxPage(r.Context(), a, after, limit)
	case "", "incoming", "outgoing":
		page, err = s.deps.Engine.ListDocuments(r.Context(), a, engine.ListQuery{Flow: engine.Flow(view),
			State: engine.State(q.Get("state")), Year: year, After: after, Limit: limit})
	default:
		httpx.BadRequest(w, "view", "inbox, incoming hoặc outgoing / inbox, incoming or outgoing")
		return
	}
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := documentPage{Items: mapSlice(page.Documents, documentOut)}
	if page.Next != "" {
		out.Next = base64.RawURLEncoding.EncodeToString([]byte(page.Next))
		next := *r.URL
		nq := next.Query()
		nq.Set("cursor", out.Next)
		next.RawQuery = nq.Encode()
		w.Header().Set("Link", "<"+next.RequestURI()+`>; rel="next"`)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	return string(b), err
}

func intParam(w http.ResponseWriter, q url.Values, name string) (int, bool) {
	v := q.Get(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		httpx.BadRequest(w, name, "phải là số nguyên không âm / must be a non-negative integer")
		return 0, false
	}
	return n, true
}

// getDocument is GET /api/v1/documents/{id}, with the version as ETag.
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	d, err := s.deps.Engine.Document(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	if r.Header.Get("If-None-Match") == etag(d.Version) {
		w.Header().Set("ETag", etag(d.Version))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeDocument(w, http.StatusOK, d)
}

// listFiles is GET /api/v1/documents/{id}/files.
func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	files, err := s.deps.Engine.DocumentFiles(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(files, fileOut))
}

// listAssignments is GET /api/v1/documents/{id}/assignments.
func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	as, err := s.deps.Engine.DocumentAssignments(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(as, assignmentOut))
}

// listDeliveries is GET /api/v1/documents/{id}/deliveries: each recipient's status.
func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	ds, err := s.deps.Engine.Deliveries(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := mapSlice(ds, func(d engine.Delivery) deliveryJSON {
		return deliveryJSON{RecipientAgencyID: d.RecipientAgencyID, Status: string(d.Status), Reason: d.Reason, UpdatedAt: d.UpdatedAt}
	})
	ext, err := s.deps.Engine.AxisDeliveries(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, append(out, mapSlice(ext, axisDeliveryOut)...))
}

type copyInput struct {
	Form string `json:"form"` // SY, SL, TrS
}

type copyJSON struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id"`
	Form     string `json:"form"`
	Number   int    `json:"number"`
	Notation string `json:"notation"`
}

// issueCopy is POST /api/v1/documents/{id}/copies: a numbered copy (bản sao).
func (s *Server) issueCopy(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in copyInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	c, err := s.deps.Engine.IssueCopy(r.Context(), a, r.PathValue("id"), in.Form)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, copyJSON{ID: c.ID, SourceID: c.SourceID, Form: c.Form, Number: c.Number, Notation: c.Notation})
}

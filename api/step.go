package api

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
)

// stepFunc does one step on a document the actor may see, with the request's body and
// the engine request id made from its Idempotency-Key.
type stepFunc[T any] func(r *http.Request, a engine.Actor, d engine.Document, in T, requestID string) (engine.Document, error)

// documentStep is the recipe of every document transition: actor, body, the document
// read for the actor (404 across agencies), its If-Match precondition, the engine call,
// the new document with its ETag.
func documentStep[T any](s *Server, do stepFunc[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.actor(w, r)
		if !ok {
			return
		}
		var in T
		if !httpx.Decode(w, r, &in) {
			return
		}
		requestID, ok := requestIDFrom(w, r, a)
		if !ok {
			return
		}
		d, ok := s.precondition(w, r, a, r.PathValue("id"), requestID)
		if !ok {
			return
		}
		write := answer(r, func(w http.ResponseWriter, d engine.Document) { writeDocument(w, http.StatusOK, d) })
		out, err := do(r, a, d, in, requestID)
		if err != nil {
			s.engineError(w, r, err)
			return
		}
		write(w, out)
	}
}

// precondition reads the document and checks If-Match against its version: missing →
// 428, stale → 412. A retry of a request already done, wholly or in part (same
// Idempotency-Key), skips the check, so that it gets the first answer or completes the
// step rather than a 412 for its own change. The engine's version check still guards the
// write itself.
func (s *Server) precondition(w http.ResponseWriter, r *http.Request, a engine.Actor, docID, requestID string) (engine.Document, bool) {
	d, err := s.deps.Engine.Document(r.Context(), a, docID)
	if err != nil {
		s.engineError(w, r, err)
		return d, false
	}
	// A composite step (issue and seal) logs its first part under a request id of its own.
	for _, id := range []string{requestID, keyring.IssueRequestID(requestID)} {
		if id == "" {
			continue
		}
		_, err := s.deps.Store.RequestLogGet(r.Context(), id)
		switch {
		case err == nil:
			return d, true
		case !errors.Is(err, engine.ErrNotFound):
			httpx.Internal(w, r, s.deps.Logger, err)
			return d, false
		}
	}
	return d, ifMatch(w, r, d.Version, "Văn bản", "văn bản", "document")
}

// ifMatch checks the request's If-Match against the current version of what it changes
// (named in Vietnamese, capitalised and not, and in English): missing → 428, stale → 412
// with the current ETag.
func ifMatch(w http.ResponseWriter, r *http.Request, version int, viTitle, vi, en string) bool {
	match := r.Header.Get("If-Match")
	switch {
	case match == "":
		httpx.WriteProblem(w, http.StatusPreconditionRequired, httpx.KindPreconditionRequired, "Cần If-Match / Precondition required",
			"gửi If-Match với ETag của "+vi+" / send If-Match with the "+en+"'s ETag, e.g. "+etag(version))
		return false
	case match != "*" && !etagListHas(match, etag(version)):
		w.Header().Set("ETag", etag(version))
		httpx.WriteProblem(w, http.StatusPreconditionFailed, httpx.KindPreconditionFailed, viTitle+" đã thay đổi / Precondition failed",
			vi+" đã được người khác thay đổi, hãy tải lại / the "+en+" changed since you read it; reload it")
		return false
	}
	return true
}

func etagListHas(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == tag || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

// maxIdempotencyKey bounds a client's key.
const maxIdempotencyKey = 128

// requestIDFrom turns the Idempotency-Key header into the engine's request id, scoped to
// the user so that two clients choosing the same key never meet.
func requestIDFrom(w http.ResponseWriter, r *http.Request, a engine.Actor) (string, bool) {
	return requestIDFor(w, r, a.UserID)
}

// requestIDFor is requestIDFrom for a user id.
func requestIDFor(w http.ResponseWriter, r *http.Request, userID string) (string, bool) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return "", true
	}
	if len(key) > maxIdempotencyKey || strings.IndexFunc(key, func(c rune) bool { return c > unicode.MaxASCII || !unicode.IsPrint(c) }) >= 0 {
		httpx.BadRequest(w, "Idempotency-Key", "at most 128 printable ASCII characters")
		return "", false
	}
	return "api:" + userID + ":" + key, true
}

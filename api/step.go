package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// stepFunc does one step on the document docID, with the request's body and the engine
// request id made from its Idempotency-Key.
type stepFunc[T any] func(r *http.Request, a engine.Actor, docID string, in T, requestID string) (engine.Document, error)

// documentStep is the recipe of every document transition: actor, body, the If-Match
// precondition checked by the step's own transaction, the engine call, the new document
// with its ETag.
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
		ctx, ok := s.precondition(w, r, a, r.PathValue("id"))
		if !ok {
			return
		}
		r = r.WithContext(ctx)
		write := answer(r, func(w http.ResponseWriter, d engine.Document) { writeDocument(w, http.StatusOK, d) })
		out, err := do(r, a, r.PathValue("id"), in, requestID)
		if err != nil {
			s.engineError(w, r, err)
			return
		}
		write(w, out)
	}
}

// precondition turns the request's If-Match into the versions the step's transaction
// must find (engine.ExpectVersion), without a read of its own: a stale one is refused by
// the step with 412 and the current ETag; a retry of a request already done (same
// Idempotency-Key) replays whatever the version. Without If-Match the answer is 428 —
// or 404 when the actor cannot see the document at all.
func (s *Server) precondition(w http.ResponseWriter, r *http.Request, a engine.Actor, docID string) (context.Context, bool) {
	match := r.Header.Get("If-Match")
	switch {
	case match == "":
		d, err := s.deps.Engine.Document(r.Context(), a, docID)
		if err != nil {
			s.engineError(w, r, err)
			return nil, false
		}
		return nil, ifMatch(w, r, d.Version, "Văn bản", "văn bản", "document")
	case match == "*":
		return r.Context(), true
	}
	var versions []int
	for _, t := range strings.Split(match, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(t, `"v`), `"`)); err == nil && t == etag(v) {
			versions = append(versions, v)
		}
	}
	return engine.ExpectVersion(r.Context(), versions...), true
}

// staleDocument answers 412 for a step refused because the document changed meanwhile.
func staleDocument(w http.ResponseWriter, current int) {
	w.Header().Set("ETag", etag(current))
	httpx.WriteProblem(w, http.StatusPreconditionFailed, httpx.KindPreconditionFailed, "Văn bản đã thay đổi / Precondition failed",
		"văn bản đã được người khác thay đổi, hãy tải lại / the document changed since you read it; reload it")
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

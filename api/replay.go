package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// replyHeaders are the headers of a first answer that its replays repeat.
var replyHeaders = []string{"Content-Type", "ETag", "Location"}

// storedReply is a first answer as kept in the database (engine.RequestReply.Reply).
type storedReply struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header"`
	Body   []byte            `json:"body"`
}

// replayable gives a retry of an idempotent request (same Idempotency-Key, same user) the
// first answer — status, headers and body — on any node and after a restart. The answer
// is kept in the step's own transaction (see answer), else right after it; a failure is
// not kept, so that the retry does the step. The same key on a different request (method,
// path or body) is 409.
func (s *Server) replayable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Idempotency-Key") == "" {
			next.ServeHTTP(w, r)
			return
		}
		user, ok := auth.RequireUser(w, r)
		if !ok {
			return
		}
		requestID, ok := requestIDFor(w, r, user.UserID)
		if !ok {
			return
		}
		body := newDigestBody(r)
		r.Body = body
		first, err := s.deps.Store.RequestReplyGet(r.Context(), requestID)
		switch {
		case err == nil:
			s.replay(w, r, body, first)
			return
		case !errors.Is(err, engine.ErrNotFound):
			httpx.Internal(w, r, s.deps.Logger, err)
			return
		}
		p := &pendingReply{requestID: requestID, body: body, limit: s.maxUpload()}
		ctx := engine.WithReply(context.WithValue(r.Context(), pendingKey{}, p), p.keep)
		rec := &replyRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status < 200 || rec.status > 299 || p.kept {
			return
		}
		// No transaction of this request kept an answer: the engine replayed a step done
		// before answers were kept, or the handler has no document to answer with.
		if err := s.keepReply(r, requestID, body.digest(s.maxUpload()), rec); err != nil {
			s.deps.Logger.WarnContext(r.Context(), "keep the first answer", "request", requestID, "error", err)
		}
	})
}

// answer says how a handler answers with what its step returns (the document it leaves,
// or what else it made), so that the step's transaction keeps that same answer for
// retries; it returns write for the handler to answer with.
func answer[T any](r *http.Request, write func(w http.ResponseWriter, v T)) func(w http.ResponseWriter, v T) {
	if p, ok := r.Context().Value(pendingKey{}).(*pendingReply); ok {
		p.write = func(w http.ResponseWriter, v any) bool {
			t, ok := v.(T)
			if ok {
				write(w, t)
			}
			return ok
		}
	}
	return write
}

type pendingKey struct{}

// pendingReply is the answer to a request in the making.
type pendingReply struct {
	requestID string
	body      *digestBody
	limit     int64
	write     func(w http.ResponseWriter, v any) bool // false when v is not what the handler answers with
	kept      bool
}

// keep is the engine.ReplyFunc of a request: in the transaction of its (last) step, it
// keeps the answer the handler will give. The parts of a composite step, under request ids
// of their own, keep nothing.
func (p *pendingReply) keep(ctx context.Context, q engine.Queries, requestID string, result any) error {
	if requestID != p.requestID || p.write == nil {
		return nil
	}
	c := &capture{header: http.Header{}, status: http.StatusOK}
	if !p.write(c, result) {
		return nil
	}
	b, err := encodeReply(c.status, c.header, c.body.Bytes())
	if err != nil {
		return err
	}
	err = q.RequestReplyInsert(ctx, engine.RequestReply{RequestID: requestID, Digest: p.body.digest(p.limit), Reply: b, CreatedAt: time.Now()})
	p.kept = err == nil
	return err
}

// capture is an answer written to memory.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header         { return c.header }
func (c *capture) WriteHeader(code int)        { c.status = code }
func (c *capture) Write(p []byte) (int, error) { return c.body.Write(p) }

// replay writes the first answer, or 409 when the key came with another request.
func (s *Server) replay(w http.ResponseWriter, r *http.Request, body *digestBody, first engine.RequestReply) {
	if body.digest(s.maxUpload()) != first.Digest {
		httpx.WriteProblem(w, http.StatusConflict, httpx.KindConflict, "Idempotency-Key đã dùng / Idempotency-Key reused",
			"khóa này đã dùng cho một yêu cầu khác / this key was used for a different request")
		return
	}
	var rep storedReply
	if err := json.Unmarshal(first.Reply, &rep); err != nil {
		httpx.Internal(w, r, s.deps.Logger, fmt.Errorf("replay %s: %w", first.RequestID, err))
		return
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.Status)
	_, _ = w.Write(rep.Body)
}

// encodeReply is an answer as it is kept.
func encodeReply(status int, header http.Header, body []byte) ([]byte, error) {
	rep := storedReply{Status: status, Header: map[string]string{}, Body: body}
	for _, k := range replyHeaders {
		if v := header.Get(k); v != "" {
			rep.Header[k] = v
		}
	}
	return json.Marshal(rep)
}

// keepReply stores the answer rec recorded. The step has committed: a client that went
// away must not stop the answer from being kept.
func (s *Server) keepReply(r *http.Request, requestID, digest string, rec *replyRecorder) error {
	b, err := encodeReply(rec.status, rec.Header(), rec.body.Bytes())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	return s.deps.Store.RequestReplyInsert(ctx, engine.RequestReply{RequestID: requestID, Digest: digest, Reply: b, CreatedAt: time.Now()})
}

// replyRecorder passes an answer through and keeps a copy of it.
type replyRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *replyRecorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *replyRecorder) Write(p []byte) (int, error) {
	r.wroteHeader = true
	r.body.Write(p)
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *replyRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// digestBody hashes a request's body as the handler reads it. A multipart body is hashed
// without its boundary, which a client may choose anew when it retries.
type digestBody struct {
	io.ReadCloser
	prefix string // method and path
	h      hash.Hash
	w      *without
}

func newDigestBody(r *http.Request) *digestBody {
	b := &digestBody{ReadCloser: r.Body, prefix: r.Method + " " + r.URL.Path + " ", h: sha256.New()}
	var cut []byte
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		cut = []byte(params["boundary"])
	}
	b.w = &without{w: b.h, cut: cut}
	return b
}

func (b *digestBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.w.Write(p[:n])
	return n, err
}

// digest reads what the handler left of the body (at most limit bytes) and identifies
// the request: method, path and the body's SHA-256.
func (b *digestBody) digest(limit int64) string {
	_, _ = io.Copy(io.Discard, io.LimitReader(b, limit))
	b.w.flush()
	return b.prefix + hex.EncodeToString(b.h.Sum(nil))
}

// without writes to w what it is given, less every occurrence of cut (nothing when empty).
type without struct {
	w     io.Writer
	cut   []byte
	carry []byte // a tail that may be the start of cut
}

func (x *without) Write(p []byte) (int, error) {
	if len(x.cut) == 0 {
		return x.w.Write(p)
	}
	buf := append(x.carry, p...)
	for {
		i := bytes.Index(buf, x.cut)
		if i < 0 {
			break
		}
		x.w.Write(buf[:i])
		buf = buf[i+len(x.cut):]
	}
	keep := min(len(buf), len(x.cut)-1)
	x.w.Write(buf[:len(buf)-keep])
	x.carry = append(x.carry[:0:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

func (x *without) flush() {
	x.w.Write(x.carry)
	x.carry = nil
}

package httpx

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// ProblemBase prefixes the type of every problem.
const ProblemBase = "https://vanthu.dev/problems/"

// Problem kinds: the last segment of a problem's type, stable for clients (docs/api.md).
const (
	KindNotFound             = "not-found"
	KindMethodNotAllowed     = "method-not-allowed"
	KindUnauthenticated      = "unauthenticated"
	KindBadCredentials       = "bad-credentials"
	KindCSRF                 = "csrf"
	KindForbidden            = "forbidden"
	KindInsufficientScope    = "insufficient-scope"
	KindActingAsRequired     = "acting-as-required"
	KindPasswordChange       = "password-change-required"
	KindConflict             = "conflict"
	KindInvalid              = "invalid"
	KindBadRequest           = "bad-request"
	KindPreconditionFailed   = "precondition-failed"
	KindPreconditionRequired = "precondition-required"
	KindTooLarge             = "payload-too-large"
	KindUnsupportedMedia     = "unsupported-media-type"
	KindNotAPDF              = "not-a-pdf"
	KindMalformedPDF         = "malformed-pdf"
	KindUnavailable          = "unavailable"
	KindInternal             = "internal"
)

// Problem is an RFC 9457 problem detail. Type is stable per kind of error, so that
// clients can branch on it; Detail is for people.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError is one invalid field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Write answers the problem. nosniff keeps a browser from reading it as anything else.
func (p Problem) Write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteProblem answers a problem of type ProblemBase+kind.
func WriteProblem(w http.ResponseWriter, status int, kind, title, detail string) {
	Problem{Type: ProblemBase + kind, Title: title, Status: status, Detail: detail}.Write(w)
}

// BadRequest is a request the server cannot read (not the engine's validation).
func BadRequest(w http.ResponseWriter, field, message string) {
	Problem{Type: ProblemBase + KindBadRequest, Title: "Yêu cầu không đọc được / Bad request", Status: http.StatusBadRequest,
		Detail: field + ": " + message, Errors: []FieldError{{Field: field, Message: message}}}.Write(w)
}

// Invalid is a request that reads well but whose field is wrong (422).
func Invalid(w http.ResponseWriter, field, message string) {
	Problem{Type: ProblemBase + KindInvalid, Title: "Dữ liệu không hợp lệ / Invalid request", Status: http.StatusUnprocessableEntity,
		Detail: field + ": " + message, Errors: []FieldError{{Field: field, Message: message}}}.Write(w)
}

// Internal logs a fault with its cause and answers 500 without it; an outage of the
// database or the blob store is not a fault and answers 503.
func Internal(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if errors.Is(err, engine.ErrUnavailable) || blob.IsUnavailable(err) {
		log.WarnContext(r.Context(), "unavailable", "method", r.Method, "path", r.URL.Path, "error", err)
		Unavailable(w)
		return
	}
	log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "error", err)
	WriteProblem(w, http.StatusInternalServerError, KindInternal, "Lỗi hệ thống / Internal error", "")
}

// RetryAfter is how long a client should wait before retrying during an outage.
const RetryAfter = 5 * time.Second

// Unavailable answers 503 with Retry-After: an outage of the database or the blob store,
// not a fault of the request, so the same request (same Idempotency-Key) may be retried.
func Unavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter.Seconds())))
	WriteProblem(w, http.StatusServiceUnavailable, KindUnavailable, "Hệ thống đang bận / Service unavailable",
		"hệ thống đang bận, vui lòng thử lại / the service is temporarily unavailable; retry the same request later")
}

// EngineError maps an error from the engine onto a problem by its kind; an outage is 503
// (Internal), what has no kind is a fault (500). A foreign agency's object and a missing
// one read the same, so nothing leaks about the other.
func EngineError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var ve *engine.ValidationError
	var te *engine.TransitionError
	switch {
	case errors.As(err, &ve):
		Invalid(w, ve.Field, ve.Message)
	case errors.Is(err, engine.ErrNotFound):
		WriteProblem(w, http.StatusNotFound, KindNotFound, "Không tìm thấy / Not found", "")
	case errors.As(err, &te) && te.Reason != engine.ReasonWrongState:
		WriteProblem(w, http.StatusForbidden, KindForbidden, "Không có quyền / Forbidden", te.Detail)
	case errors.As(err, &te):
		WriteProblem(w, http.StatusConflict, KindConflict, "Trạng thái không cho phép / Conflict", te.Detail)
	case errors.Is(err, engine.ErrForbidden):
		WriteProblem(w, http.StatusForbidden, KindForbidden, "Không có quyền / Forbidden", "")
	case errors.Is(err, engine.ErrConflict):
		WriteProblem(w, http.StatusConflict, KindConflict, "Xung đột / Conflict",
			"the object changed meanwhile or the request conflicts with an earlier one")
	case errors.Is(err, engine.ErrInvalid):
		WriteProblem(w, http.StatusUnprocessableEntity, KindInvalid, "Dữ liệu không hợp lệ / Invalid request", "")
	default:
		Internal(w, r, log, err)
	}
}

package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/keyring"
)

// problem is an RFC 9457 problem detail. Type is stable per kind of error, so that
// clients can branch on it; Detail is for people.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []fieldError `json:"errors,omitempty"`
}

// fieldError is one invalid field of a request.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

const problemBase = "https://vanthu.dev/problems/"

// Problem kinds: the last segment of a problem's type, stable for clients.
const (
	kindNotFound           = "not-found"
	kindMethodNotAllowed   = "method-not-allowed"
	kindForbidden          = "forbidden"
	kindInsufficientScope  = "insufficient-scope"
	kindConflict           = "conflict"
	kindInvalid            = "invalid"
	kindBadRequest         = "bad-request"
	kindPreconditionFailed = "precondition-failed"
	kindPreconditionNeeded = "precondition-required"
	kindUnauthenticated    = "unauthenticated"
	kindActingAsRequired   = "acting-as-required"
	kindTooLarge           = "payload-too-large"
	kindUnsupportedMedia   = "unsupported-media-type"
	kindNotAPDF            = "not-a-pdf"
	kindMalformedPDF       = "malformed-pdf"
	kindUnavailable        = "unavailable"
	kindInternal           = "internal"
)

func writeProblem(w http.ResponseWriter, status int, kind, title, detail string) {
	writeProblemDoc(w, problem{Type: problemBase + kind, Title: title, Status: status, Detail: detail})
}

func writeProblemDoc(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// engineError maps an error from the engine onto a problem by its kind. A foreign
// agency's object and a missing one read the same, so nothing leaks about the other.
func (s *Server) engineError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *engine.ValidationError
	var te *engine.TransitionError
	switch {
	case errors.As(err, &ve):
		writeProblemDoc(w, problem{Type: problemBase + kindInvalid, Title: "Dữ liệu không hợp lệ / Invalid request",
			Status: http.StatusUnprocessableEntity, Detail: ve.Error(), Errors: []fieldError{{Field: ve.Field, Message: ve.Message}}})
	case errors.Is(err, keyring.ErrWrongPIN):
		writeProblemDoc(w, problem{Type: problemBase + kindInvalid, Title: "Sai mã PIN / Wrong PIN", Status: http.StatusUnprocessableEntity,
			Detail: "mã PIN của khóa ký không đúng / the key's PIN is wrong", Errors: []fieldError{{Field: "pin", Message: "wrong PIN"}}})
	case errors.Is(err, keyring.ErrNoKey):
		writeProblem(w, http.StatusConflict, kindConflict, "Chưa có khóa ký / No signing key",
			"chưa có chứng thư số cho người ký hoặc cơ quan; liên hệ quản trị / no certificate is set up for the signer or the agency; ask the admin")
	case errors.Is(err, keyring.ErrNoDraft):
		writeProblem(w, http.StatusUnprocessableEntity, kindInvalid, "Chưa có dự thảo PDF / No draft PDF",
			"văn bản chưa có tệp dự thảo PDF để ký / the document has no draft PDF to sign")
	case isNoSigner(err):
		writeProblem(w, http.StatusServiceUnavailable, kindUnavailable, "Chưa cấu hình ký số / Signing unavailable",
			"máy chủ chưa được cấu hình khóa ký / this server has no signing keys configured")
	case errors.Is(err, engine.ErrNotFound):
		writeProblem(w, http.StatusNotFound, kindNotFound, "Không tìm thấy / Not found", "")
	case errors.As(err, &te) && te.Reason != engine.ReasonWrongState:
		writeProblem(w, http.StatusForbidden, kindForbidden, "Không có quyền / Forbidden", te.Detail)
	case errors.As(err, &te):
		writeProblem(w, http.StatusConflict, kindConflict, "Trạng thái không cho phép / Conflict", te.Detail)
	case errors.Is(err, engine.ErrForbidden):
		writeProblem(w, http.StatusForbidden, kindForbidden, "Không có quyền / Forbidden", "")
	case errors.Is(err, engine.ErrConflict):
		writeProblem(w, http.StatusConflict, kindConflict, "Xung đột / Conflict",
			"the object changed meanwhile or the request conflicts with an earlier one")
	case errors.Is(err, engine.ErrInvalid):
		writeProblem(w, http.StatusUnprocessableEntity, kindInvalid, "Dữ liệu không hợp lệ / Invalid request", "")
	default:
		s.internalError(w, r, err)
	}
}

func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.deps.Logger.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "error", err)
	writeProblem(w, http.StatusInternalServerError, kindInternal, "Lỗi hệ thống / Internal error", "")
}

// badRequest is a request the server cannot read (not the engine's validation).
func badRequest(w http.ResponseWriter, field, message string) {
	writeProblemDoc(w, problem{Type: problemBase + kindBadRequest, Title: "Yêu cầu không đọc được / Bad request",
		Status: http.StatusBadRequest, Detail: field + ": " + message, Errors: []fieldError{{Field: field, Message: message}}})
}

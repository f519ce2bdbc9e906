package api

import (
	"errors"
	"net/http"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/storage/blob"
)

// engineError maps an error from the engine onto a problem: the signing and blob errors
// here, the engine's kinds in httpx.
func (s *Server) engineError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, keyring.ErrWrongPIN):
		httpx.Problem{Type: httpx.ProblemBase + httpx.KindInvalid, Title: "Sai mã PIN / Wrong PIN", Status: http.StatusUnprocessableEntity,
			Detail: "mã PIN của khóa ký không đúng / the key's PIN is wrong", Errors: []httpx.FieldError{{Field: "pin", Message: "wrong PIN"}}}.Write(w)
	case errors.Is(err, keyring.ErrNoKey):
		httpx.WriteProblem(w, http.StatusConflict, httpx.KindConflict, "Chưa có khóa ký / No signing key",
			"chưa có chứng thư số cho người ký hoặc cơ quan; liên hệ quản trị / no certificate is set up for the signer or the agency; ask the admin")
	case errors.Is(err, keyring.ErrNoDraft):
		httpx.WriteProblem(w, http.StatusUnprocessableEntity, httpx.KindInvalid, "Chưa có dự thảo PDF / No draft PDF",
			"văn bản chưa có tệp dự thảo PDF để ký / the document has no draft PDF to sign")
	case isNoSigner(err):
		httpx.WriteProblem(w, http.StatusServiceUnavailable, httpx.KindUnavailable, "Chưa cấu hình ký số / Signing unavailable",
			"máy chủ chưa được cấu hình khóa ký / this server has no signing keys configured")
	case errors.Is(err, blob.ErrNotFound):
		httpx.WriteProblem(w, http.StatusNotFound, httpx.KindNotFound, "Không tìm thấy / Not found", "")
	case errors.Is(err, blob.ErrBadKey):
		httpx.WriteProblem(w, http.StatusUnprocessableEntity, httpx.KindInvalid, "Dữ liệu không hợp lệ / Invalid request", "")
	default:
		httpx.EngineError(w, r, s.deps.Logger, err)
	}
}

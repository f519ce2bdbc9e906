package api

import (
	"errors"
	"net/http"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/storage/blob"
)

// engineError maps an error from the engine onto a problem: the signing and blob errors
// here, the engine's kinds in httpx.
func (s *Server) engineError(w http.ResponseWriter, r *http.Request, err error) {
	var stale *engine.StaleError
	switch {
	case errors.As(err, &stale):
		staleDocument(w, stale.Current)
	case errors.Is(err, keyring.ErrWrongPIN):
		httpx.Problem{Type: httpx.ProblemBase + httpx.KindInvalid, Title: "Sai mã PIN / Wrong PIN", Status: http.StatusUnprocessableEntity,
			Detail: "mã PIN của khóa ký không đúng / the key's PIN is wrong", Errors: []httpx.FieldError{{Field: "pin", Message: "wrong PIN"}}}.Write(w)
	case errors.Is(err, keyring.ErrNoKey):
		httpx.WriteProblem(w, http.StatusConflict, httpx.KindConflict, "Chưa có khóa ký / No signing key",
			"chưa có chứng thư số cho người ký hoặc cơ quan; liên hệ quản trị / no certificate is set up for the signer or the agency; ask the admin")
	case errors.Is(err, keyring.ErrNoBlanks):
		httpx.Problem{Type: httpx.ProblemBase + httpx.KindInvalid, Title: "Chưa có chỗ ghi số và ngày / No place for the number and date",
			Status: http.StatusUnprocessableEntity, Detail: "không tìm thấy “Số:” hoặc “ngày … tháng … năm” để trống trên trang đầu của dự thảo; " +
				"hãy chỉ vị trí ghi số và ngày tháng (number_at, date_at) / no “Số:” or “ngày … tháng … năm” blank was found on the " +
				"draft's first page; place the number and date (number_at, date_at)",
			Errors: []httpx.FieldError{{Field: "number_at", Message: "required for this draft"}, {Field: "date_at", Message: "required for this draft"}}}.Write(w)
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

package api

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/signer/verify"
)

// maxVerifyUpload bounds what one verification request may send.
const maxVerifyUpload = 100 << 20

// verifyPDF is POST /api/v1/verify: the body is a PDF (application/pdf), or a multipart
// form with the PDF in "file". The upload is spooled as every upload is (in memory up to
// smallUpload, else in a temporary file) and validated against the server's trust store.
func (s *Server) verifyPDF(w http.ResponseWriter, r *http.Request) {
	body := http.MaxBytesReader(w, r.Body, maxVerifyUpload)
	src := io.Reader(body)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/pdf", "application/octet-stream", "":
	case "multipart/form-data":
		r.Body = body
		file, _, err := r.FormFile("file")
		if err != nil {
			httpx.WriteProblem(w, http.StatusBadRequest, "missing-file", "No PDF in the form", "send the PDF in the form field \"file\"")
			return
		}
		defer file.Close()
		src = file
	default:
		httpx.WriteProblem(w, http.StatusUnsupportedMediaType, "unsupported-media-type", "Send a PDF",
			"Content-Type must be application/pdf or multipart/form-data, not "+mediaType)
		return
	}
	tmp := newUploadSpool(r.ContentLength)
	defer tmp.Close()
	n, err := io.Copy(tmp, src)
	var tooBig *http.MaxBytesError
	var local *spoolError
	switch {
	case errors.As(err, &local):
		httpx.Internal(w, r, s.deps.Logger, err)
		return
	case errors.As(err, &tooBig):
		httpx.WriteProblem(w, http.StatusRequestEntityTooLarge, httpx.KindTooLarge, "The PDF is too large", "at most 100 MiB")
		return
	case err != nil:
		httpx.WriteProblem(w, http.StatusBadRequest, "upload-failed", "The upload did not arrive whole", err.Error())
		return
	}
	head := make([]byte, 1024)
	k, _ := tmp.readerAt().ReadAt(head, 0)
	if !bytes.Contains(head[:k], []byte("%PDF-")) {
		httpx.WriteProblem(w, http.StatusUnprocessableEntity, "not-a-pdf", "Not a PDF", "the file does not start with a PDF header")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	report, err := tmp.verify(ctx, n, verify.Options{Roots: s.trustRoots(ctx), Revocation: s.deps.Revocation, Cache: s.deps.VerifyCache})
	if err != nil {
		httpx.WriteProblem(w, http.StatusUnprocessableEntity, "malformed-pdf", "The PDF cannot be read", err.Error())
		return
	}
	httpx.WriteJSON(w, http.StatusOK, report)
}

// trustRoots are the anchors to validate with now: the database's with the files' when
// the trust pool is set; on a database error, the last pool known, the error logged.
func (s *Server) trustRoots(ctx context.Context) *x509.CertPool {
	if s.deps.Trust == nil {
		return s.deps.TrustRoots
	}
	pool, err := s.deps.Trust.Roots(ctx)
	if err != nil {
		s.deps.Logger.WarnContext(ctx, "verify: trust anchors not refreshed", "error", err)
	}
	return pool
}

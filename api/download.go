package api

import (
	"io"
	"net/http"
	"strconv"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// downloadFile is GET /api/v1/documents/{id}/files/{seq}: the stored bytes, streamed from
// the blob store (which checks them against their digest as they pass), with the
// SHA-256 as ETag. Ranges are served when the store hands out a seekable reader.
func (s *Server) downloadFile(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil {
		httpx.BadRequest(w, "seq", "số thứ tự tệp / the file's sequence number")
		return
	}
	files, err := s.deps.Engine.DocumentFiles(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	var f *engine.File
	for i := range files {
		if files[i].Seq == seq {
			f = &files[i]
		}
	}
	if f == nil {
		s.engineError(w, r, engine.ErrNotFound)
		return
	}
	tag := `"` + f.SHA256 + `"`
	w.Header().Set("ETag", tag)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", f.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	rc, err := s.deps.Blobs.Open(r.Context(), f.BlobKey)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	defer rc.Close()
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, f.Name, f.CreatedAt, rs)
		return
	}
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		// The status is sent; a damaged blob or a gone client can only cut the body short,
		// which the client sees against Content-Length.
		s.deps.Logger.WarnContext(r.Context(), "download cut short", "document", f.DocumentID, "seq", f.Seq, "error", err)
	}
}

package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
)

// copier issues signed certified copies (SAO Y); service/keyring is one.
type copier interface {
	CertifiedCopy(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (keyring.IssuedCopy, error)
}

// copyRow is one document of a record on the copies page.
type copyRow struct {
	engine.Document
	Signed bool // it has a signed original to copy
}

// recordCopies is the archivist's page of a record's documents, each with a "Sao y"
// form that asks for the agency key's PIN.
func (u *UI) recordCopies(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	if s.Actor.Role != engine.RoleArchivist {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	rec, ids, err := u.deps.Engine.Record(ctx, s.Actor, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	rows := make([]copyRow, 0, len(ids))
	for _, id := range ids {
		d, err := u.deps.Engine.Document(ctx, s.Actor, id)
		if err != nil {
			continue // a document the archivist may not see is not listed
		}
		files, err := u.deps.Engine.DocumentFiles(ctx, s.Actor, id)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		signed := false
		for _, f := range files {
			signed = signed || f.Kind == "signed"
		}
		rows = append(rows, copyRow{Document: d, Signed: signed})
	}
	_, canSign := u.deps.Keyring.(copier)
	u.render(w, r, s, "copies", "copies.title", map[string]any{"Record": rec, "Docs": rows, "CanSign": canSign})
}

// certifiedCopy issues a certified copy of a document with the PIN from the form and
// sends the signed PDF as a download.
func (u *UI) certifiedCopy(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, s, badInput("err.invalid"))
		return
	}
	c, ok := u.deps.Keyring.(copier)
	if !ok {
		u.fail(w, r, s, &userError{status: http.StatusServiceUnavailable, key: "err.nokeyring"})
		return
	}
	pin := r.PostFormValue("pin")
	if pin == "" {
		u.fail(w, r, s, badInput("err.pin"))
		return
	}
	docID := r.PathValue("doc")
	cp, err := c.CertifiedCopy(ctx, s.Actor, docID, pin, "")
	switch {
	case errors.Is(err, keyring.ErrWrongPIN):
		err = &userError{status: http.StatusUnprocessableEntity, key: "err.wrongpin"}
	case errors.Is(err, keyring.ErrNoKey):
		err = &userError{status: http.StatusUnprocessableEntity, key: "err.nokey"}
	case err != nil && !isEngineKind(err):
		u.deps.Logger.WarnContext(ctx, "web: certified copy failed", "document", docID, "error", err)
		err = &userError{status: http.StatusUnprocessableEntity, key: "copies.failed"}
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	// The copy was written into the blob store as it was signed; it is sent from there
	// rather than held in memory.
	rc, err := u.deps.Blobs.Open(ctx, cp.Blob.Key)
	if err != nil {
		u.fail(w, r, s, fmt.Errorf("web: read certified copy %s: %w", cp.ID, err))
		return
	}
	defer rc.Close()
	name := "sao-y-" + strings.NewReplacer("/", "-", " ", "-").Replace(cp.Notation) + ".pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", name))
	w.Header().Set("Content-Length", strconv.FormatInt(cp.Blob.Size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, err := io.Copy(w, rc); err != nil {
		u.deps.Logger.WarnContext(ctx, "web: certified copy download cut short", "copy", cp.ID, "error", err)
	}
}

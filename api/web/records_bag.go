package web

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
)

// A record, or every closed record of a fonds and year, downloads as BagIt bags (what
// `vanthu archive export` writes) in one zip. Each bag is written to a temporary
// directory and validated there, then streamed into the zip as it is read, so the server
// holds no bag in memory. The page shows that the bag is being prepared until the
// response starts (a cookie named by the link's token), then the browser's download
// shows the rest.

// downloadCookie tells the page that its download started: its value is the token the
// link carried.
const downloadCookie = "vanthu_download"

var downloadToken = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)

// recordBag is GET /records/{id}/bag?token=T: the record's bag as a zip.
func (u *UI) recordBag(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	rec, _, err := u.visibleRecord(ctx, s, r.PathValue("id"))
	if err == nil && !recordActions(s.Actor, rec)["export"] {
		err = engine.ErrForbidden
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.sendBags(w, r, s, safeFileName(rec.FileCode()), []engine.Record{rec})
}

// fondsBags is GET /records/export?year=YYYY&token=T: every closed or handed-over record
// of the agency's fonds for the year, one bag each, in one zip.
func (u *UI) fondsBags(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	if s.Actor.Role != engine.RoleArchivist {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 1945 || year > 9999 {
		u.fail(w, r, s, badInput("records.err.year"))
		return
	}
	var recs []engine.Record
	for _, st := range []engine.RecordState{engine.RecordClosed, engine.RecordHandedOver} {
		for offset := 0; ; offset += recordsPageSize {
			page, err := u.deps.Engine.RecordPage(ctx, s.Actor, engine.RecordFilter{Year: year, State: st, Offset: offset, Limit: recordsPageSize})
			if err != nil {
				u.fail(w, r, s, err)
				return
			}
			recs = append(recs, page...)
			if len(page) < recordsPageSize {
				break
			}
		}
	}
	if len(recs) == 0 {
		u.fail(w, r, s, &userError{status: http.StatusNotFound, key: "records.err.noexport"})
		return
	}
	u.sendBags(w, r, s, safeFileName(fmt.Sprintf("%s.%d", u.agencyCode(s), year)), recs)
}

// sendBags writes each record's bag to a temporary directory, then streams them as one
// zip. An error before the first byte is an error page; after it, the zip is cut short
// (the browser reports a failed download) and the cause is logged.
func (u *UI) sendBags(w http.ResponseWriter, r *http.Request, s *session, name string, recs []engine.Record) {
	ctx := r.Context()
	tmp, err := os.MkdirTemp("", "vanthu-bag-")
	if err != nil {
		u.fail(w, r, s, fmt.Errorf("bag export: %w", err))
		return
	}
	defer os.RemoveAll(tmp)
	for _, rec := range recs {
		dir := filepath.Join(tmp, safeFileName(rec.FileCode()))
		if _, err := archive.Export(ctx, u.deps.Store, u.deps.Blobs, rec.ID, dir, nil); err != nil {
			u.deps.Logger.WarnContext(ctx, "web: bag export", "record", rec.ID, "error", err)
			if !unavailable(err) && !isEngineKind(err) {
				err = &userError{status: http.StatusUnprocessableEntity, key: "records.err.export"}
			}
			u.fail(w, r, s, err)
			return
		}
	}
	// Written and validated: what leaves the system is audited before its first byte.
	for _, rec := range recs {
		if err := u.deps.Engine.RecordExported(ctx, s.Actor, rec.ID); err != nil {
			u.fail(w, r, s, err)
			return
		}
	}
	if t := r.URL.Query().Get("token"); downloadToken.MatchString(t) {
		http.SetCookie(w, &http.Cookie{Name: downloadCookie, Value: t, Path: "/", MaxAge: 60, SameSite: http.SameSiteLaxMode,
			Secure: r.TLS != nil})
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", name+".zip"))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := zipDir(ctx, w, tmp); err != nil {
		u.deps.Logger.WarnContext(ctx, "web: bag download cut short", "bag", name, "error", err)
	}
}

// zipDir streams every file under root into a zip, paths relative to root.
func zipDir(ctx context.Context, w io.Writer, root string) error {
	zw := zip.NewWriter(w)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		h.Method = zip.Deflate
		if strings.EqualFold(filepath.Ext(path), ".pdf") {
			h.Method = zip.Store // already compressed
		}
		dst, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(dst, f)
		return err
	})
	if err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return zw.Close()
}

// safeFileName keeps a record's file code usable as a file or folder name.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '-'
		}
		return r
	}, s)
}

// agencyCode is the code of the actor's agency, its fonds code (mã phông).
func (u *UI) agencyCode(s *session) string {
	a, _ := s.agency(s.Actor.AgencyID)
	return a.Code
}

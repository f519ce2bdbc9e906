package web

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/vanthu/vanthu/api/intake"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// maxFields bounds the text fields of an upload form, so that a form of junk cannot fill memory.
const (
	maxFields     = 32
	maxFieldBytes = 8 << 10
)

// upload is a PDF that passed the intake checks and is in the blob store.
type upload struct {
	File engine.FileInput
	// Active lists the active content found (javascript, launch): accepted, as the API
	// does, but recorded in the document's note.
	Active []string
}

// note is what the document's note records of the upload's active content.
func (up upload) note() string { return intake.Note(up.File.Name, up.Active) }

// storeUpload streams a multipart form's one PDF (field "file") into the blob store without
// holding it in memory, and returns it with the form's text fields (those before the file
// also when storing it failed). Anything that does not start like a PDF is refused before
// a byte is stored; the rest passes the same intake checks as the API's uploads.
func (u *UI) storeUpload(w http.ResponseWriter, r *http.Request, kind string) (upload, map[string]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, u.deps.MaxUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return upload{}, nil, badInput("err.upload")
	}
	fields := map[string]string{}
	var file *upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return upload{}, nil, uploadError(err)
		}
		if part.FormName() != "file" {
			if len(fields) >= maxFields {
				return upload{}, nil, badInput("err.upload")
			}
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes))
			if err != nil {
				return upload{}, nil, uploadError(err)
			}
			fields[part.FormName()] = string(b)
			continue
		}
		if file != nil {
			return upload{}, nil, badInput("err.upload")
		}
		up, err := u.putPDF(r, part, kind)
		if err != nil {
			// The fields read so far go back with the error, for the form to show again.
			return upload{}, fields, err
		}
		file = &up
	}
	if file == nil {
		return upload{}, nil, badInput("err.nofile")
	}
	return *file, fields, nil
}

// putPDF spools the file part to a temporary file, runs the same intake checks as the
// API's uploads, and stores it.
func (u *UI) putPDF(r *http.Request, part io.Reader, kind string) (upload, error) {
	name := intake.DefaultName
	if p, ok := part.(interface{ FileName() string }); ok {
		name = intake.CleanName(p.FileName())
	}
	br := bufio.NewReaderSize(part, 4096)
	head, err := br.Peek(intake.HeadSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return upload{}, uploadError(err)
	}
	if len(head) == 0 {
		return upload{}, badInput("err.nofile")
	}
	if intake.CheckHead(head) != nil {
		return upload{}, badInput("err.notpdf")
	}
	tmp, err := os.CreateTemp("", "vanthu-upload-*.pdf")
	if err != nil {
		return upload{}, fmt.Errorf("spool upload: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	limited := &capped{r: br, left: u.deps.MaxUpload}
	n, err := io.Copy(tmp, limited)
	switch {
	case limited.over:
		return upload{}, badInput("err.toolarge")
	case limited.readErr != nil:
		return upload{}, uploadError(limited.readErr) // the upload broke off, not the disk
	case err != nil:
		return upload{}, fmt.Errorf("spool upload: %w", err)
	}
	active, err := intake.Check(tmp, n)
	if err != nil {
		return upload{}, badInput("err.malformedpdf")
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return upload{}, fmt.Errorf("spool upload: %w", err)
	}
	obj, err := u.deps.Blobs.Put(r.Context(), tmp, blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		return upload{}, fmt.Errorf("store upload: %w", err)
	}
	return upload{File: engine.FileInput{Kind: kind, Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, Active: active}, nil
}

// uploadError words a failure to read the request body: the client's doing, so a refusal.
func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return badInput("err.toolarge")
	}
	return &userError{status: http.StatusBadRequest, key: "err.upload"}
}

// capped fails a read past the size limit, so an oversized upload is never stored whole.
type capped struct {
	r       io.Reader
	left    int64
	over    bool
	readErr error // the body's own failure, as opposed to the store's
}

var errTooLarge = errors.New("upload larger than allowed")

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One more byte tells a file of exactly the limit from a larger one.
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			c.over = true
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		c.readErr = err
	}
	return n, err
}

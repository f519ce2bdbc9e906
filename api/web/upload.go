package web

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// maxFields bounds the text fields of an upload form, so that a form of junk cannot fill memory.
const (
	maxFields     = 32
	maxFieldBytes = 8 << 10
)

// storeUpload streams a multipart form's one PDF (field "file") into the blob store without
// holding it in memory, and returns it with the form's text fields. Anything that does not
// start like a PDF is refused before a byte is stored.
func (u *UI) storeUpload(w http.ResponseWriter, r *http.Request, kind string) (engine.FileInput, map[string]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, u.deps.MaxUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return engine.FileInput{}, nil, badInput("err.upload")
	}
	fields := map[string]string{}
	var file *engine.FileInput
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return engine.FileInput{}, nil, uploadError(err)
		}
		if part.FormName() != "file" {
			if len(fields) >= maxFields {
				return engine.FileInput{}, nil, badInput("err.upload")
			}
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes))
			if err != nil {
				return engine.FileInput{}, nil, uploadError(err)
			}
			fields[part.FormName()] = string(b)
			continue
		}
		if file != nil {
			return engine.FileInput{}, nil, badInput("err.upload")
		}
		fi, err := u.putPDF(r, part, kind)
		if err != nil {
			return engine.FileInput{}, nil, err
		}
		file = &fi
	}
	if file == nil {
		return engine.FileInput{}, nil, badInput("err.nofile")
	}
	return *file, fields, nil
}

func (u *UI) putPDF(r *http.Request, part io.Reader, kind string) (engine.FileInput, error) {
	name := "van-ban.pdf"
	if p, ok := part.(interface{ FileName() string }); ok && p.FileName() != "" {
		name = p.FileName()
	}
	br := bufio.NewReaderSize(part, 4096)
	head, err := br.Peek(1024)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return engine.FileInput{}, uploadError(err)
	}
	if len(head) == 0 {
		return engine.FileInput{}, badInput("err.nofile")
	}
	if !bytes.Contains(head, []byte("%PDF-")) {
		return engine.FileInput{}, badInput("err.notpdf")
	}
	limited := &capped{r: br, left: u.deps.MaxUpload}
	obj, err := u.deps.Blobs.Put(r.Context(), limited, blob.PutOptions{ContentType: "application/pdf"})
	switch {
	case limited.over:
		return engine.FileInput{}, badInput("err.toolarge")
	case err != nil && limited.readErr != nil:
		return engine.FileInput{}, uploadError(limited.readErr) // the upload broke off, not the store
	case err != nil:
		return engine.FileInput{}, fmt.Errorf("store upload: %w", err)
	}
	return engine.FileInput{Kind: kind, Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, nil
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

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"sync"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/api/intake"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

// DefaultMaxUpload bounds one uploaded PDF unless Deps.MaxUpload says otherwise.
const DefaultMaxUpload = 100 << 20

// upload is a PDF that arrived, passed the content checks and is in the blob store.
type upload struct {
	File engine.FileInput
	// Active lists the active content found (javascript, launch): such a PDF is
	// accepted, since agencies do receive them, but flagged to the user and in the
	// document's note, and never run by vanthu's viewer.
	Active []string
}

// uploadJSON is an upload as the API reports it.
type uploadJSON struct {
	Name          string   `json:"name"`
	SHA256        string   `json:"sha256"`
	Size          int64    `json:"size"`
	ActiveContent []string `json:"active_content,omitempty"`
}

func (u upload) out() uploadJSON {
	return uploadJSON{Name: u.File.Name, SHA256: u.File.SHA256, Size: u.File.Size, ActiveContent: u.Active}
}

// note is what the document's note records of active content.
func (u upload) note() string { return intake.Note(u.File.Name, u.Active) }

// receiveUpload spools a PDF upload (in memory up to smallUpload, else in a temporary
// file), checks it, and puts it into the blob store. The body is the PDF itself
// (application/pdf) or a multipart form with the PDF in "file" and, when meta is not nil,
// JSON metadata in "metadata". On failure it has written the problem.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request, kind string, meta any) (upload, bool) {
	body := http.MaxBytesReader(w, r.Body, s.maxUpload())
	tmp := newUploadSpool(r.ContentLength)
	defer tmp.Close()
	name, n, metaSeen, err := spool(r, body, tmp, meta)
	var tooBig *http.MaxBytesError
	var bad *badUpload
	var local *spoolError
	switch {
	case errors.As(err, &local):
		httpx.Internal(w, r, s.deps.Logger, err)
		return upload{}, false
	case errors.As(err, &tooBig):
		httpx.WriteProblem(w, http.StatusRequestEntityTooLarge, httpx.KindTooLarge, "Tệp quá lớn / File too large",
			fmt.Sprintf("tệp tối đa %[1]s / at most %[1]s", sizeText(s.maxUpload())))
		return upload{}, false
	case errors.As(err, &bad):
		httpx.WriteProblem(w, bad.status, bad.kind, bad.title, bad.detail)
		return upload{}, false
	case err != nil:
		httpx.BadRequest(w, "body", "tải lên không trọn vẹn / the upload did not arrive whole: "+err.Error())
		return upload{}, false
	case meta != nil && !metaSeen:
		httpx.BadRequest(w, "metadata", "thiếu phần metadata (JSON) / the multipart form needs a JSON \"metadata\" part")
		return upload{}, false
	}
	active, err := tmp.check(n)
	if err != nil {
		httpx.WriteProblem(w, http.StatusUnprocessableEntity, httpx.KindMalformedPDF, "Tệp PDF bị hỏng / Malformed PDF",
			"không đọc được cấu trúc tệp PDF / the PDF's structure cannot be read: "+err.Error())
		return upload{}, false
	}
	obj, err := s.deps.Blobs.Put(r.Context(), io.NewSectionReader(tmp.readerAt(), 0, n), blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		s.engineError(w, r, fmt.Errorf("store upload: %w", err))
		return upload{}, false
	}
	return upload{File: engine.FileInput{Kind: kind, Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, Active: active}, true
}

// smallUpload is how much of an upload stays in memory before it goes to a temporary
// file: most scans are smaller, and a file costs an inode, a write and an unlink on the
// way to the blob store (intake.Check reads the whole upload into memory anyway).
const smallUpload = 1 << 20

// uploadSpool holds an upload in memory up to smallUpload bytes, then in a temporary file.
type uploadSpool struct {
	mem  *bytes.Buffer
	file *os.File
}

// newUploadSpool takes memory kept from earlier uploads and sizes it for a request of
// contentLength bytes (-1 when unknown) at once, rather than doubling its way up to it:
// every upload passes through here, and fresh memory for each would be most of the
// garbage a registration leaves.
func newUploadSpool(contentLength int64) *uploadSpool {
	u := &uploadSpool{mem: spoolMemory.Get().(*bytes.Buffer)}
	if contentLength > 0 {
		u.mem.Grow(int(min(contentLength, smallUpload)))
	}
	return u
}

// spoolMemory is the memory of finished uploads, each about smallUpload at most.
var spoolMemory = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// check is intake.Check of the n bytes spooled, read in place when they are in memory.
func (u *uploadSpool) check(n int64) ([]string, error) {
	if u.file != nil {
		return intake.Check(u.file, n)
	}
	return intake.CheckBytes(u.mem.Bytes())
}

func (u *uploadSpool) Write(p []byte) (int, error) {
	if u.file == nil && u.mem.Len()+len(p) <= smallUpload {
		return u.mem.Write(p)
	}
	if u.file == nil {
		f, err := os.CreateTemp("", "vanthu-upload-*.pdf")
		if err != nil {
			return 0, &spoolError{err}
		}
		u.file = f
		if _, err := f.Write(u.mem.Bytes()); err != nil {
			return 0, &spoolError{err}
		}
		u.mem.Reset()
	}
	n, err := u.file.Write(p)
	if err != nil {
		return n, &spoolError{err}
	}
	return n, nil
}

// spoolError is this server's failure to keep an upload (a full disk), not the client's.
type spoolError struct{ err error }

func (e *spoolError) Error() string { return "spool upload: " + e.err.Error() }
func (e *spoolError) Unwrap() error { return e.err }

func (u *uploadSpool) readerAt() io.ReaderAt {
	if u.file != nil {
		return u.file
	}
	return bytes.NewReader(u.mem.Bytes())
}

// verify validates the n bytes spooled, in place when they are in memory.
func (u *uploadSpool) verify(ctx context.Context, n int64, opts verify.Options) (*verify.Report, error) {
	if u.file != nil {
		return verify.Verify(ctx, u.file, n, opts)
	}
	return verify.VerifyBytes(ctx, u.mem.Bytes(), opts)
}

// Close removes the temporary file, if the upload needed one, and gives the memory back:
// nothing may read the upload after it.
func (u *uploadSpool) Close() {
	if u.file != nil {
		u.file.Close()
		os.Remove(u.file.Name())
	}
	u.mem.Reset()
	spoolMemory.Put(u.mem)
	u.mem = nil
}

// sizeText writes a size limit as people read it: 100 MiB, 1.5 MiB, 256 KiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func (s *Server) maxUpload() int64 {
	if s.deps.MaxUpload > 0 {
		return s.deps.MaxUpload
	}
	return DefaultMaxUpload
}

// badUpload is an upload refused for what it is, with its problem.
type badUpload struct {
	status              int
	kind, title, detail string
}

func (e *badUpload) Error() string { return e.detail }

var errNotPDF = &badUpload{http.StatusUnsupportedMediaType, httpx.KindNotAPDF, "Không phải tệp PDF / Not a PDF",
	"tệp không bắt đầu bằng %PDF- / the file does not start with a PDF header"}

// spool copies the PDF of the request into dst and decodes the metadata part into meta.
func spool(r *http.Request, body io.Reader, dst io.Writer, meta any) (name string, n int64, metaSeen bool, err error) {
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/pdf":
		n, err = copyPDF(dst, body)
		return intake.DefaultName, n, false, err
	case "multipart/form-data":
	default:
		return "", 0, false, &badUpload{http.StatusUnsupportedMediaType, httpx.KindUnsupportedMedia, "Sai kiểu nội dung / Unsupported media type",
			"gửi application/pdf hoặc multipart/form-data / send application/pdf or multipart/form-data, not " + mediaType}
	}
	if params["boundary"] == "" {
		return "", 0, false, &badUpload{http.StatusBadRequest, httpx.KindBadRequest, "Yêu cầu không đọc được / Bad request", "multipart without boundary"}
	}
	mr := multipart.NewReader(body, params["boundary"])
	fileSeen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", 0, false, err
		}
		switch part.FormName() {
		case "metadata":
			if meta == nil {
				continue
			}
			dec := json.NewDecoder(io.LimitReader(part, httpx.MaxJSONBody))
			dec.DisallowUnknownFields()
			if err := dec.Decode(meta); err != nil {
				return "", 0, false, &badUpload{http.StatusBadRequest, httpx.KindBadRequest, "Yêu cầu không đọc được / Bad request",
					"metadata: không đọc được JSON / not valid JSON: " + err.Error()}
			}
			metaSeen = true
		case "file":
			if fileSeen {
				return "", 0, false, &badUpload{http.StatusBadRequest, httpx.KindBadRequest, "Yêu cầu không đọc được / Bad request", "one file per request"}
			}
			fileSeen = true
			name = intake.CleanName(part.FileName())
			if n, err = copyPDF(dst, part); err != nil {
				return "", 0, false, err
			}
		}
		part.Close()
	}
	if !fileSeen {
		return "", 0, false, &badUpload{http.StatusBadRequest, httpx.KindBadRequest, "Thiếu tệp / No file",
			"gửi tệp PDF trong trường \"file\" / send the PDF in the form field \"file\""}
	}
	return name, n, metaSeen, nil
}

// copyBuffers are the buffers uploads are copied through, kept between requests.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyPDF copies src to dst, refusing at once what does not start like a PDF. The header
// may follow some junk, as PDF readers allow within the first KiB.
func copyPDF(dst io.Writer, src io.Reader) (int64, error) {
	head := make([]byte, intake.HeadSize)
	k, err := io.ReadFull(src, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	if intake.CheckHead(head[:k]) != nil {
		return 0, errNotPDF
	}
	if _, err := dst.Write(head[:k]); err != nil {
		return 0, err
	}
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	n, err := io.CopyBuffer(dst, src, *buf)
	return int64(k) + n, err
}

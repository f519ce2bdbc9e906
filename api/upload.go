package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/digitorus/pdf"

	"github.com/vanthu/vanthu/engine"
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
func (u upload) note() string {
	if len(u.Active) == 0 {
		return ""
	}
	return "Tệp " + u.File.Name + " chứa nội dung chủ động (" + strings.Join(u.Active, ", ") + ")"
}

// receiveUpload streams a PDF upload to a temporary file, never holding it in memory,
// checks it, and puts it into the blob store. The body is the PDF itself
// (application/pdf) or a multipart form with the PDF in "file" and, when meta is not nil,
// JSON metadata in "metadata". On failure it has written the problem.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request, kind string, meta any) (upload, bool) {
	body := http.MaxBytesReader(w, r.Body, s.maxUpload())
	tmp, err := os.CreateTemp("", "vanthu-upload-*.pdf")
	if err != nil {
		s.internalError(w, r, err)
		return upload{}, false
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	name, n, metaSeen, err := spool(r, body, tmp, meta)
	var tooBig *http.MaxBytesError
	var bad *badUpload
	switch {
	case errors.As(err, &tooBig):
		writeProblem(w, http.StatusRequestEntityTooLarge, kindTooLarge, "Tệp quá lớn / File too large",
			fmt.Sprintf("tệp tối đa %d MiB / at most %d MiB", s.maxUpload()>>20, s.maxUpload()>>20))
		return upload{}, false
	case errors.As(err, &bad):
		writeProblem(w, bad.status, bad.kind, bad.title, bad.detail)
		return upload{}, false
	case err != nil:
		badRequest(w, "body", "tải lên không trọn vẹn / the upload did not arrive whole: "+err.Error())
		return upload{}, false
	case meta != nil && !metaSeen:
		badRequest(w, "metadata", "thiếu phần metadata (JSON) / the multipart form needs a JSON \"metadata\" part")
		return upload{}, false
	}
	active, err := checkPDF(tmp, n)
	if err != nil {
		writeProblem(w, http.StatusUnprocessableEntity, kindMalformedPDF, "Tệp PDF bị hỏng / Malformed PDF",
			"không đọc được cấu trúc tệp PDF / the PDF's structure cannot be read: "+err.Error())
		return upload{}, false
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		s.internalError(w, r, err)
		return upload{}, false
	}
	obj, err := s.deps.Blobs.Put(r.Context(), tmp, blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		s.internalError(w, r, fmt.Errorf("store upload: %w", err))
		return upload{}, false
	}
	return upload{File: engine.FileInput{Kind: kind, Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, Active: active}, true
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

var errNotPDF = &badUpload{http.StatusUnsupportedMediaType, kindNotAPDF, "Không phải tệp PDF / Not a PDF",
	"tệp không bắt đầu bằng %PDF- / the file does not start with a PDF header"}

// spool copies the PDF of the request into dst and decodes the metadata part into meta.
func spool(r *http.Request, body io.Reader, dst io.Writer, meta any) (name string, n int64, metaSeen bool, err error) {
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/pdf":
		n, err = copyPDF(dst, body)
		return "van-ban.pdf", n, false, err
	case "multipart/form-data":
	default:
		return "", 0, false, &badUpload{http.StatusUnsupportedMediaType, kindUnsupportedMedia, "Sai kiểu nội dung / Unsupported media type",
			"gửi application/pdf hoặc multipart/form-data / send application/pdf or multipart/form-data, not " + mediaType}
	}
	if params["boundary"] == "" {
		return "", 0, false, &badUpload{http.StatusBadRequest, kindBadRequest, "Yêu cầu không đọc được / Bad request", "multipart without boundary"}
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
			dec := json.NewDecoder(io.LimitReader(part, maxJSONBody))
			dec.DisallowUnknownFields()
			if err := dec.Decode(meta); err != nil {
				return "", 0, false, &badUpload{http.StatusBadRequest, kindBadRequest, "Yêu cầu không đọc được / Bad request",
					"metadata: không đọc được JSON / not valid JSON: " + err.Error()}
			}
			metaSeen = true
		case "file":
			if fileSeen {
				return "", 0, false, &badUpload{http.StatusBadRequest, kindBadRequest, "Yêu cầu không đọc được / Bad request", "one file per request"}
			}
			fileSeen = true
			name = cleanName(part.FileName())
			if n, err = copyPDF(dst, part); err != nil {
				return "", 0, false, err
			}
		}
		part.Close()
	}
	if !fileSeen {
		return "", 0, false, &badUpload{http.StatusBadRequest, kindBadRequest, "Thiếu tệp / No file",
			"gửi tệp PDF trong trường \"file\" / send the PDF in the form field \"file\""}
	}
	return name, n, metaSeen, nil
}

// copyPDF copies src to dst, refusing at once what does not start like a PDF. The header
// may follow some junk, as PDF readers allow within the first KiB.
func copyPDF(dst io.Writer, src io.Reader) (int64, error) {
	head := make([]byte, 1024)
	k, err := io.ReadFull(src, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	if !bytes.Contains(head[:k], []byte("%PDF-")) {
		return 0, errNotPDF
	}
	if _, err := dst.Write(head[:k]); err != nil {
		return 0, err
	}
	n, err := io.Copy(dst, src)
	return int64(k) + n, err
}

func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		return "van-ban.pdf"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// checkPDF parses the file's structure (cross-reference table and trailer) and scans
// its bytes for active content.
func checkPDF(f *os.File, size int64) (active []string, err error) {
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("%v", p)
			}
		}()
		_, err = pdf.NewReader(f, size)
	}()
	if err != nil {
		return nil, err
	}
	return scanActive(io.NewSectionReader(f, 0, size))
}

// activeNames are the PDF names of active content: scripts run when the file is opened
// or a field changes, and actions that start other programs.
var activeNames = []struct{ name, flag string }{
	{"/JavaScript", "javascript"},
	{"/JS", "javascript"},
	{"/Launch", "launch"},
}

// scanActive reads r once, in blocks, and reports which kinds of active content its
// uncompressed bytes name. A name must end at a PDF delimiter: /JSON is not /JS. Names
// hidden inside compressed object streams are not seen; the viewer never runs scripts.
func scanActive(r io.Reader) ([]string, error) {
	const keep = 16 // longer than any name, so a name across two blocks is still found
	buf := make([]byte, 64<<10)
	var carry []byte
	found := map[string]bool{}
	for {
		n, err := r.Read(buf)
		if n > 0 {
			block := append(carry, buf[:n]...)
			for _, a := range activeNames {
				if hasName(block, a.name, false) {
					found[a.flag] = true
				}
			}
			start := max(0, len(block)-keep)
			carry = append(carry[:0:0], block[start:]...)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	for _, a := range activeNames {
		if hasName(carry, a.name, true) {
			found[a.flag] = true
		}
	}
	var out []string
	for _, flag := range []string{"javascript", "launch"} {
		if found[flag] {
			out = append(out, flag)
		}
	}
	return out, nil
}

// hasName reports whether b holds name followed by a delimiter; a name at the very end
// counts only when b ends the file (final), since the next block may continue it.
func hasName(b []byte, name string, final bool) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(name))
		if j < 0 {
			return false
		}
		end := i + j + len(name)
		if (end == len(b) && final) || (end < len(b) && isDelimiter(b[end])) {
			return true
		}
		i = end
	}
}

func isDelimiter(c byte) bool {
	return strings.IndexByte(" \t\r\n\f\x00()<>[]{}/%", c) >= 0
}

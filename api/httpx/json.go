// Package httpx is what the API's handlers share to speak HTTP: JSON bodies in and out,
// RFC 9457 problems, the mapping of engine errors onto them, and whom a request acts as.
// It knows nothing of the API's routes, so api, api/auth and api/events all use it.
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
)

// MaxJSONBody bounds a JSON request body; documents themselves travel as uploads.
const MaxJSONBody = 1 << 20

// WriteJSON answers v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Decode reads a JSON request body into v; an empty body leaves v zero. Unknown fields
// are refused so that a misspelt field is an error, not silently ignored. A body sent as
// another media type is refused too: a browser form may post text/plain across sites
// without a preflight. On failure Decode writes the problem and reports false.
func Decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			WriteProblem(w, http.StatusUnsupportedMediaType, KindUnsupportedMedia, "Sai kiểu nội dung / Unsupported media type",
				"gửi application/json / send application/json, not "+ct)
			return false
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return true
	case errors.As(err, &tooBig):
		WriteProblem(w, http.StatusRequestEntityTooLarge, KindTooLarge, "Yêu cầu quá lớn / Payload too large", "a JSON body is at most 1 MiB")
	default:
		BadRequest(w, "body", "không đọc được JSON / not valid JSON: "+err.Error())
	}
	return false
}

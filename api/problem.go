package api

import (
	"encoding/json"
	"net/http"
)

// problem is an RFC 9457 problem detail. Type is stable per kind of error, so that
// clients can branch on it; Detail is for people.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

const problemBase = "https://vanthu.dev/problems/"

func writeProblem(w http.ResponseWriter, status int, kind, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem{Type: problemBase + kind, Title: title, Status: status, Detail: detail})
}

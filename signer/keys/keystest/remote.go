// Package keystest provides test doubles for package keys: a signing
// service speaking keys' HTTP remote-signing protocol, backed by a key in
// memory, for tests of anything that signs through keys.HTTPRemote.
package keystest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/vanthu/vanthu/signer/keys"
)

// RemoteServer is an httptest server that signs digests with Signer after
// checking the bearer token. Its fields may be changed between requests to
// script what the "phone" does.
type RemoteServer struct {
	*httptest.Server
	Token string

	mu       sync.Mutex
	signer   crypto.Signer
	decline  string
	delay    time.Duration
	requests []keys.RemoteSignRequest
}

// NewRemoteServer starts a server signing with signer and accepting token.
// Close it when done.
func NewRemoteServer(signer crypto.Signer, token string) *RemoteServer {
	s := &RemoteServer{Token: token, signer: signer}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewRemoteTLSServer is NewRemoteServer over HTTPS with a throw-away
// certificate; use the server's Client() as HTTPRemoteConfig.Client.
func NewRemoteTLSServer(signer crypto.Signer, token string) *RemoteServer {
	s := &RemoteServer{Token: token, signer: signer}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// Handshakes refused by clients that do not trust the test CA are
	// what tests provoke; they are not worth a line in the output.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	return s
}

// Decline makes the server answer 403 with msg, as when the signer refuses
// on the phone; "" signs again.
func (s *RemoteServer) Decline(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.decline = msg
}

// Delay makes the server wait d (or until the client goes away) before
// answering, as when the signer does not look at the phone.
func (s *RemoteServer) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Requests returns the requests received so far.
func (s *RemoteServer) Requests() []keys.RemoteSignRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]keys.RemoteSignRequest(nil), s.requests...)
}

// serve handles one POST.
func (s *RemoteServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		reply(w, http.StatusMethodNotAllowed, keys.RemoteSignResponse{Error: "POST only"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Token {
		reply(w, http.StatusUnauthorized, keys.RemoteSignResponse{Error: "bad token"})
		return
	}
	var req keys.RemoteSignRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		reply(w, http.StatusBadRequest, keys.RemoteSignResponse{Error: "bad JSON: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	decline, delay, signer := s.decline, s.delay, s.signer
	s.mu.Unlock()

	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return
	}
	if decline != "" {
		reply(w, http.StatusForbidden, keys.RemoteSignResponse{Error: decline})
		return
	}
	sig, status, msg := sign(signer, req)
	if status != http.StatusOK {
		reply(w, status, keys.RemoteSignResponse{Error: msg})
		return
	}
	reply(w, http.StatusOK, keys.RemoteSignResponse{Signature: base64.StdEncoding.EncodeToString(sig)})
}

// sign signs the request's digest, or says which HTTP status refuses it.
func sign(signer crypto.Signer, req keys.RemoteSignRequest) ([]byte, int, string) {
	digest, err := base64.StdEncoding.DecodeString(req.Digest)
	if err != nil {
		return nil, http.StatusBadRequest, "digest is not base64"
	}
	h, ok := hashByName(req.HashAlgorithm)
	if !ok || len(digest) != h.Size() {
		return nil, http.StatusBadRequest, "unknown hash or wrong digest length"
	}
	var opts crypto.SignerOpts = h
	if req.PSS {
		opts = &rsa.PSSOptions{Hash: h, SaltLength: req.SaltLength}
	}
	sig, err := signer.Sign(rand.Reader, digest, opts)
	if err != nil {
		return nil, http.StatusInternalServerError, "signing failed"
	}
	return sig, http.StatusOK, ""
}

// hashByName inverts crypto.Hash.String for the hashes signatures use.
func hashByName(name string) (crypto.Hash, bool) {
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA224, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		if h.String() == name {
			return h, true
		}
	}
	return 0, false
}

// reply writes body as JSON with status.
func reply(w http.ResponseWriter, status int, body keys.RemoteSignResponse) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

package keys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// The HTTP protocol of a remote signing service, in one exchange:
//
//	POST <URL>
//	Authorization: Bearer <token>
//	Content-Type: application/json
//	{"digest":"<base64>","hash_algorithm":"SHA-256","pss":false,"document_label":"..."}
//
//	200 {"signature":"<base64>"}
//	4xx/5xx {"error":"<message for the user>"}
//
// 401 means a bad token, 403 that the signer declined on the phone,
// 408 or 504 that the signer did not answer in time.

// RemoteSignRequest is the JSON body sent to the signing service.
type RemoteSignRequest struct {
	Digest        string `json:"digest"`         // standard base64
	HashAlgorithm string `json:"hash_algorithm"` // crypto.Hash.String(): "SHA-256"
	PSS           bool   `json:"pss,omitempty"`
	SaltLength    int    `json:"salt_length,omitempty"`
	DocumentLabel string `json:"document_label,omitempty"`
}

// RemoteSignResponse is the JSON body the signing service answers with.
type RemoteSignResponse struct {
	Signature string `json:"signature,omitempty"` // standard base64
	Error     string `json:"error,omitempty"`
}

// ErrRemoteDeclined matches a RemoteError saying the signer refused.
var ErrRemoteDeclined = errors.New("keys: remote: the signer declined")

// RemoteError is a refusal from the signing service.
type RemoteError struct {
	StatusCode int
	Message    string // the service's own words, shortened and cleaned
}

// Error describes the refusal with its HTTP status.
func (e *RemoteError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("keys: remote: signing service answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("keys: remote: signing service answered %d: %s", e.StatusCode, e.Message)
}

// Is lets callers test errors.Is(err, ErrRemoteDeclined).
func (e *RemoteError) Is(target error) bool {
	return target == ErrRemoteDeclined && e.StatusCode == http.StatusForbidden
}

// HTTPRemoteConfig configures an HTTPRemote.
type HTTPRemoteConfig struct {
	// URL receives the POST. It must be https, except on a loopback
	// address, because the bearer token travels with every request.
	URL string
	// Token is sent as "Authorization: Bearer". It is never printed.
	Token string
	// Timeout bounds one request (default DefaultRemoteTimeout); the
	// request's context can end it sooner.
	Timeout time.Duration
	// Client, when set, is used instead of a default client: for custom
	// TLS roots or a proxy. Its own Timeout, if any, also applies.
	Client *http.Client
}

// Format keeps the token out of %v, %+v and %#v of a configuration.
func (c HTTPRemoteConfig) Format(f fmt.State, verb rune) {
	writeSafe(f, verb, fmt.Sprintf("keys.HTTPRemoteConfig{URL:%q Timeout:%v}", c.URL, c.Timeout))
}

// HTTPRemote is a RemoteSigner speaking the protocol above.
type HTTPRemote struct {
	url     *url.URL
	token   string
	timeout time.Duration
	client  *http.Client
}

// NewHTTPRemote checks cfg and returns a client for the signing service.
func NewHTTPRemote(cfg HTTPRemoteConfig) (*HTTPRemote, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("keys: remote: parse URL: %w", err)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("keys: remote: URL %s must use https", u.Redacted())
	}
	if cfg.Token == "" {
		return nil, errors.New("keys: remote: no bearer token")
	}
	c := &HTTPRemote{url: u, token: cfg.Token, timeout: cfg.Timeout, client: cfg.Client}
	if c.timeout <= 0 {
		c.timeout = DefaultRemoteTimeout
	}
	if c.client == nil {
		c.client = &http.Client{}
	}
	return c, nil
}

// SignDigest POSTs req and returns the decoded signature.
func (c *HTTPRemote) SignDigest(ctx context.Context, req DigestRequest) ([]byte, error) {
	body, err := json.Marshal(RemoteSignRequest{
		Digest:        base64.StdEncoding.EncodeToString(req.Digest),
		HashAlgorithm: req.Hash.String(),
		PSS:           req.PSS,
		SaltLength:    req.SaltLength,
		DocumentLabel: req.DocumentLabel,
	})
	if err != nil {
		return nil, fmt.Errorf("keys: remote: encode request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("keys: remote: build request: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.client.Do(hreq)
	if err != nil {
		return nil, c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	return c.readResponse(resp)
}

// String names the service, never the token.
func (c *HTTPRemote) String() string {
	return fmt.Sprintf("keys.HTTPRemote{%s}", c.url.Redacted())
}

// GoString is the same description, for %#v.
func (c *HTTPRemote) GoString() string { return c.String() }

// Format prints the description for every verb.
func (c *HTTPRemote) Format(f fmt.State, verb rune) { writeSafe(f, verb, c.String()) }

// maxResponse bounds what is read from the service: a signature is a few
// hundred bytes; anything near this size is not an answer to trust.
const maxResponse = 64 << 10

// readResponse decodes a success or turns a failure into a RemoteError.
func (c *HTTPRemote) readResponse(resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("keys: remote: read answer from %s: %w", c.url.Redacted(), err)
	}
	var out RemoteSignResponse
	jsonErr := json.Unmarshal(data, &out)
	if resp.StatusCode != http.StatusOK {
		msg := out.Error
		if jsonErr != nil {
			msg = string(data)
		}
		return nil, &RemoteError{StatusCode: resp.StatusCode, Message: cleanMessage(msg)}
	}
	if jsonErr != nil {
		return nil, fmt.Errorf("keys: remote: answer from %s is not JSON: %w", c.url.Redacted(), jsonErr)
	}
	if out.Signature == "" {
		return nil, fmt.Errorf("keys: remote: answer from %s has no signature", c.url.Redacted())
	}
	sig, err := base64.StdEncoding.DecodeString(out.Signature)
	if err != nil {
		return nil, fmt.Errorf("keys: remote: signature from %s is not base64: %w", c.url.Redacted(), err)
	}
	return sig, nil
}

// transportError explains a request that got no answer. The *url.Error is
// unwrapped so the message names the URL without query or credentials.
func (c *HTTPRemote) transportError(ctx context.Context, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("keys: remote: no answer from %s in time: %w", c.url.Redacted(), err)
	}
	return fmt.Errorf("keys: remote: POST %s: %w", c.url.Redacted(), err)
}

// cleanMessage keeps a service's error message short and printable, since
// it ends up in logs and on the user's screen.
func cleanMessage(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

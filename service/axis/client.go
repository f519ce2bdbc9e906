package axis

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client is a Connector over the HTTP protocol of vanthu's axis emulator
// (docs/axis.md). It never retries: the jobs that use it do, with the same key.
type Client struct {
	base     *url.URL
	system   string
	secret   string
	http     *http.Client
	maxReply int64
}

// ClientOption changes a Client.
type ClientOption func(*Client)

// WithHTTPClient sets the HTTP client: its timeout, its transport's TLS client
// certificate. Contexts still bound every call.
func WithHTTPClient(hc *http.Client) ClientOption { return func(c *Client) { c.http = hc } }

// NewClient is a client for the axis at baseURL (http or https), as the connected
// system systemID with its secret. An empty secret sends none: for a system that
// authenticates with a TLS client certificate (WithHTTPClient).
func NewClient(baseURL, systemID, secret string, opts ...ClientOption) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("axis URL %q: want http(s)://host[:port][/path]", baseURL)
	}
	if systemID == "" {
		return nil, errors.New("axis: empty system id")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	c := &Client{base: u, system: systemID, secret: secret, http: defaultHTTPClient(), maxReply: 64 << 20}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// defaultHTTPClient has no overall timeout (a 100 MB package may take long; the
// context bounds a call) but gives up on a silent server.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	t.ExpectContinueTimeout = 2 * time.Second
	return &http.Client{Transport: t}
}

var _ Connector = (*Client)(nil)

// Agencies lists the directory.
func (c *Client) Agencies(ctx context.Context) ([]Agency, error) {
	var out struct {
		Agencies []Agency `json:"agencies"`
	}
	return out.Agencies, c.doJSON(ctx, "list agencies", http.MethodGet, "/v1/agencies", nil, nil, &out)
}

// RegisterAgency adds or updates an agency this system receives for.
func (c *Client) RegisterAgency(ctx context.Context, a Agency) error {
	if err := CheckCode(a.Code); err != nil {
		return &Error{Kind: ErrRejected, Detail: err.Error()}
	}
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("axis: register agency %s: %w", a.Code, err)
	}
	return c.doJSON(ctx, "register agency "+a.Code, http.MethodPut, "/v1/agencies/"+url.PathEscape(a.Code), nil, body, nil)
}

// bigBody is the size from which a send first asks whether the axis will take it
// (Expect: 100-continue), so that a refused or replayed package is not uploaded in vain
// and the server, answering without reading it, does not cut the upload off mid-way.
// Below it, Go servers read and discard an unread body themselves.
const bigBody = 64 << 10

// Send streams the package to the axis. Out.Key should always be set: a send retried
// with the same key after an outage creates nothing twice.
func (c *Client) Send(ctx context.Context, out Outgoing) ([]Package, error) {
	if out.Body == nil {
		return nil, &Error{Kind: ErrRejected, Detail: "empty body"}
	}
	q := url.Values{"type": {string(out.Type)}, "from": {out.From}, "to": out.To}
	req, err := c.request(ctx, http.MethodPost, "/v1/packages", q, out.Body)
	if err != nil {
		return nil, err
	}
	// A size of 0 is taken as unknown, not as an empty package: a caller who forgot it
	// still sends the whole body (chunked).
	req.ContentLength = out.Size
	if out.Size <= 0 {
		req.ContentLength = -1
	}
	if out.Size <= 0 || out.Size > bigBody {
		req.Header.Set("Expect", "100-continue")
	}
	req.Header.Set("Content-Type", "application/xml")
	if out.Key != "" {
		req.Header.Set(HeaderKey, out.Key)
	}
	var res struct {
		Packages []Package `json:"packages"`
	}
	if err := c.roundTrip(req, &res); err != nil {
		return nil, fmt.Errorf("axis: send %s from %s to %s: %w", out.Type, out.From, strings.Join(out.To, ","), err)
	}
	return res.Packages, nil
}

// Received lists packages waiting for this system's agencies, oldest first.
func (c *Client) Received(ctx context.Context) ([]Package, error) {
	var out struct {
		Packages []Package `json:"packages"`
	}
	return out.Packages, c.doJSON(ctx, "list received packages", http.MethodGet, "/v1/received", nil, nil, &out)
}

// Fetch opens a received package's edXML; the caller closes it. The body is streamed:
// a read error after the open is the connection's (wrapped as ErrUnavailable).
func (c *Client) Fetch(ctx context.Context, id string) (io.ReadCloser, error) {
	req, err := c.request(ctx, http.MethodGet, "/v1/packages/"+url.PathEscape(id), nil, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("axis: fetch %s: %w", id, unavailable(err))
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, fmt.Errorf("axis: fetch %s: %w", id, c.answerError(resp))
	}
	return &body{rc: resp.Body, id: id}, nil
}

// Acknowledge sets a received package's state: processing keeps it listed, done and
// fail (with the reason) take it off the list and show at the sender.
func (c *Client) Acknowledge(ctx context.Context, id string, state State, reason string) error {
	if !ValidState(state) {
		return &Error{Kind: ErrRejected, Detail: fmt.Sprintf("state %q: want processing, done or fail", state)}
	}
	b, err := json.Marshal(map[string]string{"state": string(state), "reason": reason})
	if err != nil {
		return fmt.Errorf("axis: acknowledge %s: %w", id, err)
	}
	return c.doJSON(ctx, fmt.Sprintf("acknowledge %s as %s", id, state), http.MethodPut,
		"/v1/packages/"+url.PathEscape(id)+"/state", nil, b, nil)
}

// Sent lists this system's packages created at or after since, with their states.
func (c *Client) Sent(ctx context.Context, since time.Time) ([]Package, error) {
	var out struct {
		Packages []Package `json:"packages"`
	}
	var q url.Values
	if !since.IsZero() {
		q = url.Values{"since": {since.UTC().Format(time.RFC3339Nano)}}
	}
	return out.Packages, c.doJSON(ctx, "list sent packages", http.MethodGet, "/v1/sent", q, nil, &out)
}

func (c *Client) request(ctx context.Context, method, path string, q url.Values, body io.Reader) (*http.Request, error) {
	target := c.base.String() + path // path segments are escaped by the callers
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, fmt.Errorf("axis: %w", err)
	}
	req.Header.Set(HeaderSystem, c.system)
	if c.secret != "" {
		req.Header.Set(HeaderSecret, c.secret)
	}
	return req, nil
}

func (c *Client) doJSON(ctx context.Context, op, method, path string, q url.Values, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := c.request(ctx, method, path, q, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.roundTrip(req, out); err != nil {
		return fmt.Errorf("axis: %s: %w", op, err)
	}
	return nil
}

// roundTrip sends req and decodes a 2xx answer into out (when not nil).
func (c *Client) roundTrip(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return unavailable(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return c.answerError(resp)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, c.maxReply)).Decode(out); err != nil {
		// A reply cut off mid-way is an outage, not a refusal.
		return &Error{Kind: ErrUnavailable, Status: resp.StatusCode, Detail: "unreadable answer", Cause: err}
	}
	return nil
}

// answerError reads a refusal's problem body into an *Error.
func (c *Client) answerError(resp *http.Response) error {
	var p Problem
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(raw, &p) != nil || p.Type == "" {
		p = Problem{Detail: strings.TrimSpace(string(raw))}
		if len(p.Detail) > 200 {
			p.Detail = p.Detail[:200]
		}
	}
	detail := p.Detail
	if p.Title != "" && detail != "" {
		detail = p.Title + " — " + detail
	} else if p.Title != "" {
		detail = p.Title
	}
	return &Error{Kind: kindOf(resp.StatusCode, p), Status: resp.StatusCode, Detail: detail, Refused: p.Refused}
}

// unavailable wraps a network error: the axis could not be reached or went away. A TLS
// handshake that failed over certificates is no outage but a refusal that retrying will
// not cure: ErrUnauthorized.
func unavailable(err error) error {
	var verify *tls.CertificateVerificationError
	if errors.As(err, &verify) || certificateAlert(err) {
		return &Error{Kind: ErrUnauthorized, Detail: "TLS certificate refused", Cause: err}
	}
	return &Error{Kind: ErrUnavailable, Cause: err}
}

// certificateAlert reports a TLS alert from the server about our certificate (bad,
// unknown CA, expired, required…). Over TCP the alert's type is unexported: it shows as
// a "remote error" whose text names the certificate.
func certificateAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error" && op.Err != nil &&
		strings.Contains(op.Err.Error(), "certificate")
}

// body is a fetched package whose read errors say they are the axis's.
type body struct {
	rc io.ReadCloser
	id string
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("axis: read package %s: %w", b.id, unavailable(err))
	}
	return n, err
}

func (b *body) Close() error { return b.rc.Close() }

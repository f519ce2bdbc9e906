package pki

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Defaults shared by the clients; each client can override them.
const (
	defaultTimeout      = 10 * time.Second
	defaultMaxResponse  = 1 << 20  // OCSP and TSA answers are a few KiB
	defaultMaxCRL       = 16 << 20 // large CAs publish CRLs of several MiB
	defaultCacheEntries = 1024
)

// fetcher performs one bounded HTTP exchange and classifies its failures
// so that callers see ErrUnreachable, ErrTimeout and friends.
type fetcher struct {
	client  *http.Client
	timeout time.Duration
	limit   int64
	// decorate, when set, adds headers such as credentials.
	decorate func(*http.Request)
}

func newFetcher(c *http.Client, timeout time.Duration, limit, defLimit int64) fetcher {
	if c == nil {
		c = http.DefaultClient
	}
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	if limit <= 0 {
		limit = defLimit
	}
	return fetcher{client: c, timeout: timeout, limit: limit}
}

// do sends body with POST (or GET when body is nil) and returns the answer
// when it is a 200 within the size limit.
func (f fetcher) do(ctx context.Context, rawURL, contentType string, body []byte) ([]byte, error) {
	shown := redact(rawURL)
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	method, rd := http.MethodGet, io.Reader(nil)
	if body != nil {
		method, rd = http.MethodPost, bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("build request for %s: %w", shown, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if f.decorate != nil {
		f.decorate(req)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, classifyNetErr(ctx, shown, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s: %w", shown, resp.Status, ErrHTTPStatus)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.limit+1))
	if err != nil {
		return nil, classifyNetErr(ctx, shown, err)
	}
	if int64(len(data)) > f.limit {
		return nil, fmt.Errorf("%s sent more than %d bytes: %w", shown, f.limit, ErrTooLarge)
	}
	return data, nil
}

// classifyNetErr maps transport errors onto the package's sentinels while
// keeping the original error in the chain.
func classifyNetErr(ctx context.Context, rawURL string, err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%s: %w (%w)", rawURL, ErrTimeout, err)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", rawURL, err)
	}
	return fmt.Errorf("%s: %w (%w)", rawURL, ErrUnreachable, err)
}

// redact hides a password given in the URL, which must never reach an
// error message or a log.
func redact(rawURL string) string {
	p, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// httpURL reports whether u is an absolute http or https URL; CRL and
// OCSP pointers with other schemes (ldap, file) are never followed.
func httpURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

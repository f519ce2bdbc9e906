package blob

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Credentials for S3, kept out of the URL so that they never reach a log line.
type Credentials struct {
	AccessKey string
	SecretKey string
}

// Open returns the store a URL names and checks that it is usable:
//
//	file:///var/lib/vanthu/blobs
//	s3://bucket?endpoint=127.0.0.1:7070&secure=false&region=us-east-1
func Open(ctx context.Context, rawURL string, creds Credentials) (Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %w", err)
	}
	var s Store
	switch u.Scheme {
	case "file":
		dir := u.Path
		if u.Host != "" && u.Host != "localhost" { // file://relative/dir
			dir = u.Host + u.Path
		}
		if dir == "" {
			return nil, fmt.Errorf("file URL %q has no path", rawURL)
		}
		s, err = NewFS(dir)
	case "s3":
		s, err = openS3(u, creds)
	default:
		return nil, fmt.Errorf("scheme %q is not supported (use file:// or s3://)", u.Scheme)
	}
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Ping(pctx); err != nil {
		return nil, err
	}
	return s, nil
}

func openS3(u *url.URL, creds Credentials) (*S3, error) {
	q := u.Query()
	cfg := S3Config{
		Bucket:    u.Host,
		Endpoint:  q.Get("endpoint"),
		Region:    q.Get("region"),
		Secure:    true,
		AccessKey: creds.AccessKey,
		SecretKey: creds.SecretKey,
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = "s3.amazonaws.com"
	}
	if v := q.Get("secure"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("secure=%q is not true or false", v)
		}
		cfg.Secure = b
	}
	if strings.Contains(cfg.Endpoint, "/") {
		return nil, fmt.Errorf("endpoint %q must be host:port without a scheme", cfg.Endpoint)
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, fmt.Errorf("S3 credentials missing: set VANTHU_S3_ACCESS_KEY and VANTHU_S3_SECRET_KEY")
	}
	return NewS3(cfg)
}

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

const demoPassword = "mat-khau-thu-nghiem"

// testMaxUpload keeps the size-limit test small.
const testMaxUpload = 256 << 10

// testBundle is a server over a seeded demo province (SQLite, blobs on disk), reached
// through the real authentication middleware.
type testBundle struct {
	srv    *Server
	http   *httptest.Server
	store  *sqlstore.Store
	eng    *engine.Engine
	mu     sync.Mutex
	logins map[string]*client
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, store, demoPassword); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(store)
	srv := New(Deps{Engine: eng, Store: store, Blobs: blobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", MaxUpload: testMaxUpload})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testBundle{srv: srv, http: hs, store: store, eng: eng, logins: map[string]*client{}}
}

// client is one logged-in user (or nobody, for username "").
type client struct {
	b    *testBundle
	hc   *http.Client
	csrf string
	user engine.User
}

// as logs username in through POST /api/v1/auth/login, once per bundle.
func (b *testBundle) as(t *testing.T, username string) *client {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.logins[username]; ok {
		return c
	}
	jar, _ := cookiejar.New(nil)
	c := &client{b: b, hc: &http.Client{Jar: jar}}
	if username != "" {
		resp := c.do(t, "POST", "/api/v1/auth/login", map[string]string{"username": username, "password": demoPassword}, nil)
		if resp.status != http.StatusOK {
			t.Fatalf("login %s: %d %s", username, resp.status, resp.body)
		}
		c.csrf, _ = resp.json["csrf_token"].(string)
		u, err := b.store.UserGetByUsername(context.Background(), username)
		if err != nil {
			t.Fatal(err)
		}
		c.user = u
	}
	b.logins[username] = c
	return c
}

type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r response) problemKind() string {
	s, _ := r.json["type"].(string)
	return strings.TrimPrefix(s, httpx.ProblemBase)
}

// do sends a JSON request (body nil: none); headers are added as given.
func (c *client) do(t *testing.T, method, path string, body any, headers map[string]string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.b.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(t, req, headers)
}

func (c *client) send(t *testing.T, req *http.Request, headers map[string]string) response {
	t.Helper()
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := response{status: resp.StatusCode, header: resp.Header}
	out.body, _ = io.ReadAll(resp.Body)
	_ = json.Unmarshal(out.body, &out.json)
	return out
}

// upload posts a multipart form with JSON metadata (nil: none) and a file.
func (c *client) upload(t *testing.T, path string, meta any, name string, file []byte, headers map[string]string) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if meta != nil {
		b, _ := json.Marshal(meta)
		if err := mw.WriteField("metadata", string(b)); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	req, err := http.NewRequest("POST", c.b.http.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(t, req, headers)
}

// etagOf reads a document's current ETag.
func (c *client) etagOf(t *testing.T, docID string) string {
	t.Helper()
	r := c.do(t, "GET", "/api/v1/documents/"+docID, nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("get %s: %d %s", docID, r.status, r.body)
	}
	return r.header.Get("ETag")
}

// step runs a document transition with the current ETag.
func (c *client) step(t *testing.T, docID, action string, body any) response {
	t.Helper()
	return c.do(t, "POST", "/api/v1/documents/"+docID+"/"+action, body, map[string]string{"If-Match": c.etagOf(t, docID)})
}

func mustStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

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
	"github.com/vanthu/vanthu/engine/password"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
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
	dir := t.TempDir()
	store := dbtest.DemoSQLite(t, demoPassword)
	cheapLogins(t, store)
	blobs, err := blob.NewFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngine(store)
	srv := New(Deps{Engine: eng, Store: store, Blobs: blobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", MaxUpload: testMaxUpload})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testBundle{srv: srv, http: hs, store: store, eng: eng, logins: map[string]*client{}}
}

// cheapHash is demoPassword hashed at the temporary passwords' costs. The demo seed hashes
// at production costs (64 MiB, 3 passes): under the race detector every login, and every
// server's dummy hash, would cost a second or two of CPU. The costs do not change what is
// tested.
var cheapHash = sync.OnceValues(func() (string, error) { return password.Hash(demoPassword, password.TemporaryParams) })

// cheapLogins gives every demo user demoPassword under cheapHash.
func cheapLogins(t *testing.T, store *sqlstore.Store) {
	t.Helper()
	h, err := cheapHash()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Exec(t, store, "UPDATE app_user SET password_hash = $1", h)
}

// newEngine is the engine over store, hashing new passwords at cheapHash's costs.
func newEngine(store *sqlstore.Store) *engine.Engine {
	eng := engine.New(store)
	eng.PasswordParams = password.TemporaryParams
	return eng
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
	return c.send(t, newJSONRequest(t, method, c.b.http.URL+path, body), headers)
}

// newJSONRequest is a request with body as JSON (nil: none).
func newJSONRequest(t *testing.T, method, url string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// jsonRequest is a POST of body as JSON.
func jsonRequest(t *testing.T, url string, body any) *http.Request {
	t.Helper()
	return newJSONRequest(t, "POST", url, body)
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
	return c.send(t, multipartRequest(t, c.b.http.URL+path, meta, name, file), headers)
}

// multipartRequest is a POST of a multipart form with JSON metadata (nil: none) and a file.
func multipartRequest(t *testing.T, url string, meta any, name string, file []byte) *http.Request {
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
	req, err := http.NewRequest("POST", url, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
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

// demoKeyring is a keyring over b's store whose demo CA has given the province's leader
// (lanhdao.tinh) and the province (H23) their keys under pin; it returns the CA too. cfg may set what else the
// keyring needs (its blob store, location); online serves the CA's revocation answers and
// timestamps over HTTP and has the keyring use them.
func demoKeyring(t *testing.T, b *testBundle, pin string, online bool, cfg keyring.Config) (*keyring.Keyring, *pkidemo.CA) {
	t.Helper()
	ctx := context.Background()
	var opts []pkidemo.Option
	var handler http.Handler
	if online {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
		t.Cleanup(srv.Close)
		opts = append(opts, pkidemo.WithBaseURL(srv.URL))
		cfg.Timestamper = &pki.TSAClient{URL: srv.URL + "/tsa"}
	}
	ca, err := pkidemo.New(filepath.Join(t.TempDir(), "ca"), opts...)
	must(t, err)
	if online {
		handler = ca.Handler()
		cfg.Revocation = pki.NewRevocation(http.DefaultClient, ca.Issuers())
		cfg.ExtraCertificates = append(cfg.ExtraCertificates, ca.TSACertificate())
	}
	cfg.Engine, cfg.Store = b.eng, b.store
	if cfg.Blobs == nil {
		cfg.Blobs = b.srv.deps.Blobs
	}
	kr := keyring.New(cfg)
	leader, err := b.store.UserGetByUsername(ctx, "lanhdao.tinh")
	must(t, err)
	_, err = kr.IssueDemoPerson(ctx, ca, leader, pin, nil)
	must(t, err)
	province, err := b.store.AgencyGetByCode(ctx, "H23")
	must(t, err)
	_, err = kr.IssueDemoAgency(ctx, ca, province, pin, nil)
	must(t, err)
	return kr, ca
}

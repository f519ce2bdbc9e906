package faults

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vanthu/vanthu/signer/docpdf"
)

// tally is what the clients saw: acknowledged requests and every answer that must not be.
type tally struct {
	mu         sync.Mutex
	acked      int
	status503  int
	non503     []string // 5xx other than 503
	replay4xx  []string // a retried key answered 4xx: the first attempt's answer was lost
	unexpected []string // 4xx on a first attempt
	wrongHash  []string // an upload acknowledged with another SHA-256 than sent
	gaveUp     int      // requests still failing at their deadline (never acknowledged)
	loginFails []string
}

func (t *tally) add(f func(t *tally)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(t)
}

// ack is what the API acknowledged about one document.
type ack struct {
	ID     string
	Flow   string
	Owner  string // who reads it back
	State  string
	Number int      // số đến or số đi, once acknowledged
	SHAs   []string // files acknowledged with it
}

type ledger struct {
	mu   sync.Mutex
	docs map[string]*ack
}

func (l *ledger) record(id string, f func(a *ack)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.docs == nil {
		l.docs = map[string]*ack{}
	}
	a := l.docs[id]
	if a == nil {
		a = &ack{ID: id}
		l.docs[id] = a
	}
	f(a)
}

func (l *ledger) all() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ack, 0, len(l.docs))
	for _, a := range l.docs {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// client is one user's session, spread over the nodes: on a transport error it moves
// to the next node, with the same session (kept in the database).
type client struct {
	user     string
	password string
	nodes    []*node
	node     int
	http     *http.Client
	csrf     string
	tally    *tally
	// Deadline bounds one request with all its retries.
	deadline time.Duration
}

func newClient(user, password string, nodes []*node, first int, t *tally) *client {
	jar, _ := cookiejar.New(nil)
	return &client{user: user, password: password, nodes: nodes, node: first % len(nodes), tally: t, deadline: 90 * time.Second,
		http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// answer is one HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(v any) error { return json.Unmarshal(a.body, v) }

// request is what call sends; body is made again for every attempt.
type request struct {
	method, path string
	body         []byte
	contentType  string
	header       map[string]string
}

// call sends r until it is answered other than by a transport error or a 5xx, retrying
// with backoff and the same headers (so the same Idempotency-Key); a lost session is
// opened again. It fails only when the deadline passes.
func (c *client) call(ctx context.Context, r request) (answer, error) {
	began := time.Now()
	var last string
	for attempt := 1; ; attempt++ {
		if time.Since(began) > c.deadline || ctx.Err() != nil {
			c.tally.add(func(t *tally) { t.gaveUp++ })
			return answer{}, fmt.Errorf("%s %s as %s: gave up after %d attempts: %s", r.method, r.path, c.user, attempt-1, last)
		}
		if attempt > 1 {
			backoff := min(100*time.Millisecond<<min(attempt-2, 5), 2*time.Second)
			time.Sleep(backoff/2 + rand.N(backoff/2+1))
		}
		nd := c.nodes[c.node]
		a, err := c.send(ctx, nd, r)
		switch {
		case err != nil:
			last = err.Error()
			c.node = (c.node + 1) % len(c.nodes)
			continue
		case a.status == http.StatusUnauthorized && r.path != "/api/v1/auth/login":
			last = "401"
			if err := c.login(ctx); err != nil {
				return answer{}, err
			}
			continue
		case a.status == http.StatusServiceUnavailable:
			last = "503"
			c.tally.add(func(t *tally) { t.status503++ })
			c.node = (c.node + 1) % len(c.nodes)
			continue
		case a.status >= 500:
			last = fmt.Sprintf("%d %s", a.status, snippet(a.body))
			line := fmt.Sprintf("%s %s node %d: %d %s", r.method, r.path, nd.idx, a.status, snippet(a.body))
			c.tally.add(func(t *tally) { t.non503 = append(t.non503, line) })
			continue
		case a.status >= 400 && attempt > 1 && r.header["Idempotency-Key"] != "":
			line := fmt.Sprintf("%s %s (attempt %d, after %s): %d %s", r.method, r.path, attempt, last, a.status, snippet(a.body))
			c.tally.add(func(t *tally) { t.replay4xx = append(t.replay4xx, line) })
		case a.status >= 400:
			line := fmt.Sprintf("%s %s: %d %s", r.method, r.path, a.status, snippet(a.body))
			c.tally.add(func(t *tally) { t.unexpected = append(t.unexpected, line) })
		default:
			if r.method != "GET" {
				c.tally.add(func(t *tally) { t.acked++ })
			}
		}
		return a, nil
	}
}

func (c *client) send(ctx context.Context, nd *node, r request) (answer, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, nd.url+r.path, body)
	if err != nil {
		return answer{}, err
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if c.csrf != "" && r.method != "GET" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func (c *client) login(ctx context.Context) error {
	a, err := c.call(ctx, request{method: "POST", path: "/api/v1/auth/login", contentType: "application/json",
		body: jsonBody(map[string]string{"username": c.user, "password": c.password})})
	if err != nil {
		return err
	}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if a.status != http.StatusOK || a.decode(&out) != nil || out.CSRF == "" {
		return fmt.Errorf("login %s: %d %s", c.user, a.status, snippet(a.body))
	}
	c.csrf = out.CSRF
	return nil
}

// upload posts a PDF with its metadata as multipart, under an idempotency key.
func (c *client) upload(ctx context.Context, path string, meta any, pdf []byte, key string) (answer, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	part, _ := w.CreatePart(h)
	part.Write(jsonBody(meta))
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="van-ban.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, _ = w.CreatePart(h)
	part.Write(pdf)
	w.Close()
	return c.call(ctx, request{method: "POST", path: path, body: buf.Bytes(), contentType: w.FormDataContentType(),
		header: map[string]string{"Idempotency-Key": key}})
}

// document is the part of a document the suite reads.
type document struct {
	ID             string `json:"id"`
	State          string `json:"state"`
	Number         int    `json:"number"`
	IncomingNumber int    `json:"incoming_number"`
	Notation       string `json:"notation"`
}

// step moves a document along: its ETag read first, the step sent with If-Match and the
// key, both kept for every retry.
func (c *client) step(ctx context.Context, id, action string, body any, key string) (document, answer, error) {
	got, err := c.call(ctx, request{method: "GET", path: "/api/v1/documents/" + id})
	if err != nil {
		return document{}, got, err
	}
	if got.status != http.StatusOK {
		return document{}, got, fmt.Errorf("get %s: %d %s", id, got.status, snippet(got.body))
	}
	a, err := c.call(ctx, request{method: "POST", path: "/api/v1/documents/" + id + "/" + action, body: jsonBody(body),
		contentType: "application/json", header: map[string]string{"If-Match": got.header.Get("ETag"), "Idempotency-Key": key}})
	if err != nil || a.status != http.StatusOK {
		return document{}, a, err
	}
	var d document
	return d, a, a.decode(&d)
}

type uploaded struct {
	Document document `json:"document"`
	File     struct {
		SHA256 string `json:"sha256"`
	} `json:"file"`
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// clerkLoop receives and registers scanned PDFs until load ends; the document under
// way is finished first.
func clerkLoop(load, ctx context.Context, c *client, run string, l *ledger) {
	for i := 0; load.Err() == nil; i++ {
		pdf := minimalPDF(fmt.Sprintf("Cong van den %s %s %d", run, c.user, i))
		key := fmt.Sprintf("%s-%s-%d", run, c.user, i)
		a, err := c.upload(ctx, "/api/v1/incoming", map[string]string{"type_code": "", "subject": fmt.Sprintf("Công văn đến %d", i),
			"sender_name": "Bộ Nội vụ"}, pdf, key+"-receive")
		var up uploaded
		if err != nil || a.status != http.StatusCreated || a.decode(&up) != nil {
			continue
		}
		sha := digest(pdf)
		if up.File.SHA256 != sha {
			c.tally.add(func(t *tally) {
				t.wrongHash = append(t.wrongHash, fmt.Sprintf("incoming %s: sent %s, acknowledged %s", up.Document.ID, sha, up.File.SHA256))
			})
		}
		l.record(up.Document.ID, func(a *ack) { a.Flow, a.Owner, a.State, a.SHAs = "incoming", c.user, up.Document.State, []string{sha} })
		d, a, err := c.step(ctx, up.Document.ID, "register", map[string]any{}, key+"-register")
		if err == nil && a.status == http.StatusOK {
			l.record(d.ID, func(a *ack) { a.State, a.Number = d.State, d.IncomingNumber })
		}
	}
}

// pipeline is one agency's outgoing work: the specialist drafts, the leader approves and
// signs, the clerk numbers, signs and seals.
type pipeline struct {
	specialist, leader, clerk *client
	agency                    string
	pin                       string
}

func (p *pipeline) loop(load, ctx context.Context, run string, l *ledger) {
	for i := 0; load.Err() == nil; i++ {
		key := fmt.Sprintf("%s-%s-%d", run, p.specialist.user, i)
		subject := fmt.Sprintf("Về việc kiểm thử sự cố %s số %d", run, i)
		pdf, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\n" + strings.ToUpper(p.agency), Notation: "CT-UBND",
			Place: "Hòa Bình", Type: "Chỉ thị", Summary: subject, Body: docpdf.Text(subject + "."),
			Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Lãnh đạo"}, Recipients: []string{"Lưu: VT"}})
		if err != nil {
			panic(err)
		}
		a, err := p.specialist.upload(ctx, "/api/v1/outgoing", map[string]string{"type_code": "CT", "subject": subject}, pdf, key+"-draft")
		var up uploaded
		if err != nil || a.status != http.StatusCreated || a.decode(&up) != nil {
			continue
		}
		sha := digest(pdf)
		if up.File.SHA256 != sha {
			p.specialist.tally.add(func(t *tally) {
				t.wrongHash = append(t.wrongHash, fmt.Sprintf("draft %s: sent %s, acknowledged %s", up.Document.ID, sha, up.File.SHA256))
			})
		}
		id := up.Document.ID
		l.record(id, func(a *ack) {
			a.Flow, a.Owner, a.State, a.SHAs = "outgoing", p.specialist.user, up.Document.State, []string{sha}
		})
		for _, s := range []struct {
			by     *client
			action string
			body   any
		}{
			{p.specialist, "submit", map[string]any{}},
			{p.leader, "approve", map[string]any{}},
			{p.leader, "sign", map[string]any{"pin": p.pin}},
			{p.clerk, "issue", map[string]any{"pin": p.pin}},
		} {
			d, a, err := s.by.step(ctx, id, s.action, s.body, key+"-"+s.action)
			if err != nil || a.status != http.StatusOK {
				break
			}
			l.record(id, func(a *ack) { a.State, a.Number = d.State, d.Number })
		}
	}
}

// minimalPDF is a one-page PDF whose cross-reference table is right, with text of its
// own so that every scan is a different blob.
func minimalPDF(text string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n")
	stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text)
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

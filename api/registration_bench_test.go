package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/storage/dbtest"
)

// registrationClerks are the 16 agencies whose clerks register at once in
// BenchmarkRegistration, one client each.
var registrationClerks = []string{"tinh", "snv", "stc", "skhdt", "stttt", "tphoabinh", "phuonglam", "thinhlang",
	"tanthinh", "maichau", "ttmaichau", "dongbang", "tongdau", "luongson", "ttluongson", "hoason"}

// BenchmarkRegistration measures the clerks' registration of scanned incoming documents
// at province scale over loopback against PostgreSQL and a file blob store: 16 clerks of
// 16 agencies, each uploading a 40 KB PDF and registering it in the same request (POST
// /api/v1/incoming with "register"), against the floor of that work on vanthu's own
// schema: one transaction per document that takes the next incoming number, inserts the
// document and appends its audit event (chain head and event through the trigger), with
// the same 16-way concurrency. Beside them it measures the same registration in two
// requests (the upload, then POST …/register with its ETag) against the same statements
// in two transactions. The four alternate in rounds so that the machine's noise falls on
// all alike; all number in the same registers, and at the end every register must hold
// its numbers once each, without a gap. It reports documents per second, the ratios
// (target api/floor ≥ 0.45) and the one request's statements, transactions and round
// trips per document.
func BenchmarkRegistration(b *testing.B) {
	ctx := context.Background()
	var trace dbtest.StatementCounter
	store := dbtest.PostgresTraced(b, &trace)
	api, eng := benchServer(b, store)

	pool := store.Raw().(*pgxpool.Pool)
	clerks := make([]*benchClerk, len(registrationClerks))
	floors := make([]dbtest.Floor, len(registrationClerks))
	for i, slug := range registrationClerks {
		clerks[i] = loginClerk(b, api.URL, "vanthu."+slug)
		defer clerks[i].close()
		user, err := store.UserGetByUsername(ctx, "vanthu."+slug)
		if err != nil {
			b.Fatal(err)
		}
		ms, err := store.MembershipListByUser(ctx, user.ID)
		if err != nil || len(ms) == 0 {
			b.Fatalf("memberships of vanthu.%s: %v", slug, err)
		}
		floors[i] = dbtest.Floor{Pool: pool, AgencyID: ms[0].AgencyID, UserID: user.ID}
	}
	// Every document's PDF is different, in this round and the ones before it (whose
	// files stay in the store), so that no upload is deduplicated; the floor builds one
	// too, to pay for the same bytes. Each client builds its files in memory of its own,
	// reused: the clerks' browsers run elsewhere, and their garbage would otherwise be
	// collected by the server's process.
	seq := &benchDocuments
	scratch := make([][]byte, len(clerks))
	viaAPI := func(c int) error {
		scratch[c] = paddedPDFInto(scratch[c], seq.Add(1), 40<<10)
		return clerks[c].receiveAndRegister(scratch[c])
	}
	viaTwoRequests := func(c int) error {
		scratch[c] = paddedPDFInto(scratch[c], seq.Add(1), 40<<10)
		return clerks[c].receiveThenRegister(scratch[c])
	}
	viaFloor := func(c int) error {
		n := seq.Add(1)
		scratch[c] = paddedPDFInto(scratch[c], n, 40<<10)
		return floors[c].InsertRegistered(ctx, fmt.Sprintf("Công văn đến số %d (%d bytes)", n, len(scratch[c])))
	}
	// The same statements in the two transactions that receiving a document and then
	// registering it take at the least, as two requests must: what is left between it and
	// the two requests is HTTP, the upload, the blob and the checks.
	viaTwoSteps := func(c int) error {
		n := seq.Add(1)
		scratch[c] = paddedPDFInto(scratch[c], n, 40<<10)
		subject := fmt.Sprintf("Công văn đến số %d (%d bytes)", n, len(scratch[c]))
		id, err := floors[c].InsertReceived(ctx, subject)
		if err != nil {
			return err
		}
		return floors[c].Register(ctx, id, subject)
	}

	const perClient = 4 // documents per client per round
	// A round of each, untimed, first: the clients connect, the pool's connections
	// prepare their statements, the server learns the sessions and subscriptions. A
	// short run (make bench) would otherwise charge that to its few rounds.
	for _, op := range []func(int) error{viaAPI, viaFloor, viaTwoRequests, viaTwoSteps} {
		perClients(b, len(clerks), perClient*len(clerks), op)
	}
	b.ResetTimer()
	var apiTime, floorTime, twoRequestTime, twoStepTime time.Duration
	var apiCounts, floorCounts dbtest.Counts
	for from := 0; from < b.N; from += perClient * len(clerks) {
		n := min(perClient*len(clerks), b.N-from)
		before := trace.Snapshot()
		apiTime += perClients(b, len(clerks), n, viaAPI)
		mid := trace.Snapshot()
		floorTime += perClients(b, len(clerks), n, viaFloor)
		apiCounts, floorCounts = apiCounts.Plus(mid.Minus(before)), floorCounts.Plus(trace.Snapshot().Minus(mid))
		twoRequestTime += perClients(b, len(clerks), n, viaTwoRequests)
		twoStepTime += perClients(b, len(clerks), n, viaTwoSteps)
	}
	b.StopTimer()
	n := float64(b.N)
	stmts, txs, trips := apiCounts.Per(b.N)
	fStmts, fTxs, fTrips := floorCounts.Per(b.N)
	b.ReportMetric(n/apiTime.Seconds(), "api-docs/s")
	b.ReportMetric(n/floorTime.Seconds(), "floor-docs/s")
	b.ReportMetric(floorTime.Seconds()/apiTime.Seconds(), "api/floor")
	b.ReportMetric(floorTime.Seconds()/twoStepTime.Seconds(), "two-step/floor")
	b.ReportMetric(n/twoRequestTime.Seconds(), "two-requests-docs/s")
	b.ReportMetric(twoStepTime.Seconds()/twoRequestTime.Seconds(), "two-requests/two-step")
	b.ReportMetric(stmts, "stmts/doc")
	b.ReportMetric(txs, "tx/doc")
	b.ReportMetric(trips, "roundtrips/doc")
	b.Logf("per document: API %.1f statements in %.1f transactions, %.1f round trips; floor %.1f, %.1f, %.1f (target: api/floor ≥ 0.45)",
		stmts, txs, trips, fStmts, fTxs, fTrips)
	if err := dbtest.CheckIncomingRegisters(ctx, pool); err != nil {
		b.Fatal(err)
	}
	for _, f := range floors {
		if problems, _, err := eng.VerifyAudit(ctx, f.AgencyID); err != nil || len(problems) > 0 {
			b.Fatalf("audit chain of %s: %v %v", f.AgencyID, err, problems)
		}
	}
}

// benchDocuments numbers the benchmarks' PDFs across all their rounds in this process.
var benchDocuments atomic.Int64

// perClients runs n operations over clients goroutines, goroutine c doing op(c) until n
// are done, and returns the time they took.
func perClients(b *testing.B, clients, n int, op func(c int) error) time.Duration {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := op(c); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if b.Failed() {
		b.FailNow()
	}
	return elapsed
}

// benchClerk is one clerk's HTTP/1.1 client with its session, on one kept-alive
// connection. It writes each request in one write and reads the answer with net/http's
// own parser; net/http's client would copy every 40 KB upload through a fresh 32 KB
// buffer, garbage that the server's process collects here and a clerk's browser, on its
// own machine, never makes.
type benchClerk struct {
	addr    string
	cookies string
	csrf    string
	conn    net.Conn
	in      *bufio.Reader
	req     bytes.Buffer // the request's bytes, reused
	body    bytes.Buffer // the upload's form, reused
	answer  bytes.Buffer // the answer's body, reused
	n       int
}

func loginClerk(b *testing.B, base string, username string) *benchClerk {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	resp, err := hc.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"`+username+`","password":"`+demoPassword+`"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("login %s: %v %v", username, err, resp)
	}
	defer resp.Body.Close()
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(base)
	var cookies []string
	for _, c := range jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	return &benchClerk{addr: u.Host, cookies: strings.Join(cookies, "; "), csrf: me.CSRF}
}

// receiveAndRegister uploads pdf as a new incoming document registered in the same
// request.
func (c *benchClerk) receiveAndRegister(pdf []byte) error {
	var created struct {
		Document struct {
			IncomingNumber int `json:"incoming_number"`
		} `json:"document"`
	}
	if _, err := c.receive(pdf, true, &created); err != nil {
		return err
	}
	if created.Document.IncomingNumber < 1 {
		return fmt.Errorf("receive and register: no incoming number in the answer")
	}
	return nil
}

// receiveThenRegister uploads pdf as a new incoming document and registers it, as a
// client of the two steps does: the upload's ETag goes into the registration's If-Match.
func (c *benchClerk) receiveThenRegister(pdf []byte) error {
	var created struct {
		Document struct {
			ID string `json:"id"`
		} `json:"document"`
	}
	etag, err := c.receive(pdf, false, &created)
	if err != nil {
		return err
	}
	var registered struct {
		IncomingNumber int `json:"incoming_number"`
	}
	_, err = c.send("/api/v1/documents/"+created.Document.ID+"/register", "If-Match: "+etag, nil, http.StatusOK, &registered)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	if registered.IncomingNumber < 1 {
		return fmt.Errorf("register: no incoming number in the answer")
	}
	return nil
}

// receive uploads pdf as a new incoming document, registered at once if register.
func (c *benchClerk) receive(pdf []byte, register bool, out any) (etag string, err error) {
	c.n++
	c.body.Reset()
	mw := multipart.NewWriter(&c.body)
	_ = mw.WriteField("metadata", fmt.Sprintf(`{"type_code":"TB","subject":"Thông báo đến số %d","sender_name":"Bộ Nội vụ","register":%t}`,
		c.n, register))
	fw, _ := mw.CreateFormFile("file", "scan.pdf")
	_, _ = fw.Write(pdf)
	_ = mw.Close()
	etag, err = c.send("/api/v1/incoming", "Content-Type: "+mw.FormDataContentType(), c.body.Bytes(), http.StatusCreated, out)
	if err != nil {
		return "", fmt.Errorf("receive: %w", err)
	}
	return etag, nil
}

// send POSTs body to path with one more header and decodes the answer into out; it
// returns the answer's ETag.
func (c *benchClerk) send(path, header string, body []byte, want int, out any) (string, error) {
	c.req.Reset()
	fmt.Fprintf(&c.req, "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nX-CSRF-Token: %s\r\n%s\r\nContent-Length: %d\r\n\r\n",
		path, c.addr, c.cookies, c.csrf, header, len(body))
	c.req.Write(body)
	if c.conn == nil {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return "", err
		}
		c.conn, c.in = conn, bufio.NewReader(conn)
	}
	if _, err := c.conn.Write(c.req.Bytes()); err != nil {
		return "", err
	}
	resp, err := http.ReadResponse(c.in, nil)
	if err != nil {
		return "", err
	}
	c.answer.Reset()
	_, err = c.answer.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	if resp.StatusCode != want {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, c.answer.Bytes())
	}
	return resp.Header.Get("ETag"), json.Unmarshal(c.answer.Bytes(), out)
}

// close closes the clerk's connection.
func (c *benchClerk) close() {
	if c.conn != nil {
		c.conn.Close()
	}
}

// paddedPDF is a one-page PDF of about size bytes whose page content carries n, so that
// every call gives different bytes. The number has a fixed width, so the file of each size
// is built once and only the number is written into a copy of it: the clients' cost of
// making files stays out of what the benchmark compares.
func paddedPDF(n int64, size int) []byte { return paddedPDFInto(nil, n, size) }

// paddedPDFInto is paddedPDF built in dst's memory when it is large enough.
func paddedPDFInto(dst []byte, n int64, size int) []byte {
	t := pdfTemplates.of(size)
	b := append(dst[:0], t.pdf...)
	copy(b[t.at:], fmt.Appendf(nil, "%020d", n))
	return b
}

var pdfTemplates = templateCache{m: map[int]pdfTemplate{}}

// pdfTemplate is a padded PDF and where its number goes.
type pdfTemplate struct {
	pdf []byte
	at  int
}

type templateCache struct {
	mu sync.Mutex
	m  map[int]pdfTemplate
}

func (c *templateCache) of(size int) pdfTemplate {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.m[size]; ok {
		return t
	}
	// A scanned page: an image of random grey pixels (as a scan's compressed bytes look
	// to a parser: any byte value, line breaks of either kind among them), drawn by a
	// content stream that carries the document's number.
	const mark = "% scan "
	content := "q 595 0 0 842 0 0 cm /Im0 Do Q\n" + mark + strings.Repeat("0", 20) + "\n"
	pixels := make([]byte, max(0, size-600))
	rng := rand.New(rand.NewPCG(uint64(size), 1))
	for i := range pixels {
		pixels[i] = byte(rng.Uint32())
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content),
		fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream",
			len(pixels), len(pixels), pixels),
	}
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	t := pdfTemplate{pdf: buf.Bytes(), at: bytes.Index(buf.Bytes(), []byte(mark)) + len(mark)}
	c.m[size] = t
	return t
}

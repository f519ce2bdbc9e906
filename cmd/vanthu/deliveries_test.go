package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/storage/testenv"
)

// hookReceiver is an integration that checks signatures, answers slowly, and records
// every request it got by delivery id.
type hookReceiver struct {
	secret string
	delay  time.Duration

	mu       sync.Mutex
	inFlight int
	got      map[string][]string // delivery id → event ids, one per request
	objects  map[string]string   // event's object id → delivery id
	bad      []string
}

func (rv *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var p struct {
		ID       string `json:"id"`
		ObjectID string `json:"object_id"`
	}
	_ = json.Unmarshal(body, &p)
	id := r.Header.Get("Vanthu-Delivery-Id")
	rv.mu.Lock()
	rv.inFlight++
	if !signedBy(r.Header.Get("Vanthu-Signature"), rv.secret, body) || id == "" || p.ID != r.Header.Get("Vanthu-Event-Id") {
		rv.bad = append(rv.bad, fmt.Sprintf("delivery %q: %s", id, body))
	}
	rv.got[id] = append(rv.got[id], p.ID)
	if prev, ok := rv.objects[p.ObjectID]; ok && prev != id {
		rv.bad = append(rv.bad, fmt.Sprintf("object %s delivered as %s and as %s", p.ObjectID, prev, id))
	}
	rv.objects[p.ObjectID] = id
	rv.mu.Unlock()
	time.Sleep(rv.delay) // deliveries stay in flight a while: a node may die meanwhile
	rv.mu.Lock()
	rv.inFlight--
	rv.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (rv *hookReceiver) snapshot() (inFlight, requests int, objects map[string]string) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	objects = map[string]string{}
	for k, v := range rv.objects {
		objects[k] = v
	}
	for _, evs := range rv.got {
		requests += len(evs)
	}
	return rv.inFlight, requests, objects
}

// signedBy checks Vanthu-Signature as a receiver does.
func signedBy(header, secret string, body []byte) bool {
	var ts int64
	var sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			_, _ = fmt.Sscan(v, &ts)
		case "v1":
			sig = v
		}
	}
	return sig != "" && sig == events.Sign(secret, ts, body)
}

// The acceptance test: two nodes on one PostgreSQL, a node killed while
// deliveries are in flight; every event still reaches the receiver, a repeat carries the
// same delivery id, nothing fails; and a periodic job runs once per interval, not once
// per node.
func TestWebhooksSurviveANodeKilledMidDelivery(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts two servers and waits for a dead node's jobs to be rescued")
	}
	rv := &hookReceiver{secret: "bí-mật-của-tích-hợp-0123456789", delay: 700 * time.Millisecond,
		got: map[string][]string{}, objects: map[string]string{}}
	hookSrv := httptest.NewServer(rv)
	t.Cleanup(hookSrv.Close)
	const reminderEvery = 2 * time.Second
	env := []string{"VANTHU_DATABASE_URL=" + testenv.PostgresURL(t), "VANTHU_DATA=" + t.TempDir(),
		"VANTHU_BLOB_URL=file://" + filepath.Join(t.TempDir(), "blobs"), "VANTHU_DEMO_PASSWORD=Hoa-Binh-2024",
		"VANTHU_WEBHOOK_ALLOW_LOOPBACK=true", "VANTHU_JOB_RESCUE_AFTER=3s",
		"VANTHU_REMINDER_INTERVAL=" + reminderEvery.String()}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(vanthuBinary(t), args...)
		cmd.Env = append(cleanEnv(), env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("vanthu %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}
	run("seed")
	token := func(user, scope string) string {
		var created struct{ Token string }
		if err := json.Unmarshal([]byte(run("token", "create", "--user", user, "--scope", scope, "--json")), &created); err != nil {
			t.Fatal(err)
		}
		return created.Token
	}
	admin, clerk := token("quantri.tinh", "admin"), token("vanthu.tinh", "write")
	start := time.Now()
	nodes := []*server{startServer(t, env), startServer(t, env)}

	body, _ := json.Marshal(map[string]any{"url": hookSrv.URL, "secret": rv.secret, "event_types": []string{"document.received"}})
	code, created := call(t, nodes[0].base+"/api/v1/webhooks", admin, "application/json", body)
	if code != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", code, created)
	}
	var hook struct{ ID string }
	if err := json.Unmarshal(created, &hook); err != nil {
		t.Fatal(err)
	}

	const documents = 30
	var received []string
	for i := range documents {
		ct, form := receiveForm(t, fmt.Sprintf("Về việc kiểm tra giao nhận số %d", i+1))
		code, out := call(t, nodes[i%2].base+"/api/v1/incoming", clerk, ct, form)
		if code != http.StatusCreated {
			t.Fatalf("receive %d on node %d: %d %s", i+1, i%2, code, out)
		}
		var doc struct{ Document struct{ ID string } }
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		received = append(received, doc.Document.ID)
	}

	// Kill the first node (kill -9: no shutdown, its running jobs stay "running") while
	// the receiver holds deliveries.
	deadline := time.Now().Add(30 * time.Second)
	for {
		inFlight, _, _ := rv.snapshot()
		if inFlight >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no deliveries in flight within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := nodes[0].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-nodes[0].done
	_, before, _ := rv.snapshot()

	// The survivor delivers the rest, and the dead node's deliveries once River rescues them
	// (after VANTHU_JOB_RESCUE_AFTER, on its next rescue round, once it leads).
	deadline = time.Now().Add(3 * time.Minute)
	for {
		_, _, objects := rv.snapshot()
		missing := 0
		for _, id := range received {
			if _, ok := objects[id]; !ok {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events never reached the receiver", missing, documents)
		}
		time.Sleep(200 * time.Millisecond)
	}
	rv.mu.Lock()
	if len(rv.bad) > 0 {
		t.Fatalf("bad deliveries: %v", rv.bad)
	}
	for id, evs := range rv.got {
		for _, e := range evs {
			if e != evs[0] {
				t.Fatalf("delivery %s carried events %v", id, evs)
			}
		}
	}
	rv.mu.Unlock()
	_, total, _ := rv.snapshot()
	t.Logf("%d deliveries in %d requests; %d before the kill", documents, total, before)

	// The log agrees once the dead node's deliveries were rescued and sent again (the
	// receiver may have had them already: the sender died before it heard the answer):
	// every delivery ended delivered, under the id the receiver saw.
	var log struct {
		Items []struct {
			ID, Status string
			Attempts   int
		}
	}
	deadline = time.Now().Add(2 * time.Minute)
	for {
		code, out := call(t, nodes[1].base+"/api/v1/webhooks/"+hook.ID+"/deliveries", admin, "", nil)
		if code != http.StatusOK {
			t.Fatalf("deliveries: %d %s", code, out)
		}
		if err := json.Unmarshal(out, &log); err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, d := range log.Items {
			if d.Status == "failed" {
				t.Fatalf("a delivery failed: %+v", d)
			}
			if d.Status == "delivered" {
				done++
			}
		}
		if len(log.Items) == documents && done == documents {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log: %d entries, %d delivered; want %d delivered", len(log.Items), done, documents)
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, total, _ = rv.snapshot()
	t.Logf("%d requests in all after the rescue", total)
	rv.mu.Lock()
	if len(rv.bad) > 0 {
		t.Fatalf("bad deliveries: %v", rv.bad)
	}
	for _, d := range log.Items {
		if _, ok := rv.got[d.ID]; !ok {
			t.Errorf("logged delivery %s was never seen by the receiver", d.ID)
		}
	}
	rv.mu.Unlock()

	// Reminders are a periodic job: the leader enqueues one per interval, whichever
	// node it is, and never one per node.
	window := time.Since(start)
	var runs []struct {
		CreatedAt time.Time `json:"created_at"`
	}
	if err := json.Unmarshal([]byte(run("jobs", "list", "--kind", "reminders", "--json", "--limit", "1000")), &runs); err != nil {
		t.Fatal(err)
	}
	if most := int(window/reminderEvery) + 2; len(runs) < 2 || len(runs) > most {
		t.Fatalf("%d reminder runs in %s with both nodes up at first, want at most %d (one per %s)", len(runs),
			window.Round(time.Second), most, reminderEvery)
	}
}

// call sends a request with an API token and returns the status and body.
func call(t *testing.T, url, token, contentType string, body []byte) (int, []byte) {
	t.Helper()
	method, r := http.MethodGet, io.Reader(nil)
	if body != nil {
		method, r = http.MethodPost, bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// receiveForm is the multipart body of receiving a one-page scan.
func receiveForm(t *testing.T, subject string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	meta, _ := json.Marshal(map[string]string{"type_code": "QĐ", "subject": subject, "sender_name": "Bộ Nội vụ",
		"sender_notation": "12/BNV-VP"})
	part, err := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="metadata"`},
		"Content-Type": {"application/json"}})
	if err != nil {
		t.Fatal(err)
	}
	part.Write(meta)
	part, err = mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; filename="cong-van.pdf"`},
		"Content-Type": {"application/pdf"}})
	if err != nil {
		t.Fatal(err)
	}
	part.Write(onePagePDF(subject))
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// onePagePDF is a blank page with a correct cross-reference table; the title makes each
// file different.
func onePagePDF(title string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		fmt.Sprintf("<< /Title (%x) >>", title),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

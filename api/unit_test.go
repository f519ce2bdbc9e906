package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// TestEveryStepIsOneUnitAndReplays walks every idempotent API step through a document's
// life — drafts and versions, review, signing, issue and seal, dispatch, the recipient's
// handling, filing, recall, a certified copy — and for each one:
//   - "kills" the server between the blob writes and the commit (the step's transaction
//     is rolled back after its rows and files were written): the answer is not a success
//     and the database is exactly as before;
//   - retries with the same Idempotency-Key and the client's original If-Match: the step
//     completes, in one write transaction;
//   - retries again, as a client that never saw the answer would (a kill after the
//     commit): the first answer, byte for byte;
//
// and at the end replays every step on a restarted server. A route that takes an
// Idempotency-Key and is not walked fails the test.
func TestEveryStepIsOneUnitAndReplays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const pin = "123456"
	kr, _ := demoKeyring(t, b, pin, false, keyring.Config{})
	district, err := b.store.AgencyGetByCode(ctx, "H23.11")
	must(t, err)
	node := b.restart(t, func(d *Deps) { d.Signer = kr })

	w := &walker{t: t, b: b, db: b.store.Raw().(*sql.DB)}
	b.store.AddTxHook(w.hook)

	specialist, unitHead, leader, clerk := node.as(t, "chuyenvien.tinh"), node.as(t, "truongphong.tinh"), node.as(t, "lanhdao.tinh"), node.as(t, "vanthu.tinh")
	archivist := node.as(t, "luutru.tinh")
	dClerk, dLeader, dSpecialist := node.as(t, "vanthu.maichau"), node.as(t, "lanhdao.maichau"), node.as(t, "chuyenvien.maichau")

	const subject = "Về phòng chống cháy rừng mùa khô"
	r := w.upload(specialist, "/api/v1/outgoing", map[string]any{"subject": subject}, draftPDF(t, subject), http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)
	doc := "/api/v1/documents/" + id
	w.upload(specialist, doc+"/versions", nil, draftPDF(t, subject+" (sửa)"), http.StatusCreated)
	w.step(specialist, doc+"/submit", map[string]any{"reviewers": []any{map[string]any{"user_id": unitHead.user.ID, "kind": "content"}}})
	w.step(unitHead, doc+"/signer", map[string]any{"signer_id": leader.user.ID})
	w.step(unitHead, doc+"/review", map[string]any{"approve": true, "comment": "Đạt"})
	w.step(leader, doc+"/approve", nil)
	w.step(leader, doc+"/sign", map[string]any{"pin": pin})
	w.step(clerk, doc+"/issue", map[string]any{"pin": pin})
	w.step(clerk, doc+"/dispatch", map[string]any{"agency_ids": []string{district.ID}})
	w.step(clerk, doc+"/file", nil)

	// The district handles its copy.
	inbox := dClerk.do(t, "GET", "/api/v1/documents?view=inbox", nil, nil)
	mustStatus(t, inbox, http.StatusOK)
	var in string
	for _, it := range inbox.json["items"].([]any) {
		if d := it.(map[string]any); d["subject"] == subject {
			in = "/api/v1/documents/" + d["id"].(string)
		}
	}
	if in == "" {
		t.Fatalf("the dispatched document is not in the district's inbox: %s", inbox.body)
	}
	w.step(dClerk, in+"/register", nil)
	w.step(dClerk, in+"/present", nil)
	w.step(dLeader, in+"/direct", map[string]any{"text": "Giao chuyên viên xử lý",
		"tasks": []any{map[string]any{"user_id": dSpecialist.user.ID, "role": "lead"}}})
	w.step(dSpecialist, in+"/start", nil)
	w.step(dSpecialist, in+"/complete", map[string]any{"result": "Đã triển khai"})
	w.step(dSpecialist, in+"/file", nil)

	// A certified copy of the issued document, kept in a record of the province.
	arch, err := actorOf(ctx, b, "luutru.tinh")
	must(t, err)
	rec, err := b.eng.OpenRecord(ctx, arch, 2026, engine.RecordSpec{Code: "05.CV", Title: "Hồ sơ công văn", Retention: engine.Retention{Years: 10}, OwnerID: arch.UserID})
	must(t, err)
	must(t, b.eng.FileDocument(ctx, arch, rec.ID, id))
	w.post(archivist, doc+"/certified-copies", map[string]any{"pin": pin}, nil, http.StatusCreated)
	w.step(clerk, doc+"/recall", map[string]any{"reason": "Ban hành nhầm đối tượng"})

	// A second draft sent back; a scanned incoming document returned to its sender.
	r = w.upload(specialist, "/api/v1/outgoing", map[string]any{"subject": subject + " (lần 2)"}, draftPDF(t, subject+" (lần 2)"), http.StatusCreated)
	second := "/api/v1/documents/" + r.json["document"].(map[string]any)["id"].(string)
	w.step(specialist, second+"/submit", map[string]any{})
	w.step(leader, second+"/send-back", map[string]any{"reason": "Bổ sung căn cứ"})
	r = w.upload(clerk, "/api/v1/incoming", map[string]any{"subject": "Về mùa khô", "sender_name": "Sở Nông nghiệp"}, draftPDF(t, "Về mùa khô"), http.StatusCreated)
	w.step(clerk, "/api/v1/documents/"+r.json["document"].(map[string]any)["id"].(string)+"/reject", map[string]any{"reason": "Gửi nhầm nơi nhận"})

	t.Run("EveryIdempotentRouteIsWalked", func(t *testing.T) {
		for _, rt := range b.srv.routes() {
			if !rt.Idempotent {
				continue
			}
			if !slices.ContainsFunc(w.walked, func(p string) bool { return routeMatches(rt.Path, p) }) {
				t.Errorf("%s %s takes an Idempotency-Key but no step of this test walks it", rt.Method, rt.Path)
			}
		}
	})

	t.Run("RestartedServerReplaysEveryStep", func(t *testing.T) {
		again := b.restart(t, func(d *Deps) { d.Signer = kr })
		for _, s := range w.done {
			c := again.as(t, s.user)
			r := c.send(t, s.request(t, again.http.URL), nil)
			if r.status != s.first.status || string(r.body) != string(s.first.body) {
				t.Errorf("%s after a restart answered %d %s, first answer %d %s", s.path, r.status, r.body, s.first.status, s.first.body)
			}
		}
	})
}

// walker runs steps with a kill before the commit, a retry, and a replay.
type walker struct {
	t      *testing.T
	b      *testBundle
	db     *sql.DB
	n      atomic.Int64
	armed  atomic.Bool  // the next write transaction with audit events fails
	writes atomic.Int32 // write transactions with audit events since the last reset
	// requestID is the step's engine request id; answered says whether its transaction
	// held its answer when it committed.
	requestID atomic.Value
	answered  atomic.Bool
	walked    []string
	done      []walkedStep
}

// walkedStep is a request done, for its replay after a restart.
type walkedStep struct {
	user, path string
	request    func(t *testing.T, base string) *http.Request
	first      response
}

func (w *walker) hook(ctx context.Context, tx *sqlstore.TxView) error {
	if len(tx.Events) == 0 {
		return nil
	}
	w.writes.Add(1)
	if w.armed.CompareAndSwap(true, false) {
		return errors.New("killed between the blob writes and the commit")
	}
	if id, _ := w.requestID.Load().(string); id != "" {
		if _, err := tx.Queries.RequestReplyGet(ctx, id); err == nil {
			w.answered.Store(true)
		}
	}
	return nil
}

// step posts a document transition with the document's current ETag.
func (w *walker) step(c *client, path string, body any) response {
	w.t.Helper()
	docPath := path[:strings.LastIndex(path, "/")]
	etag := c.do(w.t, "GET", docPath, nil, nil).header.Get("ETag")
	return w.post(c, path, body, map[string]string{"If-Match": etag}, http.StatusOK)
}

func (w *walker) post(c *client, path string, body any, headers map[string]string, want int) response {
	w.t.Helper()
	return w.run(c, path, want, func(t *testing.T, base string) *http.Request {
		req := jsonRequest(t, base+path, body)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return req
	})
}

func (w *walker) upload(c *client, path string, meta any, pdf []byte, want int) response {
	w.t.Helper()
	var etag string
	if strings.HasSuffix(path, "/versions") {
		etag = c.do(w.t, "GET", strings.TrimSuffix(path, "/versions"), nil, nil).header.Get("ETag")
	}
	return w.run(c, path, want, func(t *testing.T, base string) *http.Request {
		req := multipartRequest(t, base+path, meta, "tep.pdf", pdf)
		if etag != "" {
			req.Header.Set("If-Match", etag)
		}
		return req
	})
}

// run does one step three times with the same Idempotency-Key: killed before the commit,
// retried, replayed.
func (w *walker) run(c *client, path string, want int, request func(t *testing.T, base string) *http.Request) response {
	t := w.t
	t.Helper()
	key := fmt.Sprintf("walk-%d", w.n.Add(1))
	send := func() response {
		req := request(t, c.b.http.URL)
		req.Header.Set("Idempotency-Key", key)
		return c.send(t, req, nil)
	}

	before := w.snapshot()
	w.armed.Store(true)
	killed := send()
	if w.armed.Swap(false) {
		t.Fatalf("%s wrote nothing before answering %d %s", path, killed.status, killed.body)
	}
	if killed.status >= 200 && killed.status < 300 {
		t.Fatalf("%s answered %d although its transaction never committed: %s", path, killed.status, killed.body)
	}
	if after := w.snapshot(); after != before {
		t.Fatalf("%s killed before its commit left a trace:\nbefore %s\nafter  %s", path, before, after)
	}

	w.writes.Store(0)
	w.answered.Store(false)
	w.requestID.Store("api:" + c.user.ID + ":" + key)
	first := send()
	w.requestID.Store("")
	if first.status != want {
		t.Fatalf("%s retried after the kill answered %d %s, want %d", path, first.status, first.body, want)
	}
	if n := w.writes.Load(); n != 1 {
		t.Fatalf("%s took %d write transactions, want one unit", path, n)
	}
	// A kill right after the commit must not lose the answer the retry will get.
	if !w.answered.Load() {
		t.Fatalf("%s committed without its answer: a kill after the commit would lose it", path)
	}
	sameAnswer(t, first, send())

	w.walked = append(w.walked, path)
	w.done = append(w.done, walkedStep{user: c.user.Username, path: path, first: first, request: func(t *testing.T, base string) *http.Request {
		req := request(t, base)
		req.Header.Set("Idempotency-Key", key)
		return req
	}})
	return first
}

// snapshot is what a user could see of the database: the rows of everything a step
// writes, and how far every register has numbered.
func (w *walker) snapshot() string {
	w.t.Helper()
	var out []string
	for _, table := range []string{"document", "document_file", "delivery", "assignment", "assignment_note", "document_copy",
		"review_step", "record_document", "audit_event", "request_log", "request_reply", "notification"} {
		var n int
		if err := w.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			w.t.Fatalf("count %s: %v", table, err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	var numbers, versions sql.NullInt64
	must(w.t, w.db.QueryRow("SELECT sum(last_number) FROM register_counter").Scan(&numbers))
	must(w.t, w.db.QueryRow("SELECT sum(version) FROM document").Scan(&versions))
	return strings.Join(append(out, fmt.Sprintf("numbers=%d versions=%d", numbers.Int64, versions.Int64)), " ")
}

// routeMatches reports whether a request path matches a route pattern with {wildcards}.
func routeMatches(pattern, path string) bool {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(qs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], "{") && ps[i] != qs[i] {
			return false
		}
	}
	return true
}

// actorOf is the actor of a demo user in their first membership.
func actorOf(ctx context.Context, b *testBundle, username string) (engine.Actor, error) {
	u, err := b.store.UserGetByUsername(ctx, username)
	if err != nil {
		return engine.Actor{}, err
	}
	ms, err := b.store.MembershipListByUser(ctx, u.ID)
	if err != nil || len(ms) == 0 {
		return engine.Actor{}, fmt.Errorf("memberships of %s: %v", username, err)
	}
	return engine.Actor{UserID: u.ID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}, nil
}

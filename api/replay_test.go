package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/sqlstore"
	"github.com/vanthu/vanthu/storage/testenv"
)

// faultyBlobs is a blob store whose Put fails while fail says so, with the error a full
// disk gives.
type faultyBlobs struct {
	blob.Store
	fail func(opts blob.PutOptions) bool
}

func (f faultyBlobs) Put(ctx context.Context, r io.Reader, opts blob.PutOptions) (blob.Object, error) {
	if f.fail(opts) {
		return blob.Object{}, fmt.Errorf("write /var/lib/vanthu/blobs/.tmp/put-1: %w", syscall.ENOSPC)
	}
	return f.Store.Put(ctx, r, opts)
}

// restart is another server over the same database (a restart, or another node), with
// deps changed by change.
func (b *testBundle) restart(t *testing.T, change func(d *Deps)) *testBundle {
	t.Helper()
	deps := b.srv.deps
	deps.Signer = nil
	if change != nil {
		change(&deps)
	}
	srv := New(deps)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testBundle{srv: srv, http: hs, store: b.store, eng: b.eng, logins: map[string]*client{}}
}

// sameAnswer fails unless two answers have the same status, body and the headers a replay
// repeats.
func sameAnswer(t *testing.T, first, again response) {
	t.Helper()
	if again.status != first.status || !bytes.Equal(again.body, first.body) {
		t.Fatalf("replay answered %d %s,\nfirst answer was %d %s", again.status, again.body, first.status, first.body)
	}
	for _, h := range replyHeaders {
		if again.header.Get(h) != first.header.Get(h) {
			t.Fatalf("replay %s = %q, first answer %q", h, again.header.Get(h), first.header.Get(h))
		}
	}
}

func draftPDF(t *testing.T, subject string) []byte {
	t.Helper()
	pdf, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "CV-UBND",
		Place: "Hòa Bình", Type: "Công văn", Summary: subject, Body: docpdf.Text("Nội dung."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Bùi Văn Khánh"}, Recipients: []string{"Lưu: VT"}})
	must(t, err)
	return pdf
}

// draftsWithSubject counts the drafts the specialist sees with a subject.
func draftsWithSubject(t *testing.T, c *client, subject string) []map[string]any {
	t.Helper()
	r := c.do(t, "GET", "/api/v1/documents?view=outgoing&limit=200", nil, nil)
	mustStatus(t, r, http.StatusOK)
	var out []map[string]any
	for _, it := range r.json["items"].([]any) {
		if d := it.(map[string]any); d["subject"] == subject {
			out = append(out, d)
		}
	}
	return out
}

// TestDraftIsOneUnit creates drafts with a PDF while the process "dies" between the blob
// write and the commit, and after the commit: a draft is visible only with its file, and a
// retry with the same key gives the complete draft or the first answer.
func TestDraftIsOneUnit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	specialist := b.as(t, "chuyenvien.tinh")
	var crash atomic.Bool
	var answerInTx atomic.Int32 // drafts whose transaction held their answer when it committed
	// A failing hook rolls the transaction back after the PDF is stored and the rows are
	// written: what a kill -9 before the commit leaves.
	b.store.AddTxHook(func(ctx context.Context, tx *sqlstore.TxView) error {
		for _, e := range tx.Events {
			if e.Action != string(engine.ActionCreateDraft) {
				continue
			}
			if crash.Load() {
				return errors.New("killed before the commit")
			}
			if _, err := tx.Queries.RequestReplyGet(ctx, "api:"+specialist.user.ID+":draft-2"); err == nil {
				answerInTx.Add(1)
			}
		}
		return nil
	})

	t.Run("CrashBeforeCommitLeavesNothingAndRetryCompletes", func(t *testing.T) {
		const subject = "Về kế hoạch trồng rừng (lần 1)"
		pdf := draftPDF(t, subject)
		key := map[string]string{"Idempotency-Key": "draft-crash-1"}
		crash.Store(true)
		r := specialist.upload(t, "/api/v1/outgoing", map[string]any{"subject": subject}, "du-thao.pdf", pdf, key)
		crash.Store(false)
		if r.status < 500 {
			t.Fatalf("the failed attempt answered %d %s", r.status, r.body)
		}
		if got := draftsWithSubject(t, specialist, subject); len(got) != 0 {
			t.Fatalf("a draft that never committed is visible: %v", got)
		}
		r = specialist.upload(t, "/api/v1/outgoing", map[string]any{"subject": subject}, "du-thao.pdf", pdf, key)
		mustStatus(t, r, http.StatusCreated)
		id := r.json["document"].(map[string]any)["id"].(string)
		files := specialist.do(t, "GET", "/api/v1/documents/"+id+"/files", nil, nil)
		mustStatus(t, files, http.StatusOK)
		var list []fileJSON
		must(t, json.Unmarshal(files.body, &list))
		if len(list) != 1 || list[0].Kind != "draft" || list[0].SHA256 != r.json["file"].(map[string]any)["sha256"] {
			t.Fatalf("files of the retried draft: %s (answer %s)", files.body, r.body)
		}
		if got := draftsWithSubject(t, specialist, subject); len(got) != 1 {
			t.Fatalf("%d drafts after the retry, want 1", len(got))
		}
	})

	t.Run("RetryAfterCommitGetsFirstAnswer", func(t *testing.T) {
		const subject = "Về kế hoạch trồng rừng (lần 2)"
		pdf := draftPDF(t, subject)
		key := map[string]string{"Idempotency-Key": "draft-2"}
		first := specialist.upload(t, "/api/v1/outgoing", map[string]any{"subject": subject}, "du-thao.pdf", pdf, key)
		mustStatus(t, first, http.StatusCreated)
		if answerInTx.Load() != 1 {
			t.Fatal("the answer was not kept in the draft's own transaction")
		}
		// A multipart retry is built again, with a boundary of its own.
		again := specialist.upload(t, "/api/v1/outgoing", map[string]any{"subject": subject}, "du-thao.pdf", pdf, key)
		sameAnswer(t, first, again)
		if got := draftsWithSubject(t, specialist, subject); len(got) != 1 {
			t.Fatalf("%d drafts after a replay, want 1", len(got))
		}

		other := specialist.upload(t, "/api/v1/outgoing", map[string]any{"subject": subject + " (khác)"}, "du-thao.pdf", pdf, key)
		if other.status != http.StatusConflict {
			t.Fatalf("the key reused for another draft answered %d %s, want 409", other.status, other.body)
		}

		restarted := b.restart(t, nil).as(t, "chuyenvien.tinh")
		sameAnswer(t, first, restarted.upload(t, "/api/v1/outgoing", map[string]any{"subject": subject}, "du-thao.pdf", pdf, key))
	})
}

// TestIssueAndSealRetry fails issue-and-seal when the seal cannot be stored (the disk is
// full): the document is left signed and unnumbered, the register without a gap; the
// retry with the same key and the client's original If-Match numbers and seals it, and
// later retries — on a restarted server too — get its answer. Signing with a PIN replays
// the same way.
func TestIssueAndSealRetry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const pin = "123456"
	var diskFull atomic.Bool
	blobs := faultyBlobs{Store: b.srv.deps.Blobs, fail: func(blob.PutOptions) bool { return diskFull.Load() }}
	kr, _ := demoKeyring(t, b, pin, false, keyring.Config{Blobs: blobs})
	node := b.restart(t, func(d *Deps) { d.Blobs, d.Signer = blobs, kr })

	specialist, leader, clerk := node.as(t, "chuyenvien.tinh"), node.as(t, "lanhdao.tinh"), node.as(t, "vanthu.tinh")
	const subject = "Về phòng chống cháy rừng"
	r := specialist.upload(t, "/api/v1/outgoing", map[string]any{"subject": subject}, "du-thao.pdf", draftPDF(t, subject), nil)
	mustStatus(t, r, http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)
	mustStatus(t, specialist.step(t, id, "submit", map[string]any{}), http.StatusOK)
	mustStatus(t, leader.step(t, id, "approve", nil), http.StatusOK)

	signKey := map[string]string{"Idempotency-Key": "sign-1", "If-Match": leader.etagOf(t, id)}
	signed := leader.do(t, "POST", "/api/v1/documents/"+id+"/sign", map[string]any{"pin": pin}, signKey)
	mustStatus(t, signed, http.StatusOK)
	sameAnswer(t, signed, leader.do(t, "POST", "/api/v1/documents/"+id+"/sign", map[string]any{"pin": pin}, signKey))

	issueKey := map[string]string{"Idempotency-Key": "issue-1", "If-Match": clerk.etagOf(t, id)}
	diskFull.Store(true)
	failed := clerk.do(t, "POST", "/api/v1/documents/"+id+"/issue", map[string]any{"pin": pin}, issueKey)
	diskFull.Store(false)
	if failed.status != http.StatusServiceUnavailable || failed.header.Get("Retry-After") == "" {
		t.Fatalf("the seal on a full disk answered %d %s, want 503 with Retry-After", failed.status, failed.body)
	}
	untouched, err := b.store.DocumentGetByID(ctx, id)
	must(t, err)
	if untouched.State != engine.StateSigned || untouched.Number != 0 {
		t.Fatalf("the failed attempt left the document %s with number %d; want it signed and unnumbered", untouched.State, untouched.Number)
	}

	issued := clerk.do(t, "POST", "/api/v1/documents/"+id+"/issue", map[string]any{"pin": pin}, issueKey)
	mustStatus(t, issued, http.StatusOK)
	if issued.json["state"] != string(engine.StateAgencySigned) || issued.json["number"] != float64(1) {
		t.Fatalf("the retry answered %s; want agency_signed with number 1 (no gap)", issued.body)
	}
	sameAnswer(t, issued, clerk.do(t, "POST", "/api/v1/documents/"+id+"/issue", map[string]any{"pin": pin}, issueKey))
	again := b.restart(t, nil).as(t, "vanthu.tinh")
	sameAnswer(t, issued, again.do(t, "POST", "/api/v1/documents/"+id+"/issue", map[string]any{"pin": pin}, issueKey))

	files, err := b.store.FileListByDocument(ctx, id)
	must(t, err)
	seals := 0
	for _, f := range files {
		if f.Kind == "signed" {
			seals++
		}
	}
	if seals != 2 {
		t.Fatalf("%d signed files, want the leader's and the agency's", seals)
	}
}

// TestOutagesAnswer503 checks that an unavailable blob store answers 503 with Retry-After,
// never 500, and that readiness says so.
func TestOutagesAnswer503(t *testing.T) {
	t.Parallel()
	b := setup(t)

	t.Run("DiskFull", func(t *testing.T) {
		full := b.restart(t, func(d *Deps) {
			d.Blobs = faultyBlobs{Store: d.Blobs, fail: func(blob.PutOptions) bool { return true }}
		})
		r := full.as(t, "chuyenvien.tinh").upload(t, "/api/v1/outgoing", map[string]any{"subject": "Đĩa đầy"},
			"du-thao.pdf", draftPDF(t, "Đĩa đầy"), map[string]string{"Idempotency-Key": "full-1"})
		mustUnavailable(t, r)
		mustNotReady(t, full.as(t, "").do(t, "GET", "/readyz", nil, nil))
	})

	t.Run("S3Unreachable", func(t *testing.T) {
		s3, err := blob.NewS3(blob.S3Config{Endpoint: closedPort(t), Bucket: "vanthu", AccessKey: "k", SecretKey: "secret-key"})
		must(t, err)
		down := b.restart(t, func(d *Deps) { d.Blobs = s3 })
		r := down.as(t, "vanthu.tinh").upload(t, "/api/v1/incoming", map[string]any{"subject": "S3 ngừng", "sender_name": "Sở Tài chính"},
			"scan.pdf", draftPDF(t, "S3 ngừng"), nil)
		mustUnavailable(t, r)
		mustNotReady(t, down.as(t, "").do(t, "GET", "/readyz", nil, nil))
	})

	t.Run("HealthyIsReady", func(t *testing.T) {
		mustStatus(t, b.as(t, "").do(t, "GET", "/readyz", nil, nil), http.StatusOK)
	})
}

func mustUnavailable(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Fatalf("answered %d (Retry-After %q) %s, want 503 with Retry-After", r.status, r.header.Get("Retry-After"), r.body)
	}
}

func mustNotReady(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable || r.json["blobs"] != "unavailable" {
		t.Fatalf("readyz answered %d %s, want 503 with the blob store unavailable", r.status, r.body)
	}
}

// closedPort is an address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	hs := httptest.NewServer(http.NotFoundHandler())
	addr := hs.Listener.Addr().String()
	hs.Close()
	return addr
}

// TestDatabaseDownAnswers503 cuts the connection to PostgreSQL under a running server:
// requests answer 503 with Retry-After, never 500, and readiness says so.
func TestDatabaseDownAnswers503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	proxy, url := testenv.PostgresURLVia(t, testenv.PostgresURL(t))
	store, err := postgres.Open(ctx, url)
	must(t, err)
	t.Cleanup(func() { store.Close() })
	_, err = store.Migrate(ctx)
	must(t, err)
	_, err = seed.Demo(ctx, store, demoPassword)
	must(t, err)
	cheapLogins(t, store)
	blobs, err := blob.NewFS(t.TempDir())
	must(t, err)
	eng := newEngine(store)
	srv := New(Deps{Engine: eng, Store: store, Blobs: blobs, Logger: slog.New(slog.DiscardHandler), Version: "test"})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	b := &testBundle{srv: srv, http: hs, store: store, eng: eng, logins: map[string]*client{}}
	specialist := b.as(t, "chuyenvien.tinh")
	mustStatus(t, specialist.do(t, "GET", "/api/v1/documents?view=outgoing", nil, nil), http.StatusOK)

	proxy.Cut()
	mustUnavailable(t, specialist.upload(t, "/api/v1/outgoing", map[string]any{"subject": "CSDL ngừng"}, "du-thao.pdf",
		draftPDF(t, "CSDL ngừng"), map[string]string{"Idempotency-Key": "db-down-1"}))
	mustUnavailable(t, specialist.do(t, "GET", "/api/v1/documents?view=outgoing", nil, nil))
	ready := b.as(t, "").do(t, "GET", "/readyz", nil, nil)
	if ready.status != http.StatusServiceUnavailable || ready.json["database"] != "unavailable" {
		t.Fatalf("readyz answered %d %s, want 503 with the database unavailable", ready.status, ready.body)
	}
}

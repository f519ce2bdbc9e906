package web_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/api"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
)

const demoPassword = "mat-khau-demo-2026"

// chromium finds the browser; under CI its absence fails the test instead of skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is required in CI (apt-get install chromium)")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// demoServer serves the real HTTP stack (api.New: sessions, CSRF, live counts, the pages) over a
// freshly seeded demo province, with demo keys for the people and agencies of the walk.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	return newDemo(t).srv
}

// demo is the demo server with the engine, store and keys a walk prepares its data with.
type demo struct {
	srv     *httptest.Server
	eng     *engine.Engine
	store   engine.Store
	keyring *keyring.Keyring
	blobs   blob.Store
}

func newDemo(t *testing.T) demo {
	t.Helper()
	ctx := context.Background()
	store := dbtest.DemoSQLite(t, demoPassword)
	// Two ministries in the exchange axis's directory, as a synchronisation leaves them.
	for _, a := range []engine.AxisAgency{{Code: "000.00.00.G12", Name: "Bộ Tài chính"}, {Code: "000.00.00.G06", Name: "Bộ Nội vụ"}} {
		a.SyncedAt = time.Now().UTC()
		if err := store.AxisAgencyUpsert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng := engine.New(store)
	kr := keyring.New(keyring.Config{Engine: eng, Store: store, Blobs: blobs, Location: "Hòa Bình", Logger: logger})
	// The demo CA answers OCSP and CRL requests on loopback, and the server trusts its
	// root: the signatures panel checks the walk's signatures as /verify would.
	var caHandler http.Handler = http.NotFoundHandler()
	pkiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { caHandler.ServeHTTP(w, r) }))
	t.Cleanup(pkiSrv.Close)
	ca, err := pkidemo.New(filepath.Join(t.TempDir(), "ca"), pkidemo.WithBaseURL(pkiSrv.URL))
	if err != nil {
		t.Fatal(err)
	}
	caHandler = ca.Handler()
	roots := x509.NewCertPool()
	roots.AddCert(ca.Root())
	for _, name := range []string{"lanhdao.tinh"} {
		u, err := store.UserGetByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kr.IssueDemoPerson(ctx, ca, u, demoPassword, nil); err != nil {
			t.Fatal(err)
		}
	}
	province, err := store.AgencyGetByCode(ctx, seed.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kr.IssueDemoAgency(ctx, ca, province, demoPassword, nil); err != nil {
		t.Fatal(err)
	}

	server := api.New(api.Deps{Engine: eng, Store: store, Blobs: blobs, Logger: logger, Version: "test", Signer: kr,
		TrustRoots: roots, Trust: engine.NewTrustPool(store, []*x509.Certificate{ca.Root()}), Revocation: pki.NewRevocation(&http.Client{Timeout: 10 * time.Second}, ca.Issuers()), AxisEnabled: true})
	evCtx, stop := context.WithCancel(ctx)
	server.Events().Start(evCtx)
	srv := httptest.NewServer(server)
	t.Cleanup(func() {
		srv.Close()
		stop()
		server.Events().Stop()
	})
	return demo{srv: srv, eng: eng, store: store, keyring: kr, blobs: blobs}
}

// browser is one headless chromium tab that records every console error and uncaught
// exception, and saves screenshots.
type browser struct {
	t        *testing.T
	ctx      context.Context
	base     string
	shots    string
	mu       sync.Mutex
	problems []string
	n        int
	// allowed is a console message expected in the next checks (a form refused with 422
	// is logged by the browser as a failed load).
	allowed string
}

// step is one browser action that returns nothing.
type step = chromedp.Action[chromedp.Void]

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.WindowSize(1366, 768),
		chromedp.NoSandbox, chromedp.Flag("lang", "vi-VN"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	shots := os.Getenv("VANTHU_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, ctx: ctx, base: base, shots: shots}
	// The first run starts the browser; the console is read from then on.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
				b.mu.Unlock()
			}
		}
	}()
	t.Logf("screenshots in %s", shots)
	return b
}

// run performs the steps and fails the test on an error or on anything the console reported.
func (b *browser) run(name string, steps ...step) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.screenshot("failed-" + name)
		b.t.Fatalf("%s: %v", name, err)
	}
	b.checkConsole(name)
}

func (b *browser) checkConsole(name string) {
	b.t.Helper()
	time.Sleep(50 * time.Millisecond) // let the console events of the last step arrive
	b.mu.Lock()
	var problems []string
	for _, p := range b.problems {
		if b.allowed == "" || !strings.Contains(p, b.allowed) {
			problems = append(problems, p)
		}
	}
	b.problems = nil
	b.mu.Unlock()
	if len(problems) > 0 {
		b.screenshot("console-" + name)
		b.t.Fatalf("%s: the browser reported errors:\n%s", name, strings.Join(problems, "\n"))
	}
}

// screenshot saves the visible 1366×768 viewport as a numbered PNG.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.n++
	path := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// open goes to a page and waits until it is loaded.
func (b *browser) open(path string) step {
	return chromedp.Steps(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// evaluate runs JavaScript whose value does not matter.
func evaluate(expr string) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](expr)(ctx, t)
		return err
	})
}

// poll waits until the expression is true.
func poll(expr string) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(60*time.Second))(ctx, t)
		return err
	})
}

// clickWhen waits until the element expr evaluates to exists and clicks it within the
// same evaluation: a list that re-renders as its searches answer (pickAsYouType) may
// replace a node between finding it and clicking it, which a CSS click trips over.
func clickWhen(expr string) step {
	return poll(`(() => { const e = (` + expr + `); if (!e) { return false; } e.click(); return true; })()`)
}

// submit clicks a button that posts a form, waits for the next page to load and fails
// unless it loaded without an error status.
func (b *browser) submit(sel string) step {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			return err
		}
		if resp.Status >= 400 {
			return fmt.Errorf("%s answered %d %s", resp.URL, resp.Status, resp.StatusText)
		}
		return nil
	})
}

func (b *browser) login(user string) {
	b.t.Helper()
	b.run("login "+user,
		b.open("/login"),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword),
		b.submit(`button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("nav.menu")))
}

func (b *browser) logout() {
	b.t.Helper()
	b.run("logout", b.submit(`form[action="/logout"] button`), chromedp.WaitVisible(chromedp.ID("username")))
}

// location is the path of the current page, without its query.
func (b *browser) location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(strings.Split(u, "?")[0], b.base)
}

// expectText fails unless the element's text contains want.
func (b *browser) expectText(name, sel, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil || !strings.Contains(got, want) {
		b.screenshot("unexpected-" + name)
		b.t.Fatalf("%s: %s says %q (%v), want %q", name, sel, got, err, want)
	}
	b.checkConsole(name)
}

// waitPreview waits until pdf.js has drawn the document (or said it could not).
func (b *browser) waitPreview(name string) {
	b.t.Helper()
	b.run(name, poll(`!!document.querySelector("#pdf-viewer") && !!document.querySelector("#pdf-viewer").dataset.rendered`))
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#pdf-viewer").dataset.rendered`))
	if err != nil || got == "failed" {
		b.screenshot("preview-" + name)
		b.t.Fatalf("%s: the PDF preview did not render (%q, %v)", name, got, err)
	}
}

func writePDF(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserWalksAWorkingDay drives chromium through a day of the demo province: the
// province's clerk receives a scanned letter and presents it, the chairman directs it to a
// unit with a deadline, the specialist reports and completes it; a draft goes from the
// specialist to the chairman, who approves and signs it with his PIN; the clerk numbers,
// seals and dispatches it to Mai Châu district, whose clerk registers it; the province's
// clerk sees that. It fails on any console error or uncaught exception.
func TestBrowserWalksAWorkingDay(t *testing.T) {
	t.Parallel()
	chromium(t)
	srv := demoServer(t)
	b := newBrowser(t, srv.URL)

	scan, _, err := docpdf.Render(docpdf.Document{Agency: "BỘ NỘI VỤ", Notation: "BNV-CCVC", Place: "Hà Nội",
		Summary: "V/v báo cáo số lượng, chất lượng cán bộ, công chức năm 2026",
		Body:    docpdf.Text("Bộ Nội vụ đề nghị Ủy ban nhân dân tỉnh Hòa Bình báo cáo số lượng, chất lượng cán bộ, công chức trước ngày 15."),
		Signer:  docpdf.Signer{Authority: []string{"KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"}, Name: "Trần Văn Bình"}})
	if err != nil {
		t.Fatal(err)
	}
	scanPath := writePDF(t, "cong-van-bnv.pdf", scan)
	const letter = "Về việc báo cáo số lượng, chất lượng cán bộ, công chức năm 2026"

	// Morning: the province's clerk receives the scan, registers and presents it.
	b.login("vanthu.tinh")
	b.screenshot("clerk-inbox")
	b.run("receive form", b.open("/incoming/new"),
		chromedp.SendKeys(chromedp.ID("sender"), "Bộ Nội vụ"),
		chromedp.SendKeys(chromedp.ID("sender_notation"), "1250/BNV-CCVC"),
		chromedp.SendKeys(chromedp.ID("subject"), letter),
		chromedp.SetValue(chromedp.ID("urgency"), "khan"),
		chromedp.SetValue(chromedp.ID("document_date"), time.Now().AddDate(0, 0, -2).Format("2006-01-02")),
		chromedp.SendKeys(chromedp.ID("signer_name"), "Trần Văn Bình"),
		chromedp.SendKeys(chromedp.ID("page_count"), "2"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{scanPath}))
	b.screenshot("clerk-receive-form")
	b.run("receive", b.submit("#do-receive"))
	b.expectText("registered", "#incoming-number", "1")
	b.expectText("signer kept", "#signer-name", "Trần Văn Bình")
	b.expectText("banner", "p.flash", "Đã vào sổ")
	receivedURL := b.location()
	// Back and Forward as a person would (the pages may come from the browser's memory):
	// the form's button works again, and the banner does not come back.
	b.run("back to the form", evaluate(`setTimeout(() => history.back(), 0)`), chromedp.Sleep(time.Second),
		poll(`!!document.getElementById("do-receive")`))
	b.expectEnabled("receive button after Back", "#do-receive")
	// Forward may bring the page back from the browser's memory, where chromedp cannot
	// follow it: the screenshot shows it; opening it again must not show the banner.
	b.run("forward again", evaluate(`setTimeout(() => history.forward(), 0)`), chromedp.Sleep(1500*time.Millisecond))
	b.screenshot("clerk-forward-without-banner")
	b.run("registered letter again", b.open(receivedURL), chromedp.WaitVisible(chromedp.ID("incoming-number")))
	b.expectNo("no stale banner", "p.flash")
	b.waitPreview("scan preview")
	b.screenshot("clerk-registered")
	letterURL := b.location()
	b.phone("clerk-inbox", "/", "table.list")
	b.run("the letter again", b.open(letterURL), chromedp.WaitVisible(chromedp.ID("do-present")))
	b.run("present", b.submit("#do-present"))
	b.expectText("presented", "#doc-state", "Chờ chỉ đạo")
	b.run("register", b.open("/incoming"))
	b.expectText("register lists it", "table.list", letter)
	b.screenshot("clerk-incoming-register")
	b.logout()

	// The chairman directs it to Khối Nội chính with Khối Văn hóa – Xã hội co-operating.
	b.login("lanhdao.tinh")
	b.expectText("leader inbox", "table.list", letter)
	b.screenshot("leader-inbox")
	b.run("open letter", b.open(letterURL))
	b.waitPreview("leader preview")
	const direction = "Khối Nội chính chủ trì, tổng hợp báo cáo."
	deadline := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	// Both a date and working days (set without the page's own events, as a script or an
	// old browser would): refused on the form itself, with what was typed kept.
	b.run("direct form",
		chromedp.Click(chromedp.CSS(`input[name=lead][data-short="NC"]`)),
		chromedp.Click(chromedp.CSS(`input[name=cooperate][aria-label$="Khối Văn hóa – Xã hội"]`)),
		chromedp.SetValue(chromedp.ID("direct-text"), direction),
		chromedp.SetValue(chromedp.ID("direct-deadline"), deadline),
		evaluate(`document.getElementById("direct-days").value = "5"`))
	b.allowed = "status of 422"
	b.run("direct with both deadlines", b.submitRefused("#do-direct", 422))
	b.expectText("inline error", "#direct-form #form-error", "Chỉ nhập một trong hai")
	b.allowed = ""
	b.expectValue("direction kept", "#direct-text", direction)
	b.expectValue("deadline kept", "#direct-deadline", deadline)
	b.screenshot("leader-direct-error")
	// Typing the date empties the working days, as a person filling the form would see.
	b.run("date only", evaluate(`(d => { d.value = "`+deadline+`"; d.dispatchEvent(new Event("input", {bubbles: true})) })(document.getElementById("direct-deadline"))`))
	b.expectValue("days emptied", "#direct-days", "")
	// The specialist of Khối Nội chính by name, co-operating: picked from the unit's people.
	specialist, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(s => {
		const o = [...s.querySelectorAll("optgroup[label='Khối Nội chính'] option")].find(o => o.text.endsWith("— Chuyên viên"));
		s.value = o.value; return o.text.split(" — ")[0] })(document.querySelector("#direct-people select[name=person]"))`))
	if err != nil || specialist == "" {
		t.Fatalf("the direction form offers no specialist of Khối Nội chính: %q %v", specialist, err)
	}
	b.screenshot("leader-direct")
	b.run("direct", b.submit("#do-direct"))
	b.expectText("directed", "#doc-state", "Đã chuyển xử lý")
	b.expectText("holders", "#holders", "Khối Nội chính")
	b.expectText("named holder", "#holders", specialist+" (Phối hợp)")
	b.logout()

	// The head of Khối Nội chính hands the unit's part to the specialist, with a deadline.
	b.login("truongphong.tinh")
	b.run("unit head opens", b.open(letterURL), chromedp.WaitVisible(chromedp.CSS(".assign-form")),
		evaluate(`(s => { s.value = [...s.options].find(o => o.text.startsWith(`+"`"+specialist+" — `"+`)).value })(document.querySelector(".assign-form select[name=user]"))`),
		chromedp.SetValue(chromedp.CSS(`.assign-form input[type=date]`), time.Now().AddDate(0, 0, 7).Format("2006-01-02")))
	b.screenshot("unit-head-assign")
	b.run("assign", b.submit(".assign-form .do-assign"))
	b.expectText("assigned", "#holders", specialist+" (Chủ trì — Khối Nội chính)")
	b.logout()

	// The specialist sees both parts in the tasks, and asks for more time on the unit's.
	b.login("chuyenvien.tinh")
	b.run("tasks", b.open("/tasks"))
	b.expectText("task listed", "table.list", letter)
	b.expectText("named task listed", "table.list", "Phối hợp")
	b.expectText("task on track", "table.list", "Trong hạn")
	b.screenshot("specialist-tasks")
	extendTo := time.Now().AddDate(0, 0, 21)
	b.run("extension form", b.open(letterURL),
		evaluate(`(s => { s.value = [...s.options].find(o => o.text.startsWith("Chủ trì — `+specialist+`")).value })(document.getElementById("extend-assignment"))`),
		chromedp.SetValue(chromedp.ID("extend-until"), extendTo.Format("2006-01-02")),
		chromedp.SendKeys(chromedp.ID("extend-reason"), "Chờ số liệu của các huyện."))
	b.run("request extension", b.submit("#do-extend"))
	b.expectText("extension asked", "ul.assignments", "Xin gia hạn "+extendTo.Format("02/01/2006"))
	b.logout()

	// The unit head grants it; the specialist's deadline moves.
	b.login("truongphong.tinh")
	b.run("decision", b.open(letterURL), chromedp.WaitVisible(chromedp.CSS(".decide-form")),
		chromedp.SendKeys(chromedp.CSS(".decide-form .decide-comment"), "Đồng ý, báo cáo đúng hạn mới."))
	b.screenshot("unit-head-extension")
	b.run("grant", b.submit(".decide-form .do-grant"))
	b.expectText("granted", "ul.assignments", "Đồng ý gia hạn "+extendTo.Format("02/01/2006"))
	b.expectNo("nothing left to decide", ".decide-form")
	b.logout()

	// The specialist reports and completes.
	b.login("chuyenvien.tinh")
	b.run("open task", b.open(letterURL), chromedp.SendKeys(chromedp.ID("progress-text"), "Đã tổng hợp số liệu của các sở."))
	b.run("progress", b.submit("#do-progress"))
	b.expectText("progress shown", "ul.assignments", "Đã tổng hợp số liệu")
	b.run("result", chromedp.SendKeys(chromedp.ID("result"), "Đã gửi báo cáo."), b.submit("#do-complete"))
	b.expectText("completed", "#doc-state", "Hoàn thành")
	b.expectInOrder("history", "#history", "Hoàn thành xử lý", "Đã gửi báo cáo.", "Báo cáo tiến độ", "Đã tổng hợp số liệu",
		"Chỉ đạo, chuyển xử lý", direction, "Trình lãnh đạo", "Vào sổ, cấp số đến", "Tiếp nhận văn bản")
	b.expectText("history names the chairman", "#history", "Nguyễn Văn Chiến — Lãnh đạo, Ủy ban nhân dân tỉnh Hòa Bình")
	b.run("history in view", chromedp.ScrollIntoView(chromedp.ID("history")))
	b.screenshot("specialist-history")

	// Afternoon: the specialist writes the reply from the Công văn template and submits it.
	const reply = "Báo cáo số lượng, chất lượng cán bộ, công chức năm 2026"
	b.draftFromTemplate(reply)
	b.expectText("draft", "#doc-state", "Dự thảo")
	replyURL := b.location()
	b.run("submit draft", b.submit("#do-submit"))
	b.expectText("submitted", "#doc-state", "Chờ duyệt")
	b.screenshot("specialist-draft-submitted")
	b.logout()

	// The chairman approves, sees where his signature and the seal will go, signs with his PIN.
	b.login("lanhdao.tinh")
	b.run("open draft", b.open(replyURL), b.submit("#do-approve"))
	b.expectText("approved", "#doc-state", "Chờ ký")
	b.waitPreview("signing preview")
	b.run("overlays", chromedp.WaitVisible(chromedp.CSS(".overlay-signature")), chromedp.WaitVisible(chromedp.CSS(".overlay-seal")),
		chromedp.ScrollIntoView(chromedp.CSS(".overlay-signature")))
	b.screenshot("leader-signing-preview")
	b.phone("leader-signing", replyURL, "#do-sign")
	b.run("sign", chromedp.SendKeys(chromedp.ID("pin"), demoPassword), b.submit("#do-sign"))
	b.expectText("signed", "#doc-state", "Đã ký")
	b.run("dashboard", b.open("/dashboard"))
	b.screenshot("leader-dashboard")
	b.logout()

	// The clerk numbers and seals it, and dispatches it to Mai Châu district.
	b.login("vanthu.tinh")
	b.expectText("clerk inbox", "table.list", reply)
	b.run("open signed", b.open(replyURL))
	b.waitPreview("seal preview")
	b.run("issue", chromedp.SendKeys(chromedp.ID("pin"), demoPassword), b.submit("#do-sign"))
	b.expectText("numbered", "#notation", "01/UBND-NC")
	b.expectText("sealed", "#doc-state", "chờ phát hành")
	b.expectText("signatures valid", "#signatures", "Hợp lệ")
	b.expectText("signer's organisation", "#signatures", "Ủy ban nhân dân tỉnh Hòa Bình")
	b.run("signatures in view", chromedp.ScrollIntoView(chromedp.ID("signatures")))
	b.screenshot("clerk-signatures")
	green, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#signatures .verdict-ok").length`))
	bad, err2 := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#signatures dl.sig:not(.sig-ok)")].map(e => e.innerText).join(" | ")`))
	if err != nil || err2 != nil || green < 2 || bad != "" {
		b.screenshot("signatures-not-green")
		t.Fatalf("signatures panel: %d green (%v, %v), not valid: %s", green, err, err2, bad)
	}
	colour, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#signatures .verdict-ok")).color`))
	if colour != "rgb(46, 125, 50)" {
		t.Errorf("a valid signature's verdict is %s, want the green rgb(46, 125, 50)", colour)
	}
	// Bộ Tài chính too, over the exchange axis: found as the clerk types, without diacritics.
	b.run("axis search", chromedp.SendKeys(chromedp.ID("axis-q"), "bo tai chinh"),
		chromedp.WaitNotPresent(chromedp.CSS(`#axis-results input[value="000.00.00.G06"]`)),
		clickWhen(`document.querySelector('#axis-results input[value="000.00.00.G12"]')`))
	b.screenshot("clerk-axis-picker")
	b.run("dispatch", chromedp.Click(chromedp.CSS(`input[name=to][data-code="H23.11"]`)), b.submit("#do-dispatch"))
	b.expectText("dispatched", "#doc-state", "Đã phát hành")
	b.expectText("delivered", "#deliveries", "Đã đến")
	b.expectText("queued on the axis", "#axis-deliveries", "Bộ Tài chính")
	b.expectText("queued in words", "#axis-deliveries", "Chờ gửi")
	b.screenshot("clerk-dispatched")
	b.phone("clerk-lienthong", "/lienthong", "#axis-sent")
	b.expectText("sent over the axis", "#axis-sent", "Chờ gửi")
	b.phone("clerk-document", replyURL, "#signatures")
	b.phone("clerk-incoming-register", "/incoming", "table.list")
	b.logout()

	// Mai Châu's clerk finds it among the incoming documents and registers it.
	b.login("vanthu.maichau")
	b.run("district register", b.open("/incoming"))
	b.expectText("district sees it", "table.list", reply)
	b.screenshot("district-incoming")
	b.run("open received", chromedp.Click(chromedp.Search(`//table[contains(@class,"list")]//a[contains(., "`+reply+`")]`)),
		chromedp.WaitVisible(chromedp.ID("do-register")))
	b.waitPreview("district preview")
	b.run("district registers", b.submit("#do-register"))
	b.expectText("district number", "#incoming-number", "1")
	b.screenshot("district-registered")
	b.logout()

	// Back at the province, the clerk sees that the district registered it — in English too.
	b.login("vanthu.tinh")
	b.run("deliveries", b.open(replyURL))
	b.expectText("registered by district", "#deliveries", "Đã vào sổ")
	b.run("english", b.open(replyURL+"?lang=en"))
	b.expectText("english", "#deliveries", "Registered")
	b.screenshot("clerk-deliveries-english")
	b.run("back to vietnamese", b.open("/lang/vi?next=/incoming"))
	b.noSideScroll("register at 1366")

	// On a tablet held upright the same pages fit the screen without sideways scrolling.
	b.run("tablet", chromedp.EmulateViewport(820, 1180, chromedp.EmulateTouch), b.open(replyURL))
	b.waitPreview("tablet preview")
	b.noSideScroll("document on a tablet")
	b.screenshot("tablet-document")
	b.run("tablet register", b.open("/incoming"))
	b.noSideScroll("register on a tablet")
	b.screenshot("tablet-register")
	b.run("desktop again", chromedp.EmulateViewport(1366, 768))
	b.logout()

	// A draft without number and date blanks: the preview's toolbar, the named signer, the
	// clerk placing the number and date on the first page.
	b.viewerAndPlacement()

	// The province's administrator sees the agency tree, the people and the agency's key.
	b.login("quantri.tinh")
	b.run("admin", b.open("/admin"))
	b.expectText("agency key listed", "#keys", "Ủy ban nhân dân tỉnh Hòa Bình")
	b.screenshot("admin")
}

// noSideScroll fails when the page is wider than the window.
func (b *browser) noSideScroll(name string) {
	b.t.Helper()
	fits, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		b.screenshot("too-wide-" + name)
		b.t.Fatalf("%s: the page scrolls sideways (%v)", name, err)
	}
}

// submitRefused clicks a button that posts a form and expects the page to come back with
// the status (the form again, with why).
func (b *browser) submitRefused(sel string, status int64) step {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			return err
		}
		if resp.Status != status {
			return fmt.Errorf("%s answered %d %s, want %d", resp.URL, resp.Status, resp.StatusText, status)
		}
		return nil
	})
}

// expectValue fails unless the form field holds want.
func (b *browser) expectValue(name, sel, want string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil || got != want {
		b.screenshot("value-" + name)
		b.t.Fatalf("%s: %s holds %q (%v), want %q", name, sel, got, err, want)
	}
}

// expectEnabled fails when the button is disabled.
func (b *browser) expectEnabled(name, sel string) {
	b.t.Helper()
	disabled, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector(`+"`"+sel+"`"+`).disabled`))
	if err != nil || disabled {
		b.screenshot("disabled-" + name)
		b.t.Fatalf("%s: %s is disabled (%v)", name, sel, err)
	}
}

// expectNo fails when an element matches.
func (b *browser) expectNo(name, sel string) {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
	if err != nil || n != 0 {
		b.screenshot("unexpected-" + name)
		b.t.Fatalf("%s: %d of %s (%v), want none", name, n, sel, err)
	}
}

// expectInOrder fails unless the element's text has every piece, in this order.
func (b *browser) expectInOrder(name, sel string, pieces ...string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	at := 0
	for _, p := range pieces {
		i := strings.Index(got[at:], p)
		if i < 0 {
			b.screenshot("order-" + name)
			b.t.Fatalf("%s: %q missing or out of order in:\n%s", name, p, got)
		}
		at += i + len(p)
	}
	b.checkConsole(name)
}

// phone shows a page on a phone held upright (390 px wide), saves a screenshot, fails
// when the page scrolls sideways, and comes back to the desktop size, also saved.
func (b *browser) phone(name, path, waitFor string) {
	b.t.Helper()
	b.run(name+" at 390", chromedp.EmulateViewport(390, 844, chromedp.EmulateTouch, chromedp.EmulateMobile), b.open(path),
		chromedp.WaitVisible(chromedp.CSS(waitFor)))
	if waitFor == "#signatures" || waitFor == "#do-sign" {
		b.waitPreview(name + " preview at 390")
	}
	fits, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= 390`))
	b.screenshot(name + "-390")
	if err != nil || !fits {
		w, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		b.t.Fatalf("%s at 390 px: the page is %d px wide (%v)", name, w, err)
	}
	b.run(name+" at 1366", chromedp.EmulateViewport(1366, 768), b.open(path), chromedp.WaitVisible(chromedp.CSS(waitFor)))
	b.screenshot(name + "-1366")
}

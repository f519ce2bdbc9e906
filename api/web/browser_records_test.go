package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/vanthu/vanthu/api/web"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/storage/bagit"
	"github.com/vanthu/vanthu/storage/blob"
)

// TestBrowserArchivistKeepsRecords drives chromium through the archivist's work on a
// record: plans it in the year's list and opens it, files a dispatched directive into it
// from the document's page (picking the record as they type), closes it, hands it over
// to the agency archive, downloads its bag (checked as valid BagIt) and issues a
// certified copy with the agency key's PIN; at 1366 and 390 px, with no console error.
func TestBrowserArchivistKeepsRecords(t *testing.T) {
	t.Parallel()
	chromium(t)
	d := newDemo(t)
	docID := dispatchedDirective(t, d, "Chỉ thị về tăng cường công tác lưu trữ")
	b := newBrowser(t, d.srv.URL)

	b.login("luutru.tinh")
	b.run("records list", b.open("/records"), chromedp.WaitVisible(chromedp.ID("record-create")))
	b.expectNo("no shell commands", "main pre")
	b.run("plan form",
		chromedp.SendKeys(chromedp.ID("new-code"), "09.VP"),
		chromedp.SendKeys(chromedp.ID("new-title"), "Hồ sơ công tác lưu trữ"),
		chromedp.SetValue(chromedp.ID("new-retention"), "10"))
	b.screenshot("archivist-plan-form")
	b.run("plan", b.submit("#do-plan"))
	b.expectText("planned", "p.flash", "Đã đưa hồ sơ vào danh mục")
	b.expectText("listed", "#records-list", "Hồ sơ công tác lưu trữ")
	b.run("open the planned record", b.submit(`#records-list a[href^="/records/"]`), chromedp.WaitVisible(chromedp.ID("do-open")))
	recordURL := b.location()
	b.run("open it", b.submit("#do-open"))
	b.expectText("opened", "#record-state", "Đang lập")

	// Filing from the document: the record is found as the archivist types its title.
	b.run("document", b.open("/documents/"+docID), chromedp.WaitVisible(chromedp.ID("record-picker")),
		chromedp.SendKeys(chromedp.ID("record-q"), "lưu trữ"),
		clickWhen(`[...document.querySelectorAll("#record-results label")].find(l => l.textContent.includes("09.VP"))?.querySelector("input[name=record]")`))
	b.screenshot("archivist-pick-record")
	b.run("file", b.submit("#do-file"))
	b.expectText("filed", "#doc-records", "09.VP")
	b.expectNo("no second filing", "#file-form")

	b.run("record page", b.open(recordURL), chromedp.WaitVisible(chromedp.ID("record-docs")))
	b.expectText("document in the record", "#record-docs", "Chỉ thị về tăng cường công tác lưu trữ")
	b.expectText("trail", "#record-trail", "Đưa văn bản vào hồ sơ")
	b.phone("archivist-record", recordURL, "#record-docs")
	b.run("close", b.submit("#do-close"))
	b.expectText("closed", "#record-state", "Đã đóng")
	b.run("hand over", b.submit("#do-handover"))
	b.expectText("handed over", "#record-state", "Đã nộp lưu")
	b.expectText("package locked", "#record-package", "Khóa đến")
	b.screenshot("archivist-handed-over")

	// The bag: the page says it is being prepared until the download starts.
	b.run("export", chromedp.Click(chromedp.ID("do-export")),
		poll(`!!document.querySelector(".download-state[data-done]")`))
	b.expectText("download started", ".download-state", "Đang tải về")
	b.screenshot("archivist-bag-started")
	zipped := fetchBytes(t, b, `document.getElementById("do-export").href`, "")
	checkBag(t, zipped)

	// A certified copy of the filed directive, signed with the agency key's PIN.
	b.run("copies", b.submit("#to-copies"), chromedp.WaitVisible(chromedp.CSS(`input[name=pin]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=pin]`), demoPassword))
	b.screenshot("archivist-copy-form")
	pdf := fetchBytes(t, b, `document.querySelector("form input[name=pin]").form.action`, `document.querySelector("form input[name=pin]").form`)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the certified copy is not a PDF: %q", pdf[:min(len(pdf), 200)])
	}
	b.phone("archivist-records", "/records", "#records-list")
	b.run("records in English", b.open("/records?lang=en"), chromedp.WaitVisible(chromedp.ID("records-list")))
	b.expectText("english", "h1", "Records")
	b.run("back to Vietnamese", b.open("/records?lang=vi"), chromedp.WaitVisible(chromedp.ID("records-list")))

	// The clerk's report of documents by type, downloaded as XLSX from the reports page:
	// the directive is counted among the documents out, under its type's Vietnamese name.
	b.logout()
	b.login("vanthu.tinh")
	b.run("report", b.open("/reports?report=documents&group=type"), chromedp.WaitVisible(chromedp.CSS(`a[href*="format=xlsx"]`)))
	b.screenshot("clerk-report")
	book, err := excelize.OpenReader(bytes.NewReader(fetchBytes(t, b, `document.querySelector('a[href*="format=xlsx"]').href`, "")))
	if err != nil {
		t.Fatalf("the report is not an XLSX workbook: %v", err)
	}
	defer book.Close()
	rows, err := book.GetRows("Báo cáo")
	if err != nil {
		t.Fatal(err)
	}
	header := slices.IndexFunc(rows, func(r []string) bool {
		return slices.Equal(r, []string{"Văn bản", "Loại văn bản", "Số lượng"})
	})
	out := slices.IndexFunc(rows, func(r []string) bool { return len(r) == 3 && r[0] == "Đi" && r[1] == "Chỉ thị" })
	if header < 0 || out < header {
		t.Fatalf("the report lacks its Vietnamese headers or the directive sent: %q", rows)
	}
	if n, err := strconv.Atoi(rows[out][2]); err != nil || n < 1 {
		t.Errorf("directives out: %q", rows[out][2])
	}
}

// dispatchedDirective is a directive of the province drafted, signed by the chairman,
// numbered, sealed and sent to Mai Châu: what an archivist files.
func dispatchedDirective(t *testing.T, d demo, subject string) string {
	t.Helper()
	ctx := context.Background()
	actor := func(username string) engine.Actor {
		u, err := d.store.UserGetByUsername(ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := d.store.MembershipListByUser(ctx, u.ID)
		if err != nil || len(ms) == 0 {
			t.Fatalf("memberships of %s: %v", username, err)
		}
		return engine.Actor{UserID: u.ID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}
	}
	spec, leader, clerk := actor("chuyenvien.tinh"), actor("lanhdao.tinh"), actor("vanthu.tinh")
	doc, err := d.eng.CreateDraft(ctx, spec, engine.DraftInput{TypeCode: "CT", Subject: subject}, "")
	if err != nil {
		t.Fatal(err)
	}
	pdf, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "CT-UBND",
		Place: "Hòa Bình", Type: "Chỉ thị", Summary: subject, Body: docpdf.Text("Các sở, ngành thực hiện nghiêm công tác lưu trữ."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Lãnh Đạo"}, Recipients: []string{"Lưu: VT"}})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := d.blobs.Put(ctx, bytes.NewReader(pdf), blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		t.Fatal(err)
	}
	district, err := d.store.AgencyGetByCode(ctx, seed.ProvinceCode+".11")
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := d.eng.AddFile(ctx, spec, doc.ID, engine.FileInput{Kind: "draft", Name: "du-thao.pdf", BlobKey: obj.Key,
				SHA256: obj.SHA256, Size: obj.Size}, "")
			return err
		},
		func() error { _, err := d.eng.Submit(ctx, spec, doc.ID, nil, ""); return err },
		func() error { _, err := d.eng.Approve(ctx, leader, doc.ID, ""); return err },
		func() error { _, err := d.keyring.SignAsLeader(ctx, leader, doc.ID, demoPassword, ""); return err },
		func() error { _, err := d.keyring.IssueAndSeal(ctx, clerk, doc.ID, demoPassword, ""); return err },
		func() error {
			_, err := d.eng.DispatchTo(ctx, clerk, doc.ID, engine.DispatchInput{AgencyIDs: []string{district.ID}}, "")
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("directive step %d: %v", i, err)
		}
	}
	return doc.ID
}

// fetchBytes has the page fetch a URL with its session (POSTing the form when one is
// named) and returns the body: a download checked as the browser received it.
func fetchBytes(t *testing.T, b *browser, urlExpr, formExpr string) []byte {
	t.Helper()
	opts := `{credentials: "same-origin"}`
	if formExpr != "" {
		opts = `{method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(` + formExpr + `))}`
	}
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	encoded, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+urlExpr+`, `+opts+`)
		.then(r => { if (!r.ok) { throw new Error("status " + r.status); } return r.arrayBuffer(); })
		.then(buf => { let s = ""; new Uint8Array(buf).forEach(c => { s += String.fromCharCode(c); }); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", urlExpr, err)
	}
	data, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatal(err)
	}
	b.checkConsole("fetch " + urlExpr)
	return data
}

// checkBag unpacks the downloaded zip and validates the bag in it with storage/bagit and,
// where it is installed, the Library of Congress's bagit.py.
func checkBag(t *testing.T, zipped []byte) {
	t.Helper()
	dir := web.UnzipTo(t, zipped)
	bags, _ := filepath.Glob(filepath.Join(dir, "*", "bagit.txt"))
	if len(bags) != 1 {
		t.Fatalf("the zip holds %d bags", len(bags))
	}
	bagDir := filepath.Dir(bags[0])
	bag, err := bagit.Open(bagDir)
	if err != nil {
		t.Fatal(err)
	}
	report, err := bag.Validate(context.Background(), bagit.ValidateOptions{})
	if err != nil || !report.Valid() {
		t.Fatalf("the downloaded bag is not valid: %v\n%s", err, report)
	}
	if py, err := exec.LookPath("bagit.py"); err == nil {
		if out, err := exec.Command(py, "--validate", bagDir).CombinedOutput(); err != nil {
			t.Fatalf("bagit.py: %v\n%s", err, out)
		}
	}
}

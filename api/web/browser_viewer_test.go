package web_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/signertest"
)

// viewerAndPlacement walks a three-page plan without “Số:” or date blanks (a phụ lục-style
// layout) from the specialist, who names the chairman to sign it, through the preview's
// toolbar, the chairman's signature, to the clerk, who is told the blanks are missing and
// places the number and date by clicking the first page; the issued PDF carries both.
// It starts and ends logged out.
func (b *browser) viewerAndPlacement() {
	b.t.Helper()
	t := b.t
	pdftotext := signertest.Tool(t, "pdftotext")
	var body []string
	for i := 1; i <= 40; i++ {
		body = append(body, fmt.Sprintf("%d. Kiểm tra việc lập hồ sơ, đăng ký văn bản đến, văn bản đi và quản lý con dấu tại các sở, ngành.", i))
	}
	plan, _, err := docpdf.RenderAttachment(docpdf.Attachment{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Title: "Kế hoạch",
		Heading: "Kiểm tra công tác văn thư, lưu trữ năm 2027", Body: docpdf.Text(body...)})
	if err != nil {
		t.Fatal(err)
	}
	const subject = "Kế hoạch kiểm tra công tác văn thư, lưu trữ năm 2027"
	const chairman = "Nguyễn Văn Chiến"

	b.login("chuyenvien.tinh")
	b.run("plan draft form", b.open("/outgoing/new"),
		chromedp.SetValue(chromedp.ID("type"), ""),
		chromedp.SendKeys(chromedp.ID("subject"), subject),
		evaluate(`(s => { s.value = [...s.options].find(o => o.textContent.includes("Nội chính")).value })(document.getElementById("unit"))`),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{writePDF(t, "ke-hoach.pdf", plan)}))
	b.run("create plan", b.submit("#do-draft"))
	planURL := b.location()
	b.waitPreview("plan preview")

	// The toolbar: page 1 of 3, the next page, zoom in, fit the width again.
	b.expectText("page 1 of 3", "#pdf-pageinfo", "Trang 1 / 3")
	b.run("next page", chromedp.Click(chromedp.ID("pdf-next")),
		poll(`document.getElementById("pdf-page").textContent === "2"`),
		poll(`(() => { const v = document.getElementById("pdf-viewer"), p = v.querySelector('.pdf-page[data-page="2"]');
			return Math.abs(p.getBoundingClientRect().top - v.getBoundingClientRect().top) < 40 })()`))
	b.expectText("page 2 of 3", "#pdf-pageinfo", "Trang 2 / 3")
	b.expectEnabled("previous page enabled", "#pdf-prev")
	b.run("zoom in", evaluate(`window.fitWidth = document.querySelector('.pdf-page[data-page="1"]').offsetWidth`),
		chromedp.Click(chromedp.ID("pdf-zoomin")),
		poll(`document.querySelector('.pdf-page[data-page="1"]').offsetWidth > window.fitWidth * 1.2`),
		poll(`document.getElementById("pdf-page").textContent === "2"`))
	b.screenshot("viewer-zoomed")
	b.run("fit width", chromedp.Click(chromedp.ID("pdf-fit")),
		poll(`Math.abs(document.querySelector('.pdf-page[data-page="1"]').offsetWidth - window.fitWidth) < 2`))
	b.expectText("zoom shown", "#pdf-toolbar", "%")
	// Print lays every page out for the printer; the browser's own dialog is stood in for.
	b.run("print", evaluate(`window.print = () => { window.printed = document.querySelectorAll("#pdf-print-sheet img").length }`),
		chromedp.Click(chromedp.ID("pdf-print")),
		poll(`window.printed === 3 && !document.getElementById("pdf-print-sheet") && !document.getElementById("pdf-print").disabled`))

	// Submitted naming the chairman, who is then shown as the intended signer.
	b.run("name the signer", evaluate(`(s => { s.value = [...s.options].find(o => o.textContent.includes("`+chairman+`")).value })(document.getElementById("submit-signer"))`),
		b.submit("#do-submit"))
	b.expectText("intended signer", "#intended-signer", chairman)
	b.logout()

	b.login("lanhdao.tinh")
	b.run("approve plan", b.open(planURL), b.submit("#do-approve"))
	b.run("sign plan", chromedp.SendKeys(chromedp.ID("pin"), demoPassword), b.submit("#do-sign"))
	b.expectText("plan signed", "#doc-state", "Đã ký")
	b.logout()

	// The clerk is told the blanks are missing and clicks where the number and the date go.
	b.login("vanthu.tinh")
	b.run("open plan", b.open(planURL))
	b.waitPreview("issue preview")
	b.expectText("blanks missing", "#blanks-missing", "Không tìm thấy chỗ ghi số")
	clickAt := func(name string, x, y float64) {
		b.t.Helper()
		b.run(name+" in view", chromedp.ScrollIntoView(chromedp.CSS(`.pdf-page[data-page="1"]`)))
		at, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
			const p = document.querySelector('.pdf-page[data-page="1"]'), r = p.getBoundingClientRect();
			const s = Number(document.getElementById("pdf-viewer").dataset.scale);
			return [r.left + %g * s, r.top + r.height - %g * s] })()`, x, y)))
		if err != nil || len(at) != 2 {
			t.Fatalf("%s: where to click: %v %v", name, at, err)
		}
		b.run(name, chromedp.MouseClickXY(at[0], at[1]))
	}
	clickAt("place the number", 80, 760)
	b.run("number placed", poll(`document.getElementById("number_x").value !== "" && document.getElementById("place-date").getAttribute("aria-pressed") === "true"`),
		chromedp.WaitVisible(chromedp.CSS(".place-mark.place-number")))
	clickAt("place the date", 330, 760)
	b.run("date placed", poll(`document.getElementById("date_x").value !== ""`), chromedp.WaitVisible(chromedp.CSS(".place-mark.place-date")))
	placed, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](`["number_x","number_y","date_x","date_y"].map(id => Number(document.getElementById(id).value))`))
	if err != nil || len(placed) != 4 {
		t.Fatalf("placed: %v %v", placed, err)
	}
	for i, want := range []float64{80, 760, 330, 760} {
		if d := placed[i] - want; d > 2 || d < -2 {
			t.Fatalf("placed at %v, want about [80 760 330 760] (PDF points)", placed)
		}
	}
	b.screenshot("clerk-places-number-and-date")
	b.run("issue plan", chromedp.SendKeys(chromedp.ID("pin"), demoPassword), b.submit("#do-sign"))
	b.expectText("plan numbered", "#notation", "/UBND-NC")
	notation, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("notation")))
	if err != nil {
		t.Fatal(err)
	}

	// The issued PDF, as the download link gives it, carries the number and the date.
	issued, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch(document.getElementById("pdf-download").href).then(r => r.arrayBuffer())
		.then(buf => { let s = ""; for (const c of new Uint8Array(buf)) s += String.fromCharCode(c); return btoa(s) })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := base64.StdEncoding.DecodeString(issued)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "issued.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command(pdftotext, "-f", "1", "-l", "1", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "Số: "+strings.TrimSpace(notation)) || !strings.Contains(string(text), "Hòa Bình, ngày") {
		t.Fatalf("the issued first page lacks the placed number %q or date:\n%s", notation, text)
	}
	b.logout()
}

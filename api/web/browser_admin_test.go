package web_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pkidemo"
)

// TestBrowserAdminAddsATrustAnchor: a letter signed under a CA the installation does not
// know (a ministry's, made here) is received; its signature shows as undetermined. The
// province's admin marks a day off on the calendar's month grid, then uploads that CA's
// root on the trust anchors screen; the letter's page then shows the signature valid,
// with nothing restarted.
func TestBrowserAdminAddsATrustAnchor(t *testing.T) {
	t.Parallel()
	chromium(t)
	srv := demoServer(t)
	b := newBrowser(t, srv.URL)

	// The ministry's CA answers OCSP on loopback, as a real CA would on the Internet.
	ministry, signed := ministrySignedLetter(t)
	rootPath := filepath.Join(t.TempDir(), "bo-noi-vu-root.pem")
	if err := os.WriteFile(rootPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ministry.Root().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}

	b.login("vanthu.tinh")
	b.run("receive the signed letter", b.open("/incoming/new"),
		chromedp.SendKeys(chromedp.ID("sender"), "Bộ Nội vụ"),
		chromedp.SendKeys(chromedp.ID("sender_notation"), "88/BNV-VP"),
		chromedp.SendKeys(chromedp.ID("subject"), "Về việc rà soát chữ ký số"),
		chromedp.SetValue(chromedp.ID("document_date"), time.Now().Format("2006-01-02")),
		chromedp.SendKeys(chromedp.ID("signer_name"), "Hoàng Văn Ký"),
		chromedp.SendKeys(chromedp.ID("page_count"), "1"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{writePDF(t, "ky-so.pdf", signed)}),
		b.submit("#do-receive"))
	letterURL := b.location()
	b.expectText("untrusted before", "#signatures .verdict", "Chưa xác định được")
	b.expectText("signer named", "#signatures", "Hoàng Văn Ký")
	b.screenshot("signature-untrusted")
	b.logout()

	b.login("quantri.tinh")
	// A day of June (no national holiday falls in it) becomes a day off on the month grid.
	day := time.Date(time.Now().Year(), time.June, 10, 0, 0, 0, 0, time.UTC)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	cell := `#calendar-days button[value="` + day.Format("2006-01-02") + `"]`
	b.run("administration", b.open("/admin"), chromedp.ScrollIntoView(chromedp.ID("calendar")),
		chromedp.SendKeys(chromedp.ID("day-name"), "Nghỉ lễ hội Mường"), b.submit(cell),
		poll(`!!document.querySelector('#calendar-days td.holiday button[value="`+day.Format("2006-01-02")+`"]')`))
	b.expectText("day off listed", "#holiday-list", "Nghỉ lễ hội Mường")
	b.run("grid in view", chromedp.ScrollIntoView(chromedp.CSS(cell)))
	b.screenshot("admin-calendar")
	b.run("trust screen", chromedp.Click(chromedp.CSS(`nav.subnav a[href="/admin/trust"]`)),
		chromedp.WaitVisible(chromedp.ID("trust-add")),
		chromedp.SetUploadFiles(chromedp.CSS(`#trust-add input[name=certificate]`), []string{rootPath}),
		b.submit(`#trust-add button[type=submit]`))
	b.expectText("added", "p.flash", "Đã thêm chứng thư gốc tin cậy")
	b.expectText("listed", "#trust-anchors", ministry.Root().Subject.CommonName)
	b.screenshot("trust-anchor-added")
	b.logout()

	b.login("vanthu.tinh")
	b.run("the letter again", b.open(letterURL), chromedp.WaitVisible(chromedp.ID("signatures")))
	b.expectText("valid after", "#signatures .verdict", "Hợp lệ")
	b.screenshot("signature-valid")
}

// ministrySignedLetter makes a CA of its own, with its OCSP responder on loopback, and a
// letter signed (PAdES B-B) by a person it certified.
func ministrySignedLetter(t *testing.T) (*pkidemo.CA, []byte) {
	t.Helper()
	var responder http.Handler = http.NotFoundHandler()
	ocsp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { responder.ServeHTTP(w, r) }))
	t.Cleanup(ocsp.Close)
	ca, err := pkidemo.New(filepath.Join(t.TempDir(), "bnv-ca"), pkidemo.WithBaseURL(ocsp.URL))
	if err != nil {
		t.Fatal(err)
	}
	responder = ca.Handler()
	person, err := ca.IssuePerson("Hoàng Văn Ký", "ky@moha.gov.vn")
	if err != nil {
		t.Fatal(err)
	}
	p12, err := person.PKCS12("pin")
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.LoadPKCS12(p12, "pin")
	if err != nil {
		t.Fatal(err)
	}
	letter, _, err := docpdf.Render(docpdf.Document{Agency: "BỘ NỘI VỤ", Notation: "BNV-VP", Place: "Hà Nội",
		Summary: "V/v rà soát chữ ký số", Body: docpdf.Text("Đề nghị rà soát chứng thư số."),
		Signer: docpdf.Signer{Authority: []string{"BỘ TRƯỞNG"}, Name: "Hoàng Văn Ký"}})
	if err != nil {
		t.Fatal(err)
	}
	var signed bytes.Buffer
	if _, err := signer.Sign(context.Background(), &signed, letter, signer.Request{Key: key, Level: pades.LevelBB, Reason: "Ký ban hành"}); err != nil {
		t.Fatal(err)
	}
	return ca, signed.Bytes()
}

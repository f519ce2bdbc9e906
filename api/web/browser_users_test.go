package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAdminImportsUsers: the province's admin imports 200 people from a CSV file;
// the preview reports its one bad row and nothing is imported; after the row is fixed
// all 200 are, and one of them signs in with the temporary password and must choose
// their own before seeing the inbox.
func TestBrowserAdminImportsUsers(t *testing.T) {
	t.Parallel()
	chromium(t)
	srv := demoServer(t)
	b := newBrowser(t, srv.URL)

	roster := func(badCode string) string {
		var f strings.Builder
		f.WriteString("\ufeffusername,full_name,email,agency_code,unit,role,title\n")
		for i := range 200 {
			code := "H23"
			if i == 123 {
				code = badCode
			}
			fmt.Fprintf(&f, "nhanvien%03d.tinh,Nguyễn Văn Nhân %d,nv%d@hoabinh.gov.vn,%s,,Chuyên viên,Chuyên viên\n", i, i, i, code)
		}
		path := filepath.Join(t.TempDir(), "nhan-su.csv")
		if err := os.WriteFile(path, []byte(f.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	b.login("quantri.tinh")
	b.run("users page", b.open("/admin/users"), chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{roster("H99.99")}))
	b.screenshot("admin-users")
	b.run("preview with a bad row", b.submit("#do-preview"))
	b.expectText("bad row counted", "#import-summary", "1 / 200")
	b.expectText("bad row named", "#preview tr.bad", "nhanvien123.tinh")
	b.expectText("bad row's reason", "#preview tr.bad", "không có cơ quan mang mã này")
	b.screenshot("admin-import-bad-row")
	b.run("nothing imported", b.open("/admin/users?q=nhanvien"))
	b.expectText("nobody yet", "main", "Không có người dùng nào.")

	b.run("fixed file", b.open("/admin/users"), chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{roster("H23")}),
		b.submit("#do-preview"))
	b.expectText("all valid", "#import-summary", "200")
	b.run("import", b.submit("#do-import"))
	b.expectText("imported", "#credentials", "nhanvien042.tinh")
	b.screenshot("admin-import-done")
	temp, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#credentials tbody tr")].find(r => r.cells[0].textContent === "nhanvien042.tinh").cells[2].textContent`))
	if err != nil || len(temp) != 14 {
		t.Fatalf("temporary password %q: %v", temp, err)
	}
	b.run("listed", b.open("/admin/users?q=nhanvien"))
	b.expectText("200 listed", "main", "200 người dùng")
	b.run("narrow users page", chromedp.EmulateViewport(390, 844, chromedp.EmulateTouch), b.open("/admin/users?q=nhanvien"))
	b.screenshot("admin-users-390")
	b.noSideScroll("users at 390")
	b.run("desktop again", chromedp.EmulateViewport(1366, 768))
	b.logout()

	// The new specialist signs in with the temporary password: every page asks for a new one.
	b.run("temporary login", b.open("/login"),
		chromedp.SendKeys(chromedp.ID("username"), "nhanvien042.tinh"),
		chromedp.SendKeys(chromedp.ID("password"), temp),
		b.submit(`button[type=submit]`))
	b.expectText("must change", "#must-change", "mật khẩu tạm")
	b.run("inbox refused", b.open("/"))
	if got := b.location(); got != "/password" {
		t.Fatalf("the inbox with a temporary password went to %s", got)
	}
	b.screenshot("must-change-password")
	b.run("change", chromedp.SendKeys(chromedp.ID("pw-current"), temp),
		chromedp.SendKeys(chromedp.ID("pw-new"), "mat-khau-rieng-042"),
		chromedp.SendKeys(chromedp.ID("pw-confirm"), "mat-khau-rieng-042"),
		b.submit("#do-password"))
	b.expectText("inbox at last", "main", "Việc cần xử lý")
	b.expectText("changed", "main", "Đã đổi mật khẩu.")
	b.screenshot("imported-user-inbox")
}

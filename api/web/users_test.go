package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/vanthu/vanthu/engine"
)

var tempPassword = regexp.MustCompile(`<code id="temp-password">([a-z0-9-]+)</code>`)

func (b *testBundle) userID(t *testing.T, username string) string {
	t.Helper()
	u, err := b.store.UserGetByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u.ID
}

func (b *testBundle) agencyID(t *testing.T, code string) string {
	t.Helper()
	a, err := b.store.AgencyGetByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("agency %s: %v", code, err)
	}
	return a.ID
}

func TestAdminManagesUsersOfItsAgencies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	maichau := b.agencyID(t, "H23.11")

	list := b.get(t, "quantri.tinh", "/admin/users?agency="+maichau+"&q=VANTHU")
	if list.Code != http.StatusOK || !strings.Contains(list.Body.String(), "vanthu.maichau") ||
		strings.Contains(list.Body.String(), "lanhdao.maichau") {
		t.Fatalf("search of Mai Châu's users: %d\n%s", list.Code, list.Body)
	}
	if en := b.get(t, "quantri.tinh", "/admin/users?lang=en"); !strings.Contains(en.Body.String(), "Add a user") {
		t.Errorf("English users page:\n%s", en.Body)
	}
	// A district's admin sees neither the province's people nor another district's.
	if w := b.get(t, "quantri.maichau", "/admin/users/"+b.userID(t, "vanthu.tinh")); w.Code != http.StatusNotFound {
		t.Errorf("district admin reads a province user: %d", w.Code)
	}
	if w := b.get(t, "quantri.maichau", "/admin/users?agency="+b.agencyID(t, "H23")); w.Code != http.StatusOK ||
		strings.Contains(w.Body.String(), "vanthu.tinh") {
		t.Errorf("district admin lists the province: %d", w.Code)
	}
	if w := b.get(t, "vanthu.tinh", "/admin/users"); w.Code != http.StatusForbidden {
		t.Errorf("a clerk on the users page: %d", w.Code)
	}
	if w := b.upload(t, "vanthu.tinh", "/admin/users/import", map[string]string{}, []byte("username,full_name,agency_code,role\n")); w.Code != http.StatusForbidden {
		t.Errorf("a clerk uploads a staff list: %d", w.Code)
	}

	// The district's admin adds a clerk, who gets a temporary password shown once.
	created := b.post(t, "quantri.maichau", "/admin/users", url.Values{"username": {"Lo.Thi.Hoa"}, "full_name": {"Lò Thị Hoa"},
		"email": {"hoa@maichau.gov.vn"}, "agency": {maichau}, "role": {"clerk"}, "title": {"Văn thư"}})
	m := tempPassword.FindStringSubmatch(created.Body.String())
	if created.Code != http.StatusOK || m == nil || !strings.Contains(created.Body.String(), "Đã thêm người dùng.") {
		t.Fatalf("create: %d\n%s", created.Code, created.Body)
	}
	u, err := b.eng.Authenticate(ctx, "lo.thi.hoa", m[1])
	if err != nil || !u.MustChangePassword {
		t.Fatalf("the new clerk's temporary password: %+v, %v", u, err)
	}
	again := b.post(t, "quantri.maichau", "/admin/users", url.Values{"username": {"lo.thi.hoa"}, "full_name": {"Lò Thị Hoa"},
		"agency": {maichau}, "role": {"clerk"}})
	if again.Code != http.StatusConflict {
		t.Errorf("the same username twice: %d", again.Code)
	}

	// Until she changes it, every page sends her to the change form.
	if w := b.get(t, "lo.thi.hoa", "/incoming"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/password" {
		t.Fatalf("a page with a temporary password: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := b.get(t, "lo.thi.hoa", "/password"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="must-change"`) {
		t.Fatalf("password page: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "lo.thi.hoa", "/password", url.Values{"current": {m[1]}, "new": {"mat-khau-moi"}, "confirm": {"khac"}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "không khớp") {
		t.Errorf("mismatched confirmation: %d", w.Code)
	}

	// Edit, reset, deactivate, reactivate, grant and revoke, each audited.
	path := "/admin/users/" + u.ID
	steps := []struct {
		action string
		form   url.Values
	}{
		{"update", url.Values{"full_name": {"Lò Thị Hoa Mai"}, "email": {"mai@maichau.gov.vn"}}},
		{"disable", nil}, {"enable", nil},
		{"grant", url.Values{"agency": {b.agencyID(t, "H23.11.02")}, "role": {"specialist"}}},
		{"revoke", url.Values{"agency": {maichau}, "role": {"clerk"}}},
	}
	reset := b.post(t, "quantri.maichau", path+"/reset", nil)
	if tempPassword.FindStringSubmatch(reset.Body.String()) == nil {
		t.Fatalf("reset shows no temporary password:\n%s", reset.Body)
	}
	for _, s := range steps {
		if w := b.post(t, "quantri.maichau", path+"/"+s.action, s.form); w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", s.action, w.Code, w.Body)
		}
	}
	page := b.get(t, "quantri.maichau", path).Body.String()
	for _, want := range []string{"Lò Thị Hoa Mai", "mai@maichau.gov.vn", "Ủy ban nhân dân xã Đồng Bảng", "Chờ đổi mật khẩu tạm"} {
		if !strings.Contains(page, want) {
			t.Errorf("user page lacks %q", want)
		}
	}
	if ms, _ := b.store.MembershipListByUser(ctx, u.ID); len(ms) != 1 || ms[0].Role != engine.RoleSpecialist {
		t.Errorf("memberships: %+v", ms)
	}
	events, _ := b.store.AuditListByAgency(ctx, maichau, 0, 10000)
	actions := map[string]bool{}
	for _, e := range events {
		if e.ObjectID == u.ID {
			actions[e.Action] = true
		}
	}
	for _, a := range []string{"create_user", "update_user", "deactivate_user", "reactivate_user", "grant", "revoke", "reset_password"} {
		if !actions[a] {
			t.Errorf("no %s event in Mai Châu's chain (%v)", a, actions)
		}
	}
}

func TestAdminImportsUsersFromCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var file strings.Builder
	file.WriteString("\ufeffusername,full_name,email,agency_code,unit,role,title\n")
	for i := range 30 {
		code := "H23.11"
		if i == 17 {
			code = "H99"
		}
		fmt.Fprintf(&file, "cv%02d.maichau,Chuyên viên %d,,%s,,Chuyên viên,\n", i, i, code)
	}
	preview := b.upload(t, "quantri.maichau", "/admin/users/import", map[string]string{}, []byte(file.String()))
	body := preview.Body.String()
	if preview.Code != http.StatusOK || !strings.Contains(body, "Số dòng có lỗi: 1 / 30") ||
		!strings.Contains(body, "không có cơ quan mang mã này") || strings.Contains(body, `id="do-import"`) {
		t.Fatalf("preview of a file with a bad row: %d\n%s", preview.Code, body)
	}
	if _, err := b.store.UserGetByUsername(ctx, "cv00.maichau"); err == nil {
		t.Fatal("the preview imported someone")
	}

	good := strings.Replace(file.String(), "H99", "H23.11", 1)
	preview = b.upload(t, "quantri.maichau", "/admin/users/import", map[string]string{}, []byte(good))
	rows := regexp.MustCompile(`name="rows" value="([^"]*)"`).FindStringSubmatch(preview.Body.String())
	if rows == nil {
		t.Fatalf("no import button:\n%s", preview.Body)
	}
	result := b.post(t, "quantri.maichau", "/admin/users/import/commit", url.Values{"rows": {html.UnescapeString(rows[1])}})
	creds := regexp.MustCompile(`name="credentials" value="([^"]*)"`).FindStringSubmatch(result.Body.String())
	if result.Code != http.StatusOK || creds == nil || !strings.Contains(result.Body.String(), "Đã nhập 30 người dùng.") {
		t.Fatalf("import: %d\n%s", result.Code, result.Body)
	}
	download := b.post(t, "quantri.maichau", "/admin/users/import/credentials", url.Values{"credentials": {html.UnescapeString(creds[1])}})
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(download.Body.String(), "\ufeff"))).ReadAll()
	if err != nil || len(records) != 31 || !strings.Contains(download.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("credentials CSV: %v %d", err, len(records))
	}
	if u, err := b.eng.Authenticate(ctx, records[5][0], records[5][2]); err != nil || !u.MustChangePassword {
		t.Fatalf("an imported user's login: %+v, %v", u, err)
	}
	// The same rows again: every username is taken now, and nothing more is created.
	twice := b.post(t, "quantri.maichau", "/admin/users/import/commit", url.Values{"rows": {html.UnescapeString(rows[1])}})
	if twice.Code != http.StatusUnprocessableEntity || !strings.Contains(twice.Body.String(), "đã có người dùng mang tên này") {
		t.Fatalf("importing twice: %d", twice.Code)
	}

	// Files that cannot be read say why.
	for name, c := range map[string]struct {
		data string
		want string
	}{
		"no column":    {"username,full_name\na,b\n", "Tệp thiếu cột bắt buộc: agency_code"},
		"not utf-8":    {"username,full_name,agency_code,role\na,Nguy\xean,H23,clerk\n", "UTF-8"},
		"another code": {"username,full_name,agency_code,role\nx.tinh,X,H23,clerk\n", "cơ quan không thuộc quyền quản trị của bạn"},
		"too large":    {strings.Repeat("a", 6<<20), "Tệp quá lớn: tối đa 5 MB."},
	} {
		w := b.upload(t, "quantri.maichau", "/admin/users/import", map[string]string{}, []byte(c.data))
		if !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s: %d, lacks %q", name, w.Code, c.want)
		}
	}

	// A workbook reads as the CSV does.
	x := excelize.NewFile()
	defer x.Close()
	for i, row := range [][]any{{"Tên đăng nhập", "Họ và tên", "Mã cơ quan", "Vai trò"}, {"xlsx.maichau", "Hà Văn Xuân", "H23.11", "Văn thư"}} {
		if err := x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var book bytes.Buffer
	if err := x.Write(&book); err != nil {
		t.Fatal(err)
	}
	w := b.upload(t, "quantri.maichau", "/admin/users/import", map[string]string{}, book.Bytes())
	if !strings.Contains(w.Body.String(), "Hà Văn Xuân") || !strings.Contains(w.Body.String(), `id="do-import"`) {
		t.Errorf("workbook preview: %d\n%s", w.Code, w.Body)
	}
}

package web

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"html"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/calendar"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/storage/blob"
)

// multipartPost sends a form with files (field name → content) as the demo user.
func (b *testBundle) multipartPost(t *testing.T, username, path string, fields map[string]string, files map[string][]byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile(name, name+".bin")
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	r := httptest.NewRequest(http.MethodPost, path, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(t, username, r)
}

// vietnameseCA is a CA certificate named the way Vietnamese CAs name theirs: the
// organisation identifier and the tax code in attributes Go prints as OID=#hex.
func vietnameseCA(t *testing.T, cn string, isCA bool, notAfter time.Time) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	subject := pkix.Name{CommonName: cn, Organization: []string{"Ban Cơ yếu Chính phủ"}, Country: []string{"VN"},
		ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, Value: "MST:0101234567"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 97}, Value: "H23"},
		}}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter, BasicConstraintsValid: true, IsCA: isCA,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdminManagesTrustAnchors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.ui.deps.Trust = engine.NewTrustPool(b.store, nil)
	root := vietnameseCA(t, "Root CA Chính phủ (thử)", true, time.Now().AddDate(0, 0, 20))
	pemRoot := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw})

	t.Run("OnlyTheProvincesAdminSeesTheScreen", func(t *testing.T) {
		for _, user := range []string{"vanthu.tinh", "quantri.maichau"} {
			if w := b.get(t, user, "/admin/trust"); w.Code != http.StatusForbidden {
				t.Errorf("%s opens the trust anchors: %d", user, w.Code)
			}
			if w := b.multipartPost(t, user, "/admin/trust", nil, map[string][]byte{"certificate": pemRoot}); w.Code != http.StatusForbidden {
				t.Errorf("%s adds an anchor: %d", user, w.Code)
			}
		}
		if strings.Contains(b.get(t, "quantri.maichau", "/admin/keys").Body.String(), `href="/admin/trust"`) {
			t.Error("a district's admin is offered the trust anchors")
		}
		page := b.get(t, "quantri.tinh", "/admin/trust")
		if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Chưa có chứng thư nào được thêm.") {
			t.Fatalf("empty list: %d\n%s", page.Code, page.Body)
		}
	})

	t.Run("RefusalsAreShownOnTheForm", func(t *testing.T) {
		w := b.multipartPost(t, "quantri.tinh", "/admin/trust", map[string]string{"pem": "-----BEGIN CERTIFICATE-----\nkhông phải\n-----END CERTIFICATE-----"}, nil)
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="alert"`) || !strings.Contains(body, "Tệp không phải chứng thư số") ||
			!strings.Contains(body, "không phải") {
			t.Fatalf("garbage: %d\n%s", w.Code, body)
		}
		leaf := vietnameseCA(t, "Nguyễn Văn A", false, time.Now().AddDate(1, 0, 0))
		w = b.multipartPost(t, "quantri.tinh", "/admin/trust", nil, map[string][]byte{"certificate": leaf.Raw})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "không phải của tổ chức chứng thực") {
			t.Fatalf("a leaf: %d\n%s", w.Code, w.Body)
		}
		w = b.multipartPost(t, "quantri.tinh", "/admin/trust", nil, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Hãy chọn tệp chứng thư") {
			t.Fatalf("nothing: %d\n%s", w.Code, w.Body)
		}
	})

	t.Run("AnAddedCAIsListedInWordsAndTrusted", func(t *testing.T) {
		w := b.multipartPost(t, "quantri.tinh", "/admin/trust", nil, map[string][]byte{"certificate": pemRoot})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("add: %d\n%s", w.Code, w.Body)
		}
		page := b.get(t, "quantri.tinh", "/admin/trust").Body.String()
		for _, want := range []string{"Root CA Chính phủ (thử)", "Ban Cơ yếu Chính phủ", "Mã số thuế: 0101234567",
			"Mã định danh tổ chức: H23", "Sắp hết hạn", root.NotAfter.In(vietnam).Format("02/01/2006")} {
			if !strings.Contains(page, want) {
				t.Errorf("the list does not show %q", want)
			}
		}
		if strings.Contains(page, "#1303") || strings.Contains(page, "2.5.4.97") {
			t.Error("the list shows the subject raw")
		}
		en := b.get(t, "quantri.tinh", "/admin/trust?lang=en").Body.String()
		if !strings.Contains(en, "Tax code: 0101234567") || !strings.Contains(en, "Expires within 30 days") {
			t.Error("the English list is not in English")
		}
		again := b.multipartPost(t, "quantri.tinh", "/admin/trust", map[string]string{"pem": string(pemRoot)}, nil)
		if again.Code != http.StatusConflict || !strings.Contains(again.Body.String(), "đã có trong danh sách tin cậy") {
			t.Errorf("the same CA again: %d", again.Code)
		}
		pool, err := b.ui.deps.Trust.Roots(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := root.Verify(x509.VerifyOptions{Roots: pool}); err != nil {
			t.Fatalf("the added root is not trusted: %v", err)
		}
	})

	t.Run("ARemovedCAIsGone", func(t *testing.T) {
		admin, err := b.store.UserGetByUsername(context.Background(), "quantri.tinh")
		if err != nil {
			t.Fatal(err)
		}
		actor := engine.Actor{UserID: admin.ID, AgencyID: b.agencyID(t, "H23"), Role: engine.RoleAdmin}
		anchors, err := b.eng.ListTrustAnchors(context.Background(), actor, "", 10)
		if err != nil || len(anchors.Anchors) != 1 {
			t.Fatalf("anchors: %+v, %v", anchors, err)
		}
		if w := b.post(t, "quantri.maichau", "/admin/trust/"+anchors.Anchors[0].ID+"/remove", nil); w.Code != http.StatusForbidden {
			t.Errorf("a district admin removes: %d", w.Code)
		}
		if w := b.post(t, "quantri.tinh", "/admin/trust/"+anchors.Anchors[0].ID+"/remove", nil); w.Code != http.StatusSeeOther {
			t.Fatalf("remove: %d\n%s", w.Code, w.Body)
		}
		if page := b.get(t, "quantri.tinh", "/admin/trust").Body.String(); strings.Contains(page, "Root CA Chính phủ (thử)") {
			t.Error("the removed CA is still listed")
		}
	})
}

func TestAdminManagesSigningKeys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b.ui.deps.Keyring = keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: blobs})
	ca, err := pkidemo.New(filepath.Join(t.TempDir(), "ca"))
	if err != nil {
		t.Fatal(err)
	}
	issued, err := ca.IssuePerson("Lò Văn Thắng", "thang@hoabinh.gov.vn")
	if err != nil {
		t.Fatal(err)
	}
	p12, err := issued.PKCS12("mã-pin-1")
	if err != nil {
		t.Fatal(err)
	}
	leader := "user:" + b.userID(t, "lanhdao.tinh")

	t.Run("AClerkGets403", func(t *testing.T) {
		if w := b.get(t, "vanthu.tinh", "/admin/keys"); w.Code != http.StatusForbidden {
			t.Errorf("a clerk opens the keys: %d", w.Code)
		}
		w := b.multipartPost(t, "vanthu.tinh", "/admin/keys", map[string]string{"kind": "pkcs12", "owner": leader, "pin": "mã-pin-1"},
			map[string][]byte{"p12": p12})
		if w.Code != http.StatusForbidden {
			t.Errorf("a clerk imports a key: %d", w.Code)
		}
	})

	t.Run("WrongInputIsShownOnTheForm", func(t *testing.T) {
		for name, c := range map[string]struct {
			fields map[string]string
			files  map[string][]byte
			want   string
		}{
			"wrong PIN":  {map[string]string{"kind": "pkcs12", "owner": leader, "pin": "sai"}, map[string][]byte{"p12": p12}, "Mã PIN không mở được"},
			"no file":    {map[string]string{"kind": "pkcs12", "owner": leader, "pin": "x"}, nil, "Hãy chọn tệp PKCS#12"},
			"not a p12":  {map[string]string{"kind": "pkcs12", "owner": leader, "pin": "x"}, map[string][]byte{"p12": []byte("rác")}, "Không đọc được tệp PKCS#12"},
			"no owner":   {map[string]string{"kind": "pkcs12", "pin": "x"}, map[string][]byte{"p12": p12}, "Hãy chọn chủ sở hữu"},
			"no module":  {map[string]string{"kind": "pkcs11", "owner": leader, "token": "t"}, nil, "Hãy nhập thư viện PKCS#11"},
			"no PIN":     {map[string]string{"kind": "pkcs12", "owner": leader}, map[string][]byte{"p12": p12}, "Hãy nhập mã PIN"},
			"other kind": {map[string]string{"kind": "x", "owner": leader}, nil, "Loại khóa không hợp lệ"},
		} {
			w := b.multipartPost(t, "quantri.tinh", "/admin/keys", c.fields, c.files)
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), c.want) || !strings.Contains(w.Body.String(), `id="key-p12"`) {
				t.Errorf("%s: %d, want 422 with %q on the form", name, w.Code, c.want)
			}
		}
	})

	t.Run("ImportedKeysAreListedInWords", func(t *testing.T) {
		w := b.multipartPost(t, "quantri.tinh", "/admin/keys", map[string]string{"kind": "pkcs12", "owner": leader, "pin": "mã-pin-1"},
			map[string][]byte{"p12": p12})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("import: %d\n%s", w.Code, w.Body)
		}
		w = b.multipartPost(t, "quantri.tinh", "/admin/keys", map[string]string{"kind": "pkcs11", "owner": "agency:" + b.agencyID(t, "H23"),
			"module": "/usr/lib/softhsm/libsofthsm2.so", "token": "UBND-tinh", "label": "con-dau"}, nil)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("register a token: %d\n%s", w.Code, w.Body)
		}
		// A key whose certificate ends in a week, named as Vietnamese CAs name people.
		soon := time.Now().AddDate(0, 0, 7)
		if err := b.eng.AddSigningKey(context.Background(), engine.System, &engine.SigningKey{OwnerKind: engine.KeyOwnerUser,
			OwnerID: b.userID(t, "vanthu.tinh"), Kind: engine.KeyKindPKCS11, PKCS11Module: "m", PKCS11Token: "t", NotAfter: &soon,
			Subject: "CN=Đinh Thị Hoa,0.9.2342.19200300.100.1.1=#1311434343443a303137303930303031323334,O=UBND tỉnh Hòa Bình,C=VN"}); err != nil {
			t.Fatal(err)
		}
		page := b.get(t, "quantri.tinh", "/admin/keys").Body.String()
		for _, want := range []string{"Lò Văn Thắng", "Tệp PKCS#12", "Thiết bị PKCS#11: UBND-tinh / con-dau", "Đinh Thị Hoa",
			"Số CCCD: 017090001", "Sắp hết hạn", "(3)"} {
			if !strings.Contains(page, want) {
				t.Errorf("the keys page does not show %q", want)
			}
		}
		if strings.Contains(page, "0.9.2342") {
			t.Error("a subject is shown raw")
		}
	})

	t.Run("AKeyIsRevoked", func(t *testing.T) {
		admin, err := b.store.UserGetByUsername(context.Background(), "quantri.tinh")
		if err != nil {
			t.Fatal(err)
		}
		actor := engine.Actor{UserID: admin.ID, AgencyID: b.agencyID(t, "H23"), Role: engine.RoleAdmin}
		keys, err := b.eng.ListSigningKeys(context.Background(), actor, actor.AgencyID, "", 1)
		if err != nil || len(keys.Keys) != 1 || keys.Next == "" || keys.Total != 3 {
			t.Fatalf("first page of one: %+v, %v", keys, err)
		}
		if w := b.post(t, "quantri.tinh", "/admin/keys/"+keys.Keys[0].ID+"/revoke", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("revoke: %d\n%s", w.Code, w.Body)
		}
		if page := b.get(t, "quantri.tinh", "/admin/keys").Body.String(); !strings.Contains(page, "đã thu hồi") {
			t.Error("the revoked key is not marked")
		}
	})
}

func TestAdminTogglesDaysOnTheMonthGrid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	toggle := func(user, date, name string) *httptest.ResponseRecorder {
		return b.post(t, user, "/admin/calendar/day", url.Values{"year": {"2027"}, "date": {date}, "name": {name}})
	}
	cell := func(page, date string) string {
		i := strings.Index(page, `value="`+date+`"`)
		if i < 0 {
			t.Fatalf("no cell for %s", date)
		}
		return page[strings.LastIndex(page[:i], "<td"):i]
	}
	// Wednesday 10 March 2027 becomes a day off, shown in the grid and the list.
	if w := toggle("quantri.tinh", "2027-03-10", "Nghỉ lễ hội Mường"); w.Code != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", w.Code, w.Body)
	}
	page := b.get(t, "quantri.tinh", "/admin?year=2027").Body.String()
	if !strings.Contains(cell(page, "2027-03-10"), `class="holiday"`) || !strings.Contains(page, "10/03/2027</time> Nghỉ lễ hội Mường") {
		t.Fatalf("the day off is not shown: %s", cell(page, "2027-03-10"))
	}
	if !strings.Contains(cell(page, "2027-03-13"), `class="weekend"`) || !strings.Contains(page, "Tháng 3") {
		t.Error("a Saturday is not shown as a weekly day off")
	}
	cal, err := b.eng.CalendarFor(context.Background(), b.agencyID(t, "H23"))
	if err != nil {
		t.Fatal(err)
	}
	if cal.IsWorkingDay(calendarDate(2027, 3, 10)) {
		t.Error("deadlines still count the new day off")
	}
	for name, c := range map[string]struct {
		user, date, dayName string
		status              int
		want                string
	}{
		"no name":  {"quantri.tinh", "2027-03-11", "", http.StatusUnprocessableEntity, "Hãy nhập tên ngày nghỉ"},
		"weekend":  {"quantri.tinh", "2027-03-13", "Thứ bảy", http.StatusUnprocessableEntity, "đã là ngày nghỉ hằng tuần"},
		"bad date": {"quantri.tinh", "2027-02-30", "x", http.StatusUnprocessableEntity, "Ngày không hợp lệ"},
		"clerk":    {"vanthu.tinh", "2027-03-11", "x", http.StatusForbidden, ""},
		"district": {"quantri.maichau", "2027-03-11", "x", http.StatusForbidden, ""},
	} {
		w := toggle(c.user, c.date, c.dayName)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s: %d, want %d with %q", name, w.Code, c.status, c.want)
		}
		if c.status == http.StatusUnprocessableEntity && !strings.Contains(w.Body.String(), `id="calendar-days"`) {
			t.Errorf("%s: the refusal is not shown on the calendar", name)
		}
	}
	// Clicking the day off again makes it a working day.
	if w := toggle("quantri.tinh", "2027-03-10", ""); w.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", w.Code, w.Body)
	}
	page = b.get(t, "quantri.tinh", "/admin?year=2027").Body.String()
	if strings.Contains(cell(page, "2027-03-10"), `class="holiday"`) || strings.Contains(page, "Nghỉ lễ hội Mường") {
		t.Error("the removed day off is still shown")
	}
}

func calendarDate(y int, m time.Month, d int) calendar.Date { return calendar.NewDate(y, m, d) }

func TestDelegationsAreListedAndRevoked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	until := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	w := b.post(t, "lanhdao.tinh", "/admin/delegations", url.Values{"to": {b.userID(t, "vanthu.tinh")}, "form": {"TL"},
		"types": {"QĐ, TB"}, "until": {until}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("delegate: %d\n%s", w.Code, w.Body)
	}
	for _, user := range []string{"lanhdao.tinh", "quantri.tinh"} {
		page := b.get(t, user, "/admin").Body.String()
		if !strings.Contains(page, `id="delegation-list"`) || !strings.Contains(page, "QĐ, TB") || !strings.Contains(page, "Đang hiệu lực") {
			t.Fatalf("%s does not see the delegation", user)
		}
	}
	leader, err := b.store.UserGetByUsername(context.Background(), "lanhdao.tinh")
	if err != nil {
		t.Fatal(err)
	}
	page, err := b.eng.ListDelegations(context.Background(), engine.Actor{UserID: leader.ID, AgencyID: b.agencyID(t, "H23"),
		Role: engine.RoleLeader}, "", 10)
	if err != nil || len(page.Delegations) != 1 {
		t.Fatalf("delegations: %+v, %v", page, err)
	}
	id := page.Delegations[0].ID
	if w := b.post(t, "vanthu.tinh", "/admin/delegations/"+id+"/revoke", url.Values{}); w.Code != http.StatusForbidden {
		t.Errorf("a clerk revokes: %d", w.Code)
	}
	if w := b.post(t, "quantri.maichau", "/admin/delegations/"+id+"/revoke", url.Values{}); w.Code != http.StatusNotFound {
		t.Errorf("another agency's admin revokes: %d", w.Code)
	}
	if w := b.post(t, "lanhdao.tinh", "/admin/delegations/"+id+"/revoke", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", w.Code, w.Body)
	}
	if page := b.get(t, "lanhdao.tinh", "/admin?lang=en").Body.String(); !strings.Contains(page, "Revoked") || strings.Contains(page, "In force") {
		t.Error("the revoked delegation is not shown as revoked")
	}
}

func TestAdminWebhooksWithTheirDeliveryLog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if w := b.get(t, "vanthu.tinh", "/admin/webhooks"); w.Code != http.StatusForbidden {
		t.Errorf("a clerk opens the webhooks: %d", w.Code)
	}
	bad := b.post(t, "quantri.tinh", "/admin/webhooks", url.Values{"url": {"ftp://hethong.hoabinh.gov.vn"}, "secret": {"bí-mật-đủ-dài-16"},
		"event_types": {"document.issued"}})
	if body := bad.Body.String(); bad.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Địa chỉ nhận:") ||
		!strings.Contains(body, `value="ftp://hethong.hoabinh.gov.vn"`) || !strings.Contains(body, `value="document.issued" checked`) {
		t.Fatalf("a bad URL: %d\n%s", bad.Code, body)
	}
	if w := b.post(t, "quantri.tinh", "/admin/webhooks", url.Values{"url": {"https://hethong.hoabinh.gov.vn/su-kien"},
		"secret": {"bí-mật-đủ-dài-16"}, "event_types": {"document.issued", "document.dispatched"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", w.Code, w.Body)
	}
	province := b.agencyID(t, "H23")
	hooks, err := b.store.WebhookListByAgency(ctx, province)
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhooks: %+v, %v", hooks, err)
	}
	hook := hooks[0]
	// 51 deliveries, one a second: the log shows 50, then the oldest on the next page.
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	for i := range 51 {
		d := engine.WebhookDelivery{ID: engine.NewID(), WebhookID: hook.ID, EventID: "ev-" + strconv.Itoa(i), EventType: "document.issued",
			Status: engine.WebhookDelivered, Attempts: 1, LastStatus: 200, CreatedAt: start.Add(time.Duration(i) * time.Second)}
		if i == 50 {
			d.Status, d.LastStatus, d.LastError = engine.WebhookFailed, 503, "Service Unavailable"
		}
		if err := b.store.WebhookDeliveryRecord(ctx, &d); err != nil {
			t.Fatal(err)
		}
	}
	page := b.get(t, "quantri.tinh", "/admin/webhooks/"+hook.ID).Body.String()
	if !strings.Contains(page, "ev-50") || !strings.Contains(page, "Thất bại") || !strings.Contains(page, "HTTP 503") || strings.Contains(page, "ev-0<") {
		t.Fatalf("the first page of the log:\n%s", page)
	}
	next := regexp.MustCompile(`href="(/admin/webhooks/[^"]+after=[^"]+)"`).FindStringSubmatch(page)
	if next == nil {
		t.Fatal("no next page")
	}
	older := b.get(t, "quantri.tinh", html.UnescapeString(next[1])).Body.String()
	if !strings.Contains(older, "ev-0<") || strings.Contains(older, "ev-50") {
		t.Fatal("the second page does not hold the oldest delivery only")
	}
	if w := b.get(t, "quantri.maichau", "/admin/webhooks/"+hook.ID); w.Code != http.StatusNotFound {
		t.Errorf("another agency's admin reads the log: %d", w.Code)
	}
	if w := b.post(t, "quantri.tinh", "/admin/webhooks/"+hook.ID+"/delete", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", w.Code)
	}
	if page := b.get(t, "quantri.tinh", "/admin/webhooks").Body.String(); !strings.Contains(page, "Cơ quan chưa đăng ký webhook nào.") {
		t.Error("the deleted webhook is still listed")
	}
}

type stuckJob struct {
	Note string `json:"note"`
}

func (stuckJob) Kind() string { return "test_stuck" }

func TestAdminSeesAndRetriesBackgroundJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if w := b.get(t, "quantri.tinh", "/admin/jobs"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("without a queue: %d", w.Code)
	}
	q, err := jobs.New(b.store.(jobs.Handle), jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b.ui.deps.Jobs = q
	var last int64
	for i := range 51 {
		res, err := q.Insert(ctx, stuckJob{Note: strconv.Itoa(i)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		last = res.Job.ID
	}
	for _, user := range []string{"vanthu.tinh", "quantri.maichau"} {
		if w := b.get(t, user, "/admin/jobs"); w.Code != http.StatusForbidden {
			t.Errorf("%s opens the jobs: %d", user, w.Code)
		}
		if w := b.post(t, user, "/admin/jobs/"+strconv.FormatInt(last, 10)+"/cancel", url.Values{}); w.Code != http.StatusForbidden {
			t.Errorf("%s cancels a job: %d", user, w.Code)
		}
	}
	page := b.get(t, "quantri.tinh", "/admin/jobs").Body.String()
	if !strings.Contains(page, `id="job-`+strconv.FormatInt(last, 10)+`"`) || !strings.Contains(page, "test_stuck") || !strings.Contains(page, "Chờ chạy") {
		t.Fatalf("the jobs page:\n%s", page)
	}
	next := regexp.MustCompile(`href="(/admin/jobs\?[^"]*after=[^"]+)"`).FindStringSubmatch(page)
	if next == nil {
		t.Fatal("no next page after 50 jobs")
	}
	if older := b.get(t, "quantri.tinh", html.UnescapeString(next[1])).Body.String(); strings.Count(older, `<tr id="job-`) != 1 {
		t.Errorf("the second page holds %d jobs, want 1", strings.Count(older, `<tr id="job-`))
	}
	id := strconv.FormatInt(last, 10)
	if w := b.post(t, "quantri.tinh", "/admin/jobs/"+id+"/cancel", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d\n%s", w.Code, w.Body)
	}
	if page := b.get(t, "quantri.tinh", "/admin/jobs?state=cancelled").Body.String(); strings.Count(page, `<tr id="job-`) != 1 {
		t.Fatal("the cancelled job is not listed as cancelled")
	}
	if w := b.post(t, "quantri.tinh", "/admin/jobs/"+id+"/retry", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("retry: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "quantri.tinh", "/admin/jobs/987654/retry", url.Values{}); w.Code != http.StatusNotFound {
		t.Errorf("an unknown job: %d", w.Code)
	}
	if w := b.get(t, "quantri.tinh", "/admin/jobs?state=sleeping"); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown state: %d", w.Code)
	}
	events, err := b.store.AuditListByAgency(ctx, b.agencyID(t, "H23"), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]bool{}
	for _, e := range events {
		if e.ObjectType == "job" && e.ObjectID == id {
			audited[e.Action] = true
		}
	}
	if !audited["cancel_job"] || !audited["retry_job"] {
		t.Errorf("job actions audited: %v", audited)
	}
}

func TestAdminScreensInBothLanguages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.ui.deps.Trust = engine.NewTrustPool(b.store, nil)
	raw := regexp.MustCompile(`>\s*(trust|keys|jobs|webhooks|calendar|dn|delegation|expiry|month|admin)\.[a-zA-Z_.]+\s*<`)
	for _, path := range []string{"/admin", "/admin/keys", "/admin/trust", "/admin/webhooks"} {
		for _, lang := range []string{"vi", "en"} {
			w := b.get(t, "quantri.tinh", path+"?lang="+lang)
			if w.Code != http.StatusOK {
				t.Errorf("%s in %s: %d", path, lang, w.Code)
				continue
			}
			if m := raw.FindString(w.Body.String()); m != "" {
				t.Errorf("%s in %s shows a message key: %s", path, lang, m)
			}
		}
	}
	if page := b.get(t, "quantri.tinh", "/admin?lang=en").Body.String(); !strings.Contains(page, "Background jobs") || !strings.Contains(page, "Trust anchors") {
		t.Error("the province's admin is not offered the jobs and trust anchors")
	}
}

func TestProvinceAdminManagesADistrictsKeys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	district := b.agencyID(t, "H23.11")
	soon := time.Now().AddDate(0, 0, -1)
	if err := b.eng.AddSigningKey(context.Background(), engine.System, &engine.SigningKey{OwnerKind: engine.KeyOwnerAgency,
		OwnerID: district, Kind: engine.KeyKindPKCS11, PKCS11Module: "m", PKCS11Token: "UBND-MaiChau", NotAfter: &soon,
		Subject: "CN=UBND huyện Mai Châu,O=UBND tỉnh Hòa Bình,C=VN"}); err != nil {
		t.Fatal(err)
	}
	page := b.get(t, "quantri.tinh", "/admin/keys?agency="+district).Body.String()
	if !strings.Contains(page, "UBND-MaiChau") || !strings.Contains(page, "Đã hết hạn") {
		t.Fatalf("the district's keys on the province admin's screen:\n%s", page)
	}
	// The district's own admin sees them; another district's agency id falls back to its own.
	if page := b.get(t, "quantri.maichau", "/admin/keys").Body.String(); !strings.Contains(page, "UBND-MaiChau") {
		t.Error("the district's admin does not see the district's key")
	}
	if page := b.get(t, "quantri.luongson", "/admin/keys?agency="+district).Body.String(); strings.Contains(page, "UBND-MaiChau") {
		t.Error("another district's admin sees the key")
	}
	// Without a keyring the screen lists keys but says why none can be added.
	if page := b.get(t, "quantri.tinh", "/admin/keys").Body.String(); !strings.Contains(page, "chưa cấu hình dịch vụ ký số") || strings.Contains(page, `id="key-p12"`) {
		t.Error("the screen offers imports without a keyring")
	}
	w := b.multipartPost(t, "quantri.tinh", "/admin/keys", map[string]string{"kind": "pkcs11", "owner": "agency:" + district,
		"module": "m", "token": "t"}, nil)
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "chưa cấu hình dịch vụ ký số") {
		t.Errorf("an import without a keyring: %d", w.Code)
	}
}

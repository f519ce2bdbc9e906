package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/storage/blob"
)

const (
	ministryOfFinance = "000.00.00.G12"
	ministryOfHome    = "000.00.00.G06"
)

// withAxis turns the exchange axis on and puts two ministries in its directory, as a
// synchronisation would.
func withAxis(t *testing.T, b *testBundle) {
	t.Helper()
	b.ui.deps.AxisEnabled = true
	for _, a := range []engine.AxisAgency{{Code: ministryOfFinance, Name: "Bộ Tài chính"}, {Code: ministryOfHome, Name: "Bộ Nội vụ"}} {
		a.SyncedAt = time.Now().UTC()
		if err := b.store.AxisAgencyUpsert(context.Background(), &a); err != nil {
			t.Fatal(err)
		}
	}
}

// demoActor is the demo user's first membership.
func (b *testBundle) demoActor(t *testing.T, username string) engine.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := b.store.UserGetByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := b.store.MembershipListByUser(ctx, u.ID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("memberships of %s: %v", username, err)
	}
	return engine.Actor{UserID: u.ID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}
}

// issuedLetter takes a province letter through drafting, approval, the leader's signature
// and the clerk's number and seal: ready to dispatch.
func issuedLetter(t *testing.T, b *testBundle, subject string) string {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	spec, leader, clerk := b.demoActor(t, "chuyenvien.tinh"), b.demoActor(t, "lanhdao.tinh"), b.demoActor(t, "vanthu.tinh")
	obj, err := b.ui.deps.Blobs.Put(ctx, bytes.NewReader(samplePDF(t)), blob.PutOptions{ContentType: "application/pdf"})
	must(err)
	file := func(kind, name string) engine.FileInput {
		return engine.FileInput{Kind: kind, Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}
	}
	d, err := b.eng.CreateDraft(ctx, spec, engine.DraftInput{TypeCode: "QĐ", Subject: subject}, "")
	must(err)
	_, err = b.eng.AddFile(ctx, spec, d.ID, file("draft", "du-thao.pdf"), "")
	must(err)
	_, err = b.eng.Submit(ctx, spec, d.ID, nil, "")
	must(err)
	_, err = b.eng.Approve(ctx, leader, d.ID, "")
	must(err)
	_, err = b.eng.Sign(ctx, leader, d.ID, engine.SignInput{Signed: file("signed", "da-ky.pdf"), Title: "CHỦ TỊCH"}, "")
	must(err)
	_, err = b.eng.Issue(ctx, clerk, d.ID, "")
	must(err)
	_, err = b.eng.AgencySign(ctx, clerk, d.ID, file("signed", "dong-dau.pdf"), "")
	must(err)
	return d.ID
}

func TestAxisPickerFindsAgenciesByCodeAndNameWithoutDiacritics(t *testing.T) {
	b := setup(t)
	withAxis(t, b)
	id := issuedLetter(t, b, "Về việc báo cáo quyết toán ngân sách")

	for q, want := range map[string]string{"bo tai chinh": ministryOfFinance, "G06": ministryOfHome, "NỘI VỤ": ministryOfHome} {
		w := b.get(t, "vanthu.tinh", "/axis/agencies?q="+url.QueryEscape(q))
		var got axisAgencyList
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != http.StatusOK {
			t.Fatalf("search %q: %d %v\n%s", q, w.Code, err, w.Body)
		}
		if !got.Enabled || len(got.Items) != 1 || got.Items[0].Code != want {
			t.Errorf("search %q: %+v, want only %s", q, got, want)
		}
	}
	if w := b.get(t, "chuyenvien.tinh", "/axis/agencies?q=bo"); w.Code != http.StatusForbidden {
		t.Errorf("a specialist searching the directory: %d", w.Code)
	}

	// Without scripts: the search field reloads the page with the matches as checkboxes.
	page := b.get(t, "vanthu.tinh", "/documents/"+id+"?axis_q=bo+tai+chinh").Body.String()
	if !strings.Contains(page, `name="external" value="`+ministryOfFinance+`"`) || strings.Contains(page, `value="`+ministryOfHome+`"`) {
		t.Fatalf("the page searched for \"bo tai chinh\" does not offer exactly Bộ Tài chính:\n%s", page)
	}
	if !strings.Contains(page, `id="axis-q" form="axis-search" value="bo tai chinh"`) {
		t.Errorf("the search field does not keep what was searched")
	}
	if page := b.get(t, "vanthu.tinh", "/documents/"+id+"?axis_q=khong+co").Body.String(); !strings.Contains(page, "Không có cơ quan nào khớp.") {
		t.Errorf("a search matching nothing does not say so")
	}
}

func TestWithoutTheAxisThePickerSaysSoAndOffersNothing(t *testing.T) {
	b := setup(t)
	withAxis(t, b)
	b.ui.deps.AxisEnabled = false
	id := issuedLetter(t, b, "Về việc gửi khi chưa có trục")
	page := b.get(t, "vanthu.tinh", "/documents/"+id).Body.String()
	if !strings.Contains(page, "Chưa cấu hình trục liên thông") || strings.Contains(page, `name="external"`) {
		t.Fatalf("the picker without the axis:\n%s", page)
	}
	var got axisAgencyList
	if err := json.Unmarshal(b.get(t, "vanthu.tinh", "/axis/agencies?q=bo").Body.Bytes(), &got); err != nil || got.Enabled || len(got.Items) != 0 {
		t.Fatalf("the directory without the axis: %+v, %v", got, err)
	}
	w := b.post(t, "vanthu.tinh", "/documents/"+id+"/dispatch", url.Values{"external": {ministryOfFinance}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Chưa cấu hình trục liên thông: không gửi được") {
		t.Fatalf("dispatch to the axis without it: %d\n%s", w.Code, w.Body)
	}
}

// A clerk dispatches to two ministries on the axis; the document page and the Liên
// thông page show where each stands in words, with the history and the axis's refusal.
func TestAxisDispatchAndStatusesInWords(t *testing.T) {
	b := setup(t)
	withAxis(t, b)
	ctx := context.Background()
	id := issuedLetter(t, b, "Về việc báo cáo quyết toán ngân sách")
	w := b.post(t, "vanthu.tinh", "/documents/"+id+"/dispatch", url.Values{"external": {ministryOfFinance, ministryOfHome}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("dispatch: %d\n%s", w.Code, w.Body)
	}
	clerk := b.demoActor(t, "vanthu.tinh")
	views, err := b.eng.AxisDeliveries(ctx, clerk, id)
	if err != nil || len(views) != 2 || views[0].Status != engine.DeliveryQueued {
		t.Fatalf("deliveries after the dispatch: %+v, %v", views, err)
	}
	if page := b.get(t, "vanthu.tinh", "/documents/"+id).Body.String(); strings.Count(page, "Chờ gửi") < 2 {
		t.Fatalf("the page does not show both recipients queued:\n%s", page)
	}

	byCode := map[string]string{}
	for _, v := range views {
		byCode[v.RecipientCode] = v.ID
	}
	if err := b.eng.RecordAxisSend(ctx, byCode[ministryOfFinance], "pkg-1", nil); err != nil {
		t.Fatal(err)
	}
	if err := b.eng.RecordAxisSend(ctx, byCode[ministryOfHome], "", errors.New("mã cơ quan nhận không hợp lệ")); err != nil {
		t.Fatal(err)
	}
	d, err := b.eng.Document(ctx, clerk, id)
	if err != nil {
		t.Fatal(err)
	}
	sender, err := b.store.AgencyGetByID(ctx, clerk.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC) // 09:30 in Hà Nội
	for i, code := range []edxml.StatusCode{edxml.StatusArrived, edxml.StatusAccepted} {
		if _, err := b.eng.ApplyExchangeStatus(ctx, &edxml.StatusMessage{
			ResponseFor: edxml.ResponseFor{DocumentID: engine.AxisDocumentID(sender, d)},
			From:        edxml.Organization{OrganID: ministryOfFinance, OrganName: "Bộ Tài chính"}, Code: code,
			Description: code.Meaning(), Timestamp: at.Add(time.Duration(i) * time.Minute),
			Staff: edxml.StaffInfo{Staff: "Nguyễn Văn An", Department: "Văn phòng Bộ"}}); err != nil {
			t.Fatal(err)
		}
	}

	page := b.get(t, "vanthu.tinh", "/documents/"+id).Body.String()
	for _, want := range []string{"Đã tiếp nhận", "02/03/2026 09:31", `datetime="2026-03-02T09:31:00&#43;07:00"`, "Lịch sử trạng thái",
		"Đã đến", "Nguyễn Văn An", "Gửi không thành công", "mã cơ quan nhận không hợp lệ"} {
		if !strings.Contains(page, want) {
			t.Errorf("the document page lacks %q", want)
		}
	}
	if en := b.get(t, "vanthu.tinh", "/documents/"+id+"?lang=en").Body.String(); !strings.Contains(en, "Accepted") || !strings.Contains(en, "Status history") {
		t.Errorf("the document page in English lacks the statuses in words")
	}

	sent := b.get(t, "vanthu.tinh", "/lienthong").Body.String()
	for _, want := range []string{"Về việc báo cáo quyết toán ngân sách", "Đã tiếp nhận", "Gửi không thành công",
		"mã cơ quan nhận không hợp lệ", `class="axis-failed"`, `href="/documents/` + id + `"`} {
		if !strings.Contains(sent, want) {
			t.Errorf("the Liên thông page's sent list lacks %q", want)
		}
	}
	if w := b.get(t, "lanhdao.tinh", "/lienthong"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Đã tiếp nhận") {
		t.Errorf("the leader reading the Liên thông page: %d", w.Code)
	}
	if w := b.get(t, "chuyenvien.tinh", "/lienthong"); w.Code != http.StatusForbidden {
		t.Errorf("a specialist on the Liên thông page: %d", w.Code)
	}
	if w := b.get(t, "vanthu.maichau", "/lienthong"); strings.Contains(w.Body.String(), "quyết toán ngân sách") {
		t.Errorf("another agency's clerk sees the province's sending")
	}
}

func TestLienThongListsReceivedAndRefusedPackages(t *testing.T) {
	b := setup(t)
	withAxis(t, b)
	ctx := context.Background()
	clerk := b.demoActor(t, "vanthu.tinh")
	province, err := b.store.AgencyGetByID(ctx, clerk.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	in := engine.Document{ID: engine.NewID(), AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateReceived, Version: 1,
		Subject: "Về việc cập nhật hướng dẫn quyết toán", SenderName: "Bộ Tài chính", SenderNotation: "15/BTC-VP", Year: now.Year(),
		Note: "1 chữ ký hợp lệ\nCảnh báo khi tiếp nhận: thiếu ngày ban hành", CreatedAt: now, UpdatedAt: now}
	if err := b.store.DocumentInsert(ctx, &in); err != nil {
		t.Fatal(err)
	}
	if err := b.store.ExchangeDocumentInsert(ctx, &engine.ExchangeDocument{DocumentID: in.ID, AgencyID: province.ID, SenderCode: ministryOfFinance,
		ExternalID: ministryOfFinance + ",2026/03/02,15/BTC-VP", Business: engine.BusinessUpdate, ReceivedAt: now}); err != nil {
		t.Fatal(err)
	}
	received := b.get(t, "vanthu.tinh", "/lienthong?tab=received").Body.String()
	for _, want := range []string{"Bộ Tài chính", ministryOfFinance, "15/BTC-VP", ministryOfFinance + ",2026/03/02,15/BTC-VP", "Cập nhật",
		"Cảnh báo khi tiếp nhận: thiếu ngày ban hành", `href="/documents/` + in.ID + `"`} {
		if !strings.Contains(received, want) {
			t.Errorf("the received list lacks %q", want)
		}
	}
	if strings.Contains(received, "1 chữ ký hợp lệ") {
		t.Errorf("the received list shows note lines that are not warnings")
	}

	// 21 refused packages: the newest 20 on the first page, the oldest on the second.
	for i := range 21 {
		if err := b.eng.RecordAxisRefusal(ctx, engine.AxisRefusal{PackageID: fmt.Sprintf("pkg-%02d", i), ToCode: engine.AxisCode(province),
			FromCode: ministryOfHome, Reason: fmt.Sprintf("gói tin số %02d không đọc được", i), RefusedAt: now.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.eng.RecordAxisRefusal(ctx, engine.AxisRefusal{PackageID: "pkg-other", ToCode: "H99", FromCode: ministryOfHome,
		Reason: "của cơ quan khác", RefusedAt: now}); err != nil {
		t.Fatal(err)
	}
	first := b.get(t, "vanthu.tinh", "/lienthong?tab=refused").Body.String()
	if !strings.Contains(first, "gói tin số 20 không đọc được") || strings.Contains(first, "gói tin số 00 ") ||
		strings.Contains(first, "của cơ quan khác") || !strings.Contains(first, `href="/lienthong?tab=refused&amp;page=2"`) {
		t.Fatalf("the first page of refusals:\n%s", first)
	}
	second := b.get(t, "vanthu.tinh", "/lienthong?tab=refused&page=2").Body.String()
	if !strings.Contains(second, "gói tin số 00 không đọc được") || strings.Contains(second, "gói tin số 01 ") || strings.Contains(second, `id="next-page"`) {
		t.Fatalf("the second page of refusals:\n%s", second)
	}
	if en := b.get(t, "vanthu.tinh", "/lienthong?tab=refused&lang=en").Body.String(); !strings.Contains(en, "Refused packages") || !strings.Contains(en, "Next") {
		t.Errorf("the Liên thông page in English")
	}
}

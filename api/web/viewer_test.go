package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/signertest"
)

// The viewer is an ES module importing pdf.js, whose worker is a module too: browsers run
// them only when served as JavaScript, and the page's policy must let them run from here.
func TestViewerAssetsAreServedAsModules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/static/viewer.mjs", "/static/pdfjs/pdf.min.mjs", "/static/pdfjs/pdf.worker.min.mjs"} {
		w := b.get(t, "", path)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/javascript; charset=utf-8" || w.Body.Len() < 1000 {
			t.Errorf("%s: %d %q, %d bytes", path, w.Code, w.Header().Get("Content-Type"), w.Body.Len())
		}
	}
	if viewer := b.get(t, "", "/static/viewer.mjs").Body.String(); !strings.Contains(viewer, `from "/static/pdfjs/pdf.min.mjs"`) {
		t.Error("the viewer does not import the vendored pdf.js")
	}
	if w := b.get(t, "", "/static/pdfjs/LICENSE"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Apache License") {
		t.Errorf("pdf.js's licence is not shipped with it: %d", w.Code)
	}
	for _, want := range []string{"script-src 'self';", "worker-src 'self' blob:;"} {
		if !strings.Contains(contentSecurityPolicy, want) {
			t.Errorf("the page policy lacks %q: %s", want, contentSecurityPolicy)
		}
	}
	if strings.Contains(contentSecurityPolicy, "unsafe-eval") || strings.Contains(strings.Split(strings.Split(contentSecurityPolicy, "script-src")[1], ";")[0], "unsafe-inline") {
		t.Errorf("the page policy lets scripts run inline or eval: %s", contentSecurityPolicy)
	}
}

// submittedDraft is a specialist's draft of pdf, submitted without reviewers naming signer.
func submittedDraft(t *testing.T, b *testBundle, pdf []byte, signer string) string {
	t.Helper()
	w := b.upload(t, "chuyenvien.tinh", "/outgoing", map[string]string{"type": "GM", "subject": "Giấy mời họp giao ban tháng 12",
		"request_id": engine.NewID()}, pdf)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create draft: %d\n%s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	form := url.Values{"request_id": {engine.NewID()}, "signer": {b.userID(t, signer)}}
	if w := b.post(t, "chuyenvien.tinh", "/documents/"+id+"/submit", form); w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", w.Code, w.Body)
	}
	return id
}

// actor is the demo user in their first membership.
func (b *testBundle) actor(t *testing.T, username string) engine.Actor {
	t.Helper()
	ms, err := b.store.MembershipListByUser(context.Background(), b.userID(t, username))
	if err != nil || len(ms) == 0 {
		t.Fatalf("memberships of %s: %v", username, err)
	}
	return engine.Actor{UserID: ms[0].UserID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}
}

func TestTheIntendedSignerIsShownAndAloneOfferedTheSignature(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.ui.deps.Keyring = keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: b.ui.deps.Blobs})
	id := submittedDraft(t, b, samplePDF(t), "pholanhdao.tinh")
	deputy, _ := b.store.UserGetByUsername(context.Background(), "pholanhdao.tinh")
	page := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String()
	if !regexp.MustCompile(`<dt>Người ký dự kiến</dt><dd id="intended-signer">` + regexp.QuoteMeta(deputy.FullName) + `</dd>`).MatchString(page) {
		t.Fatalf("the page does not name the intended signer %s", deputy.FullName)
	}
	if w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/approve", url.Values{"request_id": {"approve"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", w.Code, w.Body)
	}
	signForm := `action="/documents/` + id + `/sign"`
	if page := b.get(t, "lanhdao.tinh", "/documents/"+id).Body.String(); strings.Contains(page, signForm) {
		t.Error("the chairman is offered the signature of a draft his deputy is named to sign")
	}
	if page := b.get(t, "pholanhdao.tinh", "/documents/"+id).Body.String(); !strings.Contains(page, signForm) {
		t.Error("the deputy named to sign is not offered the signature")
	}
	// The chairman hands it to himself; now he signs, and the deputy does not.
	form := url.Values{"request_id": {"change"}, "signer": {b.userID(t, "lanhdao.tinh")}}
	if w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/signer", form); w.Code != http.StatusSeeOther {
		t.Fatalf("change signer: %d\n%s", w.Code, w.Body)
	}
	if page := b.get(t, "lanhdao.tinh", "/documents/"+id).Body.String(); !strings.Contains(page, signForm) ||
		!strings.Contains(page, "Đổi người ký dự kiến") {
		t.Error("after the change the chairman is not offered the signature, or the history does not say so")
	}
	if page := b.get(t, "pholanhdao.tinh", "/documents/"+id).Body.String(); strings.Contains(page, signForm) {
		t.Error("the deputy still offered the signature after the chairman took it")
	}
}

func TestTheIssueFormSaysWhetherTheNumberAndDateMustBePlaced(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.ui.deps.Keyring = keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: b.ui.deps.Blobs})
	ctx := context.Background()
	leader := b.actor(t, "lanhdao.tinh")
	signed := func(pdf []byte) string {
		t.Helper()
		id := submittedDraft(t, b, pdf, "lanhdao.tinh")
		_, err := b.eng.Approve(ctx, leader, id, "")
		if err != nil {
			t.Fatal(err)
		}
		files, _ := b.store.FileListByDocument(ctx, id)
		// The leader's signature as the engine records it; the clerk's form reads the draft.
		f := files[len(files)-1]
		if _, err := b.eng.Sign(ctx, leader, id, engine.SignInput{Signed: engine.FileInput{Name: f.Name, BlobKey: f.BlobKey, SHA256: f.SHA256, Size: f.Size}}, ""); err != nil {
			t.Fatal(err)
		}
		return id
	}
	withBlanks, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "GM-UBND",
		Place: "Hòa Bình", Summary: "Giấy mời họp", Body: docpdf.Text("Kính mời dự họp."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Lãnh Đạo"}, Recipients: []string{"Lưu: VT"}})
	if err != nil {
		t.Fatal(err)
	}
	found := b.get(t, "vanthu.tinh", "/documents/"+signed(withBlanks)).Body.String()
	if !strings.Contains(found, `id="blanks-found"`) || strings.Contains(found, `data-required="true"`) || !strings.Contains(found, `name="number_x"`) {
		t.Error("a draft with blanks: the form does not say they were found, or requires placing them")
	}
	bare := signertest.TextPDF(t, signertest.Line(100, 745, 13, "Kính gửi: Sở Nội vụ"), signertest.Line(100, 700, 14, "GIẤY MỜI"))
	id := signed(bare)
	missing := b.get(t, "vanthu.tinh", "/documents/"+id).Body.String()
	if !strings.Contains(missing, `id="blanks-missing"`) || !strings.Contains(missing, `data-required="true"`) ||
		!strings.Contains(missing, "Không tìm thấy chỗ ghi số") {
		t.Error("a draft without blanks: the form does not say the number and date must be placed")
	}
	// A position that is not a number is refused on the form, what was typed kept.
	w := b.post(t, "vanthu.tinh", "/documents/"+id+"/issue", url.Values{"request_id": {"issue"}, "pin": {"123456"},
		"number_x": {"trái"}, "number_y": {"745"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "cần cả x và y") ||
		!strings.Contains(w.Body.String(), `value="trái"`) {
		t.Errorf("a bad position: %d\n%s", w.Code, w.Body)
	}
	if d, _ := b.store.DocumentGetByID(ctx, id); d.Number != 0 {
		t.Errorf("a refused issue took number %d", d.Number)
	}
}

func TestPlacementInput(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		form   map[string]string
		number *keyring.Point
		date   *keyring.Point
		bad    bool
	}{
		{name: "nothing placed", form: map[string]string{}},
		{name: "both", form: map[string]string{"number_x": "90.5", "number_y": "745", "date_x": "320", "date_y": "745.2"},
			number: &keyring.Point{X: 90.5, Y: 745}, date: &keyring.Point{X: 320, Y: 745.2}},
		{name: "a decimal comma", form: map[string]string{"date_x": "320,5", "date_y": " 700 "}, date: &keyring.Point{X: 320.5, Y: 700}},
		{name: "x without y", form: map[string]string{"number_x": "90"}, bad: true},
		{name: "not a number", form: map[string]string{"number_x": "abc", "number_y": "1"}, bad: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := placementInput(c.form)
			if (err != nil) != c.bad {
				t.Fatalf("err = %v", err)
			}
			if c.bad {
				return
			}
			if !samePoint(p.NumberAt, c.number) || !samePoint(p.DateAt, c.date) {
				t.Errorf("got %+v %+v", p.NumberAt, p.DateAt)
			}
		})
	}
}

func samePoint(a, b *keyring.Point) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

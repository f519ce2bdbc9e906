package web

import (
	"bytes"
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

func TestArchivistIssuesACertifiedCopyFromTheRecordsPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var handler http.Handler
	caSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(caSrv.Close)
	ca, err := pkidemo.New(filepath.Join(t.TempDir(), "ca"), pkidemo.WithBaseURL(caSrv.URL))
	must(err)
	handler = ca.Handler()
	kr := keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: b.ui.deps.Blobs,
		Timestamper: &pki.TSAClient{URL: caSrv.URL + "/tsa"}, Revocation: pki.NewRevocation(http.DefaultClient, ca.Issuers()),
		ExtraCertificates: []*x509.Certificate{ca.TSACertificate()}})
	b.ui.deps.Keyring = kr

	actor := func(username string) engine.Actor {
		u, err := b.store.UserGetByUsername(ctx, username)
		must(err)
		ms, err := b.store.MembershipListByUser(ctx, u.ID)
		must(err)
		return engine.Actor{UserID: u.ID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}
	}
	spec, leader, clerk, arch := actor("chuyenvien.tinh"), actor("lanhdao.tinh"), actor("vanthu.tinh"), actor("luutru.tinh")
	province, err := b.store.AgencyGetByID(ctx, leader.AgencyID)
	must(err)
	leaderUser, err := b.store.UserGetByUsername(ctx, "lanhdao.tinh")
	must(err)
	const pin = "ma-PIN-thu"
	_, err = kr.IssueDemoPerson(ctx, ca, leaderUser, pin, nil)
	must(err)
	_, err = kr.IssueDemoAgency(ctx, ca, province, pin, nil)
	must(err)

	doc, err := b.eng.CreateDraft(ctx, spec, engine.DraftInput{TypeCode: "QĐ", Subject: "Về việc thành lập Tổ công tác"}, "")
	must(err)
	pdf, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "QĐ-UBND",
		Place: "Hòa Bình", Type: "Quyết định", Summary: "Về việc thành lập Tổ công tác", Body: docpdf.Text("Thành lập Tổ công tác."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Lãnh Đạo"}, Recipients: []string{"Lưu: VT"}})
	must(err)
	obj, err := b.ui.deps.Blobs.Put(ctx, bytes.NewReader(pdf), blob.PutOptions{ContentType: "application/pdf"})
	must(err)
	_, err = b.eng.AddFile(ctx, spec, doc.ID, engine.FileInput{Kind: "draft", Name: "du-thao.pdf", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, "")
	must(err)
	_, err = b.eng.Submit(ctx, spec, doc.ID, nil, "")
	must(err)
	_, err = b.eng.Approve(ctx, leader, doc.ID, "")
	must(err)
	_, err = kr.SignAsLeader(ctx, leader, doc.ID, pin, "")
	must(err)
	_, err = kr.IssueAndSeal(ctx, clerk, doc.ID, pin, "")
	must(err)
	rec, err := b.eng.OpenRecord(ctx, arch, 2026, engine.RecordSpec{Code: "03.QĐ", Title: "Hồ sơ quyết định", Retention: engine.Retention{Years: 20}, OwnerID: arch.UserID})
	must(err)
	must(b.eng.FileDocument(ctx, arch, rec.ID, doc.ID))

	records := b.get(t, "luutru.tinh", "/records/"+rec.ID)
	if !strings.Contains(records.Body.String(), `href="/records/`+rec.ID+`/copies"`) {
		t.Fatalf("the record's page does not link its copies:\n%s", records.Body)
	}
	page := b.get(t, "luutru.tinh", "/records/"+rec.ID+"/copies")
	action := "/records/" + rec.ID + "/copies/" + doc.ID
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `action="`+action+`"`) ||
		!strings.Contains(page.Body.String(), "Mã PIN khóa cơ quan") || !strings.Contains(page.Body.String(), `name="csrf_token"`) {
		t.Fatalf("copies page: %d\n%s", page.Code, page.Body)
	}
	if en := b.get(t, "luutru.tinh", "/records/"+rec.ID+"/copies?lang=en"); !strings.Contains(en.Body.String(), "Agency key PIN") {
		t.Fatalf("copies page in English:\n%s", en.Body)
	}
	if w := b.get(t, "vanthu.tinh", "/records/"+rec.ID+"/copies"); w.Code != http.StatusForbidden {
		t.Fatalf("the clerk on the copies page: %d", w.Code)
	}
	if w := b.get(t, "luutru.maichau", "/records/"+rec.ID+"/copies"); w.Code != http.StatusNotFound {
		t.Fatalf("another agency's archivist: %d", w.Code)
	}

	if w := b.post(t, "luutru.tinh", action, url.Values{"pin": {""}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Hãy nhập mã PIN") {
		t.Fatalf("no PIN: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "luutru.tinh", action, url.Values{"pin": {"sai"}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Mã PIN không đúng") {
		t.Fatalf("wrong PIN: %d\n%s", w.Code, w.Body)
	}
	w := b.post(t, "luutru.tinh", action, url.Values{"pin": {pin}})
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "sao-y-01-SY-UBND.pdf") {
		t.Fatalf("certified copy: %d %v", w.Code, w.Header())
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Root())
	data := w.Body.Bytes()
	rep, err := verify.Verify(ctx, bytes.NewReader(data), int64(len(data)), verify.Options{Roots: roots})
	must(err)
	if len(rep.Signatures) != 3 {
		t.Fatalf("%d signatures, want the leader's, the agency's and the copy's", len(rep.Signatures))
	}
	for _, s := range rep.Signatures {
		if s.Indication != verify.TotalPassed {
			t.Fatalf("signature of %s: %s %v", s.Signer, s.Indication, s.Errors)
		}
	}
}

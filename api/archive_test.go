package api

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

func TestDisposalOverTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := newFixture(t, b)
	arch, leader := b.as(t, "luutru.tinh"), b.as(t, "lanhdao.tinh")

	r := arch.do(t, "GET", "/api/v1/records/disposal-candidates", nil, nil)
	mustStatus(t, r, http.StatusOK)
	var due []recordJSON
	must(t, json.Unmarshal(r.body, &due))
	if !slices.ContainsFunc(due, func(x recordJSON) bool { return x.ID == f.dueRecord }) {
		t.Fatalf("the record whose five years ended in 2020 is not due: %s", r.body)
	}
	r = arch.do(t, "GET", "/api/v1/records/disposal-candidates?at=2016-01-01", nil, nil)
	mustStatus(t, r, http.StatusOK)
	if string(bytes.TrimSpace(r.body)) != "[]" {
		t.Fatalf("in 2016 nothing was due yet: %s", r.body)
	}

	r = arch.do(t, "POST", "/api/v1/appraisals/"+f.appraisal+"/destroy", nil, nil)
	if r.status != http.StatusConflict {
		t.Fatalf("destroying before the head decides: %d %s", r.status, r.body)
	}
	r = leader.do(t, "POST", "/api/v1/appraisals/"+f.appraisal+"/decision", map[string]any{"approve": true}, nil)
	if r.status != http.StatusUnprocessableEntity || r.problemKind() != httpx.KindInvalid {
		t.Fatalf("approval without the decision's number: %d %s", r.status, r.body)
	}
	r = leader.do(t, "POST", "/api/v1/appraisals/"+f.appraisal+"/decision", map[string]any{"approve": true, "decision": "15/QĐ-UBND"}, nil)
	mustStatus(t, r, http.StatusOK)
	if r.json["state"] != "approved" || r.json["decision"] != "15/QĐ-UBND" {
		t.Fatalf("decision: %s", r.body)
	}

	r = arch.do(t, "POST", "/api/v1/appraisals/"+f.appraisal+"/destroy", nil, nil)
	mustStatus(t, r, http.StatusOK)
	var d destructionJSON
	must(t, json.Unmarshal(r.body, &d))
	if d.Decision != "15/QĐ-UBND" || len(d.Records) != 1 || d.Records[0].RecordID != f.dueRecord || len(d.Records[0].Documents) != 1 {
		t.Fatalf("destruction record: %s", r.body)
	}
	// The fixture's scans are the same bytes: the one the destroyed document shares with
	// documents kept elsewhere is kept, and said so.
	kept := d.Records[0].Kept
	if len(kept) != 1 || len(d.Records[0].Deleted) != 0 {
		t.Fatalf("a blob shared with live documents: %s", r.body)
	}
	if _, err := b.srv.deps.Blobs.Stat(context.Background(), kept[0].Key); err != nil {
		t.Fatalf("%s is listed as kept: %v", kept[0].Key, err)
	}

	r = arch.do(t, "GET", "/api/v1/appraisals/"+f.appraisal, nil, nil)
	mustStatus(t, r, http.StatusOK)
	if r.json["state"] != "executed" || len(r.json["destructions"].([]any)) != 1 {
		t.Fatalf("appraisal after destruction: %s", r.body)
	}
	r = arch.do(t, "GET", "/api/v1/records/"+f.dueRecord, nil, nil)
	mustStatus(t, r, http.StatusOK)
	if r.json["state"] != string(engine.RecordDestroyed) {
		t.Fatalf("the record's metadata stays, destroyed: %s", r.body)
	}
}

func TestRetentionScheduleOverTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	arch := b.as(t, "luutru.tinh")
	schedule := func(c *client) []retentionRuleJSON {
		t.Helper()
		r := c.do(t, "GET", "/api/v1/retention-rules", nil, nil)
		mustStatus(t, r, http.StatusOK)
		var out []retentionRuleJSON
		must(t, json.Unmarshal(r.body, &out))
		return out
	}
	before := schedule(arch)
	if len(before) == 0 {
		t.Fatal("no national defaults in the schedule")
	}

	line := map[string]any{"category": "ho-so-thu", "name": "Hồ sơ thử nghiệm", "retention": map[string]any{"years": 15}}
	r := arch.do(t, "PUT", "/api/v1/retention-rules", map[string]any{"rules": []any{line}}, nil)
	mustStatus(t, r, http.StatusOK)
	after := schedule(arch)
	i := slices.IndexFunc(after, func(x retentionRuleJSON) bool { return x.Category == "ho-so-thu" })
	if i < 0 || after[i].Retention.Years != 15 || after[i].AgencyID == "" || after[i].UpdatedBy != arch.user.ID {
		t.Fatalf("the province's new line: %+v", after)
	}
	// A district inherits the province's line.
	if !slices.ContainsFunc(schedule(b.as(t, "luutru.maichau")), func(x retentionRuleJSON) bool { return x.Category == "ho-so-thu" }) {
		t.Fatal("Mai Châu does not inherit the province's line")
	}

	bad := map[string]any{"category": "Sai Mã", "name": "x", "retention": map[string]any{"years": 15}}
	r = arch.do(t, "PUT", "/api/v1/retention-rules", map[string]any{"rules": []any{line, bad}}, nil)
	if r.status != http.StatusUnprocessableEntity || r.json["errors"].([]any)[0].(map[string]any)["field"] != "rules[1].category" {
		t.Fatalf("a bad second line: %d %s", r.status, r.body)
	}
	r = b.as(t, "chuyenvien.tinh").do(t, "PUT", "/api/v1/retention-rules", map[string]any{"rules": []any{line}}, nil)
	mustStatus(t, r, http.StatusForbidden)
	r = arch.do(t, "PUT", "/api/v1/retention-rules", map[string]any{"rules": []any{}}, nil)
	mustStatus(t, r, http.StatusBadRequest)
}

func TestRecordMetadataOverTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := newFixture(t, b)
	arch := b.as(t, "luutru.tinh")
	path := "/api/v1/records/" + f.record + "/metadata"
	body := map[string]any{"title": "Hồ sơ văn phòng năm 2026", "keywords": []string{"văn phòng", "hành chính"}, "page_total": 12, "sheet_total": 6}

	mustStatus(t, arch.do(t, "PUT", path, body, nil), http.StatusPreconditionRequired)
	mustStatus(t, arch.do(t, "PUT", path, body, map[string]string{"If-Match": `"v999"`}), http.StatusPreconditionFailed)
	get := arch.do(t, "GET", "/api/v1/records/"+f.record, nil, nil)
	mustStatus(t, get, http.StatusOK)
	r := arch.do(t, "PUT", path, body, map[string]string{"If-Match": get.header.Get("ETag")})
	mustStatus(t, r, http.StatusOK)
	m := r.json["metadata"].(map[string]any)
	if r.json["title"] != "Hồ sơ văn phòng năm 2026" || m["language"] != "vi" || m["access_mode"] != "open" || m["page_total"] != 12.0 ||
		len(m["keywords"].([]any)) != 2 || r.header.Get("ETag") == get.header.Get("ETag") {
		t.Fatalf("after setting the metadata: %s (ETag %s)", r.body, r.header.Get("ETag"))
	}
	r = arch.do(t, "PUT", path, map[string]any{"access_mode": "secret"}, map[string]string{"If-Match": "*"})
	if r.status != http.StatusUnprocessableEntity || r.problemKind() != httpx.KindInvalid {
		t.Fatalf("an unknown access mode: %d %s", r.status, r.body)
	}
	mustStatus(t, b.as(t, "luutru.maichau").do(t, "PUT", path, body, map[string]string{"If-Match": "*"}), http.StatusNotFound)
}

func TestImportedHistoryOverTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := newFixture(t, b)
	arch := b.as(t, "luutru.tinh")
	r := arch.do(t, "GET", "/api/v1/records/"+f.imported+"/imported-history", nil, nil)
	mustStatus(t, r, http.StatusOK)
	events := r.json["events"].([]any)
	if r.json["source_fonds_code"] != "H23.99" || r.json["identifier"] != "H23.99.2020.07.VP" || len(events) != 1 ||
		events[0].(map[string]any)["action"] != "open_record" {
		t.Fatalf("imported history: %s", r.body)
	}
	// A record formed here has no imported history.
	mustStatus(t, arch.do(t, "GET", "/api/v1/records/"+f.record+"/imported-history", nil, nil), http.StatusNotFound)
}

func TestSuccessionOverTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	maichau, err := b.store.AgencyGetByCode(ctx, "H23.11")
	must(t, err)
	luongson, err := b.store.AgencyGetByCode(ctx, "H23.12")
	must(t, err)
	admin := b.as(t, "quantri.tinh")
	path := "/api/v1/agencies/" + maichau.ID + "/succession"

	mustStatus(t, b.as(t, "quantri.luongson").do(t, "POST", path, map[string]any{"successor_id": luongson.ID}, nil), http.StatusForbidden)
	r := admin.do(t, "POST", path, map[string]any{"successor_id": luongson.ID, "at": time.Now().AddDate(0, 0, 3)}, nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	r = admin.do(t, "POST", path, map[string]any{"successor_id": luongson.ID}, nil)
	mustStatus(t, r, http.StatusOK)
	if _, ok := r.json["rerouted"].([]any); !ok {
		t.Fatalf("succession report: %s", r.body)
	}
	ended, err := b.store.AgencyGetByID(ctx, maichau.ID)
	must(t, err)
	if ended.ValidTo == nil || ended.SuccessorID != luongson.ID {
		t.Fatalf("Mai Châu after the succession: valid to %v, successor %q", ended.ValidTo, ended.SuccessorID)
	}
	mustStatus(t, admin.do(t, "POST", path, map[string]any{"successor_id": luongson.ID}, nil), http.StatusConflict)
}

// TestCertifiedCopyOverTheAPI signs a real document with demo keys, files it, and has
// the archivist issue and download its certified copy.
func TestCertifiedCopyOverTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const pin = "ma-PIN-thu"
	kr, ca := demoKeyring(t, b, pin, true, keyring.Config{})
	b.srv.deps.Signer = kr

	actor := func(username string) engine.Actor {
		u, err := b.store.UserGetByUsername(ctx, username)
		must(t, err)
		ms, err := b.store.MembershipListByUser(ctx, u.ID)
		must(t, err)
		return engine.Actor{UserID: u.ID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}
	}
	spec, leader, clerk, arch := actor("chuyenvien.tinh"), actor("lanhdao.tinh"), actor("vanthu.tinh"), actor("luutru.tinh")

	doc, err := b.eng.CreateDraft(ctx, spec, engine.DraftInput{TypeCode: "QĐ", Subject: "Về việc thành lập Tổ công tác"}, "")
	must(t, err)
	pdf, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "QĐ-UBND",
		Place: "Hòa Bình", Type: "Quyết định", Summary: "Về việc thành lập Tổ công tác",
		Body:   docpdf.Text("Thành lập Tổ công tác."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Lãnh Đạo"}, Recipients: []string{"Lưu: VT"}})
	must(t, err)
	obj, err := b.srv.deps.Blobs.Put(ctx, bytes.NewReader(pdf), blob.PutOptions{ContentType: "application/pdf"})
	must(t, err)
	_, err = b.eng.AddFile(ctx, spec, doc.ID, engine.FileInput{Kind: "draft", Name: "du-thao.pdf", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, "")
	must(t, err)
	_, err = b.eng.Submit(ctx, spec, doc.ID, nil, "")
	must(t, err)
	_, err = b.eng.Approve(ctx, leader, doc.ID, "")
	must(t, err)
	_, err = kr.SignAsLeader(ctx, leader, doc.ID, pin, "")
	must(t, err)
	_, err = kr.IssueAndSeal(ctx, clerk, doc.ID, pin, "")
	must(t, err)
	rec, err := b.eng.OpenRecord(ctx, arch, 2026, engine.RecordSpec{Code: "03.QĐ", Title: "Hồ sơ quyết định", Retention: engine.Retention{Years: 20}, OwnerID: arch.UserID})
	must(t, err)
	must(t, b.eng.FileDocument(ctx, arch, rec.ID, doc.ID))

	path := "/api/v1/documents/" + doc.ID + "/certified-copies"
	c := b.as(t, "luutru.tinh")
	r := c.do(t, "POST", path, map[string]any{"pin": "sai"}, nil)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong PIN: %d %s", r.status, r.body)
	}
	mustStatus(t, b.as(t, "vanthu.tinh").do(t, "POST", path, map[string]any{"pin": pin}, nil), http.StatusForbidden)
	mustStatus(t, b.as(t, "luutru.maichau").do(t, "POST", path, map[string]any{"pin": pin}, nil), http.StatusNotFound)

	r = c.do(t, "POST", path, map[string]any{"pin": pin}, nil)
	mustStatus(t, r, http.StatusCreated)
	link, _ := r.json["download"].(string)
	if r.json["notation"] != "01/SY-UBND" || r.json["record_code"] == "" || link == "" || r.header.Get("Location") != link {
		t.Fatalf("certified copy: %s", r.body)
	}
	mustStatus(t, b.as(t, "vanthu.tinh").do(t, "GET", link, nil, nil), http.StatusForbidden)
	mustStatus(t, b.as(t, "luutru.maichau").do(t, "GET", link, nil, nil), http.StatusNotFound)
	dl := c.do(t, "GET", link, nil, nil)
	mustStatus(t, dl, http.StatusOK)
	if dl.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download is %s", dl.header.Get("Content-Type"))
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Root())
	rep, err := verify.Verify(ctx, bytes.NewReader(dl.body), int64(len(dl.body)), verify.Options{Roots: roots})
	must(t, err)
	if len(rep.Signatures) != 3 {
		t.Fatalf("%d signatures, want the leader's, the agency's and the copy's", len(rep.Signatures))
	}
	for _, s := range rep.Signatures {
		if s.Indication != verify.TotalPassed {
			t.Fatalf("signature of %s: %s %v", s.Signer, s.Indication, s.Errors)
		}
	}
}

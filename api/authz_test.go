package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/storage/blob"
)

// engineSigner stands in for service/keyring: it records the signature through the
// engine without a key, so that the table exercises the engine's rules for signing.
type engineSigner struct{ eng *engine.Engine }

func (s engineSigner) SignAsLeader(ctx context.Context, a engine.Actor, docID, pin, requestID string) (engine.Document, error) {
	f := engine.FileInput{Kind: "signed", Name: "ky.pdf", BlobKey: "sha256/ab/ab" + strings.Repeat("0", 62), SHA256: "ab" + strings.Repeat("0", 62), Size: 10}
	return s.eng.Sign(ctx, a, docID, engine.SignInput{Signed: f, Form: engine.SignsAsHead}, requestID)
}

func (s engineSigner) IssueAndSeal(ctx context.Context, a engine.Actor, docID, pin, requestID string) (engine.Document, error) {
	return s.eng.Issue(ctx, a, docID, requestID)
}

func (s engineSigner) IssueAndSealWith(ctx context.Context, a engine.Actor, docID, pin, requestID string, _ keyring.IssueOptions) (engine.Document, error) {
	return s.IssueAndSeal(ctx, a, docID, pin, requestID)
}

// CertifiedCopy numbers the copy through the engine without signing it.
func (s engineSigner) CertifiedCopy(ctx context.Context, a engine.Actor, docID, pin, requestID string) (keyring.IssuedCopy, error) {
	cp, err := s.eng.IssueCertifiedCopy(ctx, a, docID, requestID, unsignedCopy)
	return keyring.IssuedCopy{CertifiedCopy: cp}, err
}

// roles of the table, with the demo login prefix of each.
var tableRoles = []struct {
	role   engine.Role
	prefix string
}{
	{engine.RoleClerk, "vanthu"}, {engine.RoleLeader, "lanhdao"}, {engine.RoleUnitHead, "truongphong"},
	{engine.RoleSpecialist, "chuyenvien"}, {engine.RoleArchivist, "luutru"}, {engine.RoleAdmin, "quantri"},
}

// fixture are objects of the province (tinh) that the table acts on.
type fixture struct {
	incoming, directed, draft, record, assignment, extension   string
	provinceID, districtID, lastUnitID, specialistID, deputyID string
	dueRecord, appraisal, imported, copyID, copySHA            string
}

func TestAuthorizationTable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.deps.Signer = engineSigner{b.eng}
	f := newFixture(t, b)
	future := time.Now().AddDate(0, 1, 0).UTC().Format(time.RFC3339)
	all := []engine.Role{engine.RoleClerk, engine.RoleLeader, engine.RoleUnitHead, engine.RoleSpecialist, engine.RoleArchivist, engine.RoleAdmin}
	r := func(rs ...engine.Role) []engine.Role { return rs }
	const (
		clerk, leader, head, spec, arch, admin = engine.RoleClerk, engine.RoleLeader, engine.RoleUnitHead, engine.RoleSpecialist, engine.RoleArchivist, engine.RoleAdmin
	)
	doc := func(id string) string { return "/api/v1/documents/" + id }
	pdf := minimalPDF("")
	type row struct {
		method, path string
		body         any
		upload       any // metadata of a multipart upload ("" for a bare PDF)
		may          []engine.Role
		collection   bool // no object of the province: a foreigner is refused for acting as the province
	}
	rows := []row{
		{method: "GET", path: "/api/v1/documents", may: all, collection: true},
		{method: "GET", path: doc(f.incoming), may: all},
		{method: "GET", path: doc(f.incoming) + "/files", may: all},
		{method: "GET", path: doc(f.incoming) + "/files/1", may: all},
		{method: "GET", path: doc(f.incoming) + "/history.pdf", may: all},
		{method: "GET", path: doc(f.directed) + "/assignments", may: all},
		{method: "GET", path: doc(f.draft) + "/deliveries", may: all},
		{method: "POST", path: doc(f.incoming) + "/copies", body: map[string]any{"form": "SY"}, may: r(clerk, arch)},
		{method: "POST", path: doc(f.incoming) + "/file", may: r(clerk, arch, spec, head)},
		{method: "POST", path: "/api/v1/incoming", upload: map[string]any{"type_code": "TB", "subject": "Thông báo", "sender_name": "Bộ Tài chính"}, may: r(clerk), collection: true},
		{method: "POST", path: doc(f.incoming) + "/register", may: r(clerk)},
		{method: "POST", path: doc(f.incoming) + "/reject", body: map[string]any{"reason": "Sai nơi nhận"}, may: r(clerk)},
		{method: "POST", path: doc(f.incoming) + "/present", may: r(clerk)},
		{method: "POST", path: doc(f.incoming) + "/direct", body: map[string]any{"text": "Giao Khối Nội chính", "tasks": []any{map[string]any{"unit_id": f.lastUnitID, "role": "lead"}}}, may: r(leader)},
		{method: "GET", path: "/api/v1/assignments/" + f.assignment + "/notes", may: all},
		{method: "POST", path: "/api/v1/assignments/" + f.assignment + "/notes", body: map[string]any{"text": "Đang làm"}, may: r(head, spec)},
		{method: "POST", path: "/api/v1/assignments/" + f.assignment + "/sub-assignments", body: map[string]any{"user_id": f.specialistID}, may: r(head)},
		{method: "POST", path: "/api/v1/assignments/" + f.assignment + "/extension-requests", body: map[string]any{"until": future, "reason": "Cần thêm số liệu"}, may: r(head, spec)},
		{method: "POST", path: "/api/v1/extension-requests/" + f.extension + "/decision", body: map[string]any{"grant": false, "comment": "Không"}, may: r(leader)},
		{method: "POST", path: doc(f.directed) + "/start", may: r(head, spec)},
		{method: "POST", path: doc(f.directed) + "/complete", body: map[string]any{"result": "Đã xong"}, may: r(head, spec)},
		{method: "POST", path: "/api/v1/outgoing", upload: map[string]any{"type_code": "TB", "subject": "Thông báo lịch họp"}, may: r(leader, head, spec), collection: true},
		{method: "POST", path: doc(f.draft) + "/versions", upload: "", may: r(clerk, leader, head, spec)},
		{method: "POST", path: doc(f.draft) + "/submit", body: map[string]any{}, may: r(leader, head, spec)},
		{method: "POST", path: doc(f.draft) + "/review", body: map[string]any{"approve": true}, may: r(clerk, leader, head, spec)},
		// Reviewed by now: only the head of the agency (or the leader named) names another signer.
		{method: "POST", path: doc(f.draft) + "/signer", body: map[string]any{"signer_id": ""}, may: r(leader)},
		{method: "POST", path: doc(f.draft) + "/approve", may: r(leader)},
		{method: "POST", path: doc(f.draft) + "/send-back", body: map[string]any{"reason": "Sửa"}, may: r(clerk, leader, head)},
		{method: "POST", path: doc(f.draft) + "/sign", body: map[string]any{"pin": "000000"}, may: r(leader)},
		{method: "POST", path: doc(f.draft) + "/issue", body: map[string]any{"pin": "000000"}, may: r(clerk)},
		{method: "POST", path: doc(f.draft) + "/dispatch", body: map[string]any{"agency_ids": []string{f.districtID}}, may: r(clerk)},
		{method: "POST", path: doc(f.draft) + "/recall", body: map[string]any{"reason": "Sai sót"}, may: r(clerk, leader)},
		{method: "GET", path: "/api/v1/records", may: all, collection: true},
		{method: "POST", path: "/api/v1/records", body: map[string]any{"year": 2026, "code": "99.X", "title": "Hồ sơ thử", "retention": map[string]any{"years": 10}}, may: all, collection: true},
		{method: "POST", path: "/api/v1/records/plan", body: map[string]any{"year": 2027, "records": []any{map[string]any{"code": "01.KH", "title": "Kế hoạch", "retention": map[string]any{"permanent": true}}}}, may: r(clerk, leader, arch), collection: true},
		{method: "GET", path: "/api/v1/records/" + f.record, may: all},
		{method: "POST", path: "/api/v1/records/" + f.record + "/documents", body: map[string]any{"document_id": f.incoming}, may: all},
		{method: "POST", path: "/api/v1/records/" + f.record + "/close", body: map[string]any{"work_ended": "2026-01-05T00:00:00Z"}, may: r(clerk, leader, arch)},
		{method: "POST", path: "/api/v1/records/" + f.record + "/hand-over", may: r(arch)},
		{method: "PUT", path: "/api/v1/records/" + f.record + "/legal-hold", body: map[string]any{"hold": true}, may: r(leader, arch)},
		{method: "GET", path: "/api/v1/search?q=lut", may: all, collection: true},
		{method: "GET", path: "/api/v1/audit/verify", may: r(leader, arch, admin), collection: true},
		{method: "GET", path: "/api/v1/agencies", may: all, collection: true},
		{method: "GET", path: "/api/v1/axis/agencies", may: all, collection: true},
		{method: "POST", path: "/api/v1/agencies", body: map[string]any{"code": "H23.99", "name": "Sở Thử nghiệm", "short_name": "STN", "tier": "province", "parent_id": f.provinceID}, may: r(admin), collection: true},
		{method: "GET", path: "/api/v1/agencies/" + f.provinceID + "/units", may: all, collection: true},
		{method: "POST", path: "/api/v1/agencies/" + f.provinceID + "/units", body: map[string]any{"name": "Phòng Thử", "short_name": "PT"}, may: r(admin), collection: true},
		{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "nguoimoi", "full_name": "Người Mới", "password": "mat-khau-dai-du"}, may: r(admin), collection: true},
		{method: "POST", path: "/api/v1/grants", body: map[string]any{"user_id": f.deputyID, "agency_id": f.provinceID, "role": "archivist"}, may: r(admin), collection: true},
		{method: "PUT", path: "/api/v1/calendar/2027", body: map[string]any{}, may: r(admin), collection: true},
		{method: "POST", path: "/api/v1/delegations", body: map[string]any{"to_user": f.deputyID, "form": "TUQ", "valid_to": future}, may: r(leader), collection: true},
		{method: "POST", path: "/api/v1/distribution-lists", body: map[string]any{"name": "Các huyện", "members": []string{f.districtID}}, may: r(clerk, admin), collection: true},

		{method: "PUT", path: "/api/v1/records/" + f.record + "/metadata", body: map[string]any{"keywords": []string{"văn phòng"}}, may: r(clerk, leader, arch)},
		{method: "GET", path: "/api/v1/records/" + f.imported + "/imported-history", may: all},
		{method: "GET", path: "/api/v1/records/disposal-candidates", may: r(leader, arch), collection: true},
		{method: "POST", path: "/api/v1/appraisals", body: map[string]any{"title": "Đề nghị hủy năm 2026", "record_ids": []string{f.dueRecord}}, may: r(arch), collection: true},
		{method: "GET", path: "/api/v1/appraisals/" + f.appraisal, may: all},
		{method: "POST", path: "/api/v1/appraisals/" + f.appraisal + "/decision", body: map[string]any{"approve": false, "reason": "Còn giá trị tra cứu"}, may: r(leader)},
		{method: "POST", path: "/api/v1/appraisals/" + f.appraisal + "/destroy", may: r(arch)},
		{method: "GET", path: "/api/v1/retention-rules", may: all, collection: true},
		{method: "PUT", path: "/api/v1/retention-rules", body: map[string]any{"rules": []any{map[string]any{"category": "thu-nghiem", "name": "Hồ sơ thử nghiệm", "retention": map[string]any{"years": 10}}}}, may: r(leader, arch, admin), collection: true},
		{method: "POST", path: doc(f.incoming) + "/certified-copies", body: map[string]any{"pin": "000000"}, may: r(arch)},
		{method: "GET", path: "/api/v1/certified-copies/" + f.copyID + "/" + f.copySHA, may: r(arch)},
		{method: "POST", path: "/api/v1/agencies/" + f.provinceID + "/succession", body: map[string]any{"successor_id": f.districtID, "at": future}, may: r(admin), collection: true},
	}
	served := map[string]bool{}
	for _, p := range b.srv.apiRoutes {
		served[p] = true
	}
	for _, rw := range rows {
		method, path, _ := strings.Cut(routeOf(b, rw.method, rw.path), " ")
		delete(served, method+" "+path)
	}
	delete(served, "GET /api/openapi.json")
	delete(served, "POST /api/v1/verify")
	if len(served) > 0 {
		t.Fatalf("routes missing from the table: %v", served)
	}

	send := func(t *testing.T, c *client, rw row, headers map[string]string) response {
		t.Helper()
		if strings.Contains(rw.path, "/documents/") && rw.method == "POST" && !strings.HasSuffix(rw.path, "/copies") {
			headers["If-Match"] = `"v1"`
			if c.user.ID != "" && headers[httpx.HeaderAgency] == "" && !strings.Contains(c.user.Username, ".maichau") {
				headers["If-Match"] = b.as(t, "vanthu.tinh").etagOf(t, strings.Split(strings.TrimPrefix(rw.path, "/api/v1/documents/"), "/")[0])
			}
		}
		if rw.upload != nil {
			var meta any
			if m, ok := rw.upload.(map[string]any); ok {
				meta = m
			}
			return c.upload(t, rw.path, meta, "van-ban.pdf", pdf, headers)
		}
		if rw.method == "PUT" && strings.HasSuffix(rw.path, "/metadata") {
			headers["If-Match"] = "*"
		}
		return c.do(t, rw.method, rw.path, rw.body, headers)
	}
	allowed := []int{http.StatusOK, http.StatusCreated, http.StatusNoContent, http.StatusConflict, http.StatusUnprocessableEntity}
	for _, rw := range rows {
		t.Run(rw.method+" "+rw.path, func(t *testing.T) {
			check := func(who string, got response, want ...int) {
				t.Helper()
				if got.status == http.StatusInternalServerError || !slices.Contains(want, got.status) {
					t.Errorf("%s: %d, want %v: %s", who, got.status, want, got.body)
				}
				if got.status >= 400 && got.header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s: %d is not a problem: %s", who, got.status, got.header.Get("Content-Type"))
				}
			}
			check("nobody", send(t, b.as(t, ""), rw, map[string]string{}), http.StatusUnauthorized)
			// Those who may not act go first, while the object is still in the state in
			// which the others may: the engine checks some states before roles.
			roles := slices.Clone(tableRoles)
			slices.SortStableFunc(roles, func(x, y struct {
				role   engine.Role
				prefix string
			}) int {
				return boolInt(slices.Contains(rw.may, x.role)) - boolInt(slices.Contains(rw.may, y.role))
			})
			for _, tr := range roles {
				own := send(t, b.as(t, tr.prefix+".tinh"), rw, map[string]string{})
				if slices.Contains(rw.may, tr.role) {
					check(string(tr.role)+" of the province", own, allowed...)
				} else {
					check(string(tr.role)+" of the province", own, http.StatusForbidden)
				}
				foreigner := b.as(t, tr.prefix+".maichau")
				if rw.collection {
					check(string(tr.role)+" of Mai Châu acting as the province", send(t, foreigner, rw, map[string]string{httpx.HeaderAgency: "H23"}), http.StatusForbidden)
				} else {
					check(string(tr.role)+" of Mai Châu", send(t, foreigner, rw, map[string]string{}), http.StatusNotFound)
				}
			}
		})
	}
}

// routeOf is the pattern the server routes a request to.
func routeOf(b *testBundle, method, path string) string {
	req, _ := http.NewRequest(method, b.http.URL+path, nil)
	_, pattern := b.srv.mux.Handler(req)
	return pattern
}

// newFixture makes, in the province: a received incoming document, one directed to the
// last unit (where the demo unit head and specialist work) with an extension request
// on its assignment, an outgoing draft, and an open record.
func newFixture(t *testing.T, b *testBundle) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	province, err := b.store.AgencyGetByCode(ctx, "H23")
	must(t, err)
	district, err := b.store.AgencyGetByCode(ctx, "H23.11")
	must(t, err)
	f.provinceID, f.districtID = province.ID, district.ID
	actor := func(username string) engine.Actor {
		u, err := b.store.UserGetByUsername(ctx, username)
		must(t, err)
		ms, err := b.store.MembershipListByUser(ctx, u.ID)
		must(t, err)
		return engine.Actor{UserID: u.ID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}
	}
	clerk, leader, spec, arch := actor("vanthu.tinh"), actor("lanhdao.tinh"), actor("chuyenvien.tinh"), actor("luutru.tinh")
	f.specialistID, f.deputyID = spec.UserID, actor("pholanhdao.tinh").UserID
	ms, err := b.store.MembershipListByUser(ctx, spec.UserID)
	must(t, err)
	f.lastUnitID = ms[0].UnitID

	c := b.as(t, "vanthu.tinh")
	receive := func(subject string) string {
		r := c.upload(t, "/api/v1/incoming", map[string]any{"type_code": "TB", "subject": subject, "sender_name": "Bộ Nội vụ"}, "a.pdf", minimalPDF(""), nil)
		mustStatus(t, r, http.StatusCreated)
		return r.json["document"].(map[string]any)["id"].(string)
	}
	f.incoming = receive("Về công tác phòng chống lụt bão")
	f.directed = receive("Về cải cách hành chính")
	_, err = b.eng.Register(ctx, clerk, f.directed, "")
	must(t, err)
	_, err = b.eng.Present(ctx, clerk, f.directed, "")
	must(t, err)
	deadline := time.Now().AddDate(0, 0, 10)
	_, err = b.eng.Direct(ctx, leader, f.directed, engine.DirectInput{Text: "Khối Nội chính chủ trì",
		Tasks: []engine.UnitTask{{UnitID: f.lastUnitID, Role: engine.Lead, Deadline: &deadline}}}, "")
	must(t, err)
	as, err := b.store.AssignmentListByDocument(ctx, f.directed)
	must(t, err)
	f.assignment = as[0].ID
	n, err := b.eng.RequestExtension(ctx, spec, f.assignment, deadline.AddDate(0, 0, 5), "Chờ số liệu")
	must(t, err)
	f.extension = n.ID
	d, err := b.eng.CreateDraft(ctx, spec, engine.DraftInput{TypeCode: "TB", Subject: "Thông báo kết luận", DraftingUnitID: f.lastUnitID}, "")
	must(t, err)
	f.draft = d.ID
	rec, err := b.eng.OpenRecord(ctx, arch, 2026, engine.RecordSpec{Code: "01.VP", Title: "Hồ sơ văn phòng", Retention: engine.Retention{Years: 10}, OwnerID: arch.UserID})
	must(t, err)
	f.record = rec.ID
	old := receive("Về kế hoạch năm 2015")
	_, err = b.eng.Register(ctx, clerk, old, "")
	must(t, err)
	f.dueRecord, f.appraisal = dueForDisposal(t, b, arch, old)
	f.imported = importedRecord(t, b, province.ID, arch.UserID)
	f.copyID, f.copySHA = storedCopy(t, b, province.ID)
	return f
}

// dueForDisposal puts a document into a record whose work ended in 2015 with five years'
// retention, hands it to the agency archive and proposes it for destruction.
func dueForDisposal(t *testing.T, b *testBundle, arch engine.Actor, docID string) (recordID, appraisalID string) {
	t.Helper()
	ctx := context.Background()
	rec, err := b.eng.OpenRecord(ctx, arch, 2015, engine.RecordSpec{Code: "02.LT", Title: "Hồ sơ kế hoạch 2015",
		Retention: engine.Retention{Years: 5}, OwnerID: arch.UserID})
	must(t, err)
	must(t, b.eng.FileDocument(ctx, arch, rec.ID, docID))
	_, err = b.eng.CloseRecord(ctx, arch, rec.ID, time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	_, err = b.eng.HandOver(ctx, arch, rec.ID)
	must(t, err)
	a, err := b.eng.ProposeDisposal(ctx, arch, "Đề nghị hủy hồ sơ hết hạn", []string{rec.ID})
	must(t, err)
	return rec.ID, a.ID
}

// importedRecord takes a record of a dissolved commune in, as `vanthu archive import` does.
func importedRecord(t *testing.T, b *testBundle, agencyID, archivistID string) string {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2020, 3, 1, 8, 0, 0, 0, time.UTC)
	obj, err := b.srv.deps.Blobs.Put(ctx, bytes.NewReader(minimalPDF("")), blob.PutOptions{ContentType: "application/pdf"})
	must(t, err)
	doc := engine.ImportedDocument{Flow: engine.Incoming, TypeCode: "TB", Subject: "Về việc sáp nhập xã", Notation: "12/UBND-VP",
		Author: "UBND huyện Mai Châu", ReceivedAt: &at, Files: []engine.FileInput{{Kind: "scan", Name: "cong-van.pdf",
			BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}}}
	res, err := b.eng.ImportArchive(ctx, engine.System, engine.ArchiveImportInput{AgencyID: agencyID, Documents: []engine.ImportedDocument{doc}, FiledBy: archivistID,
		BagName: "H23.99-2020-07.VP", Identifier: "H23.99.2020.07.VP", PayloadDigest: strings.Repeat("c", 64), FormatVersion: 1,
		FondsCode: "H23.99", FondsName: "UBND xã Đã Nhập", Record: engine.ImportedRecord{Code: "07.VP", Title: "Hồ sơ xã cũ", Year: 2020,
			Retention: engine.Retention{Years: 10}, WorkEndedAt: &at, Metadata: engine.RecordMetadata{AccessMode: engine.AccessOpen, Language: "vi"}},
		SourceEvents: []engine.Event{{Seq: 1, At: at, Action: "open_record", ObjectType: "record", ObjectID: "nguon-1",
			PrevHash: strings.Repeat("0", 64), Hash: strings.Repeat("d", 64)}},
		SourceHeadHash: strings.Repeat("d", 64), Metadata: `{"code":"07.VP"}`})
	must(t, err)
	return res.Record.ID
}

// storedCopy keeps a certified copy's PDF where service/keyring keeps them.
func storedCopy(t *testing.T, b *testBundle, agencyID string) (copyID, sha string) {
	t.Helper()
	copyID = engine.NewID()
	obj, err := b.srv.deps.Blobs.Put(context.Background(), bytes.NewReader(minimalPDF("")),
		blob.PutOptions{Prefix: "certified-copies/" + agencyID + "/" + copyID, ContentType: "application/pdf"})
	must(t, err)
	if keyring.CopyKey(agencyID, copyID, obj.SHA256) != obj.Key {
		t.Fatalf("the copy's key %s is not where the keyring keeps copies", obj.Key)
	}
	return copyID, obj.SHA256
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(fmt.Errorf("fixture: %w", err))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// unsignedCopy stands in for the agency's signature of a certified copy.
func unsignedCopy(_ context.Context, cp engine.CertifiedCopy) (engine.FileInput, error) {
	return engine.FileInput{Kind: "certified_copy", SHA256: cp.Original.SHA256}, nil
}

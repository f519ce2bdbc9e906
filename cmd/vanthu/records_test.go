package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlite"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// recordsWorld is an embedded-default data directory with a province whose issued,
// signed document is filed in a record of 2015, and a demo CA.
type recordsWorld struct {
	dir       string
	store     *sqlstore.Store
	blobs     blob.Store
	eng       *engine.Engine
	ca        *pkidemo.CA
	province  engine.Agency
	district  engine.Agency
	archivist engine.Actor
	leader    engine.Actor
	doc       engine.Document
	record    engine.Record
	agencyP12 string
	rootPEM   string
}

func newRecordsWorld(t *testing.T) *recordsWorld {
	t.Helper()
	ctx := context.Background()
	w := &recordsWorld{dir: t.TempDir()}
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { handler.ServeHTTP(rw, r) }))
	t.Cleanup(srv.Close)
	var err error
	if w.ca, err = pkidemo.New(filepath.Join(w.dir, "ca"), pkidemo.WithBaseURL(srv.URL)); err != nil {
		t.Fatal(err)
	}
	handler = w.ca.Handler()
	if w.store, err = sqlite.Open(ctx, dbtest.MigratedSQLiteAt(t, filepath.Join(w.dir, "vanthu.db"))); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.store.Close() })
	if _, err := w.store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if w.blobs, err = blob.NewFS(filepath.Join(w.dir, "blobs")); err != nil {
		t.Fatal(err)
	}
	w.eng = engine.New(w.store)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.province, err = w.eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình",
		ShortName: "UBND", Tier: engine.TierProvince})
	must(err)
	w.district, err = w.eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23.10", Name: "Ủy ban nhân dân huyện Mai Châu",
		ShortName: "UBND", Tier: engine.TierDistrict, ParentID: w.province.ID})
	must(err)
	unit, err := w.eng.CreateUnit(ctx, engine.System, engine.Unit{AgencyID: w.province.ID, Name: "Văn phòng", ShortName: "VP"})
	must(err)
	person := func(name string, role engine.Role) engine.Actor {
		u, err := w.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: name, FullName: name}, "x")
		must(err)
		must(w.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: w.province.ID, UnitID: unit.ID, Role: role}))
		return engine.Actor{UserID: u.ID, AgencyID: w.province.ID, Role: role}
	}
	specialist, clerk := person("chuyenvien.tinh", engine.RoleSpecialist), person("vanthu.tinh", engine.RoleClerk)
	w.leader, w.archivist = person("lanhdao.tinh", engine.RoleLeader), person("luutru.tinh", engine.RoleArchivist)

	// The original: signed by the head, then by the agency, kept in the blob store.
	leaderCert, err := w.ca.IssuePerson("Bùi Văn Khánh", "khanh@hoabinh.gov.vn")
	must(err)
	agencyCert, err := w.ca.IssueAgency(w.province.Name, "H23")
	must(err)
	leaderKey := p12Key(t, leaderCert)
	p12, err := agencyCert.PKCS12("mật-khẩu")
	must(err)
	w.agencyP12 = filepath.Join(w.dir, "agency.p12")
	must(os.WriteFile(w.agencyP12, p12, 0o600))
	w.rootPEM = filepath.Join(w.dir, "root.pem")
	must(os.WriteFile(w.rootPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: w.ca.Root().Raw}), 0o600))
	var byLeader, byAgency bytes.Buffer
	_, err = signer.Sign(ctx, &byLeader, signertest.OnePagePDF(), signer.Request{Key: leaderKey, Level: pades.LevelBB, SigningTime: time.Now()})
	must(err)
	_, err = signer.Sign(ctx, &byAgency, byLeader.Bytes(), signer.Request{Key: p12Key(t, agencyCert), Level: pades.LevelBB, SigningTime: time.Now()})
	must(err)
	keep := func(data []byte, name string) engine.FileInput {
		obj, err := w.blobs.Put(ctx, bytes.NewReader(data), blob.PutOptions{ContentType: "application/pdf"})
		must(err)
		return engine.FileInput{Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}
	}
	d, err := w.eng.CreateDraft(ctx, specialist, engine.DraftInput{TypeCode: "QĐ", Subject: "Phê duyệt kế hoạch chuyển đổi số",
		DraftingUnitID: unit.ID}, "")
	must(err)
	_, err = w.eng.Submit(ctx, specialist, d.ID, []engine.Reviewer{{UserID: clerk.UserID, Kind: "format", Order: 1}}, "")
	must(err)
	_, err = w.eng.Review(ctx, clerk, d.ID, true, "", "")
	must(err)
	_, err = w.eng.Approve(ctx, w.leader, d.ID, "")
	must(err)
	_, err = w.eng.Sign(ctx, w.leader, d.ID, engine.SignInput{Signed: keep(byLeader.Bytes(), "qd-lanhdao.pdf"), Title: "CHỦ TỊCH"}, "")
	must(err)
	_, err = w.eng.Issue(ctx, clerk, d.ID, "")
	must(err)
	w.doc, err = w.eng.AgencySign(ctx, clerk, d.ID, keep(byAgency.Bytes(), "qd.pdf"), "")
	must(err)
	w.record, err = w.eng.OpenRecord(ctx, specialist, 2015, engine.RecordSpec{Code: "01.VP", Title: "Hồ sơ chuyển đổi số",
		Category: "su-vu"})
	must(err)
	must(w.eng.FileDocument(ctx, specialist, w.record.ID, w.doc.ID))
	return w
}

func p12Key(t *testing.T, issued *pkidemo.Issued) keys.Key {
	t.Helper()
	data, err := issued.PKCS12("x")
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.LoadPKCS12(data, "x")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (w *recordsWorld) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args[:1:1], append([]string{args[1], "--data", w.dir}, args[2:]...)...)
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestRecordsCopyIsASignedCertifiedCopy issues a SAO Y of a record's document as the
// archivist, signed with the agency's PKCS#12 key, and validates it with vanthu verify.
func TestRecordsCopyIsASignedCertifiedCopy(t *testing.T) {
	w := newRecordsWorld(t)
	t.Setenv("VANTHU_KEY_PASSWORD", "mật-khẩu")
	out := filepath.Join(w.dir, "sao-y.pdf")

	if code, _, errOut := w.run(t, "records", "copy", "--user", "vanthu.tinh", "--document", w.doc.ID, "--out", out,
		"--key", w.agencyP12); code == 0 || !strings.Contains(errOut, "archivist") {
		t.Fatalf("the clerk issued a certified copy: exit %d, %s", code, errOut)
	}
	code, stdout, errOut := w.run(t, "records", "copy", "--user", "luutru.tinh", "--document", w.doc.ID, "--out", out,
		"--key", w.agencyP12)
	if code != 0 {
		t.Fatalf("records copy: exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "01/SY-UBND") {
		t.Fatalf("output: %s", stdout)
	}
	copyPDF, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The copy is the signed original byte for byte, with the agency's signature added.
	files, err := w.store.FileListByDocument(context.Background(), w.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	original, err := readSized(context.Background(), w.blobs, files[len(files)-1].BlobKey, files[len(files)-1].Size)
	if err != nil || !bytes.HasPrefix(copyPDF, original) || len(copyPDF) <= len(original) {
		t.Fatalf("the copy does not extend the signed original (%v)", err)
	}
	var vout, verr bytes.Buffer
	if code := run(context.Background(), []string{"verify", "--trust", w.rootPEM, "--json", out}, &vout, &verr); code != 0 {
		t.Fatalf("vanthu verify of the copy: exit %d\n%s\n%s", code, vout.String(), verr.String())
	}
	var report struct {
		Signatures []struct{ Signer, Indication string }
	}
	if err := json.Unmarshal(vout.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	sigs := report.Signatures
	if len(sigs) != 3 || sigs[2].Signer != sigs[1].Signer || sigs[2].Indication != "TOTAL_PASSED" {
		t.Fatalf("want the head's, the agency's and the agency's copy signature, all passed:\n%s", vout.String())
	}
	events, err := w.store.AuditListByAgency(context.Background(), w.province.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(events, func(e engine.Event) bool { return e.Action == "retrieve" && e.ObjectID == w.doc.ID }) {
		t.Fatal("the retrieval is not audited")
	}
}

// TestRecordsDisposalFromProposalToDestruction runs the disposal through the CLI on the
// filesystem store: a locked object is reported and kept, then deleted once unlocked.
func TestRecordsDisposalFromProposalToDestruction(t *testing.T) {
	w := newRecordsWorld(t)
	ctx := context.Background()
	rec, err := w.eng.CloseRecord(ctx, w.leader, w.record.ID, time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.HandOver(ctx, w.archivist, rec.ID); err != nil {
		t.Fatal(err)
	}
	replicaDir := filepath.Join(w.dir, "replica")
	replica, err := blob.NewFS(replicaDir)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := archive.Store(ctx, w.store, w.blobs, rec.ID, replica)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.RecordArchived(ctx, w.archivist, rec.ID, pkg.Manifest); err != nil {
		t.Fatal(err)
	}

	code, stdout, errOut := w.run(t, "records", "due", "--user", "luutru.tinh")
	if code != 0 || !strings.Contains(stdout, rec.ID) || !strings.Contains(stdout, "H23.2015.01.VP") {
		t.Fatalf("records due: exit %d %s %s", code, stdout, errOut)
	}
	code, stdout, errOut = w.run(t, "records", "propose", "--user", "luutru.tinh", "--title", "Hủy hồ sơ hết hạn 2015",
		"--record", rec.ID)
	if code != 0 {
		t.Fatalf("propose: exit %d %s", code, errOut)
	}
	appraisal := strings.Fields(stdout)[1]
	if code, _, errOut := w.run(t, "records", "destroy", "--user", "luutru.tinh", "--appraisal", appraisal); code == 0 ||
		!strings.Contains(errOut, "not approved") {
		t.Fatalf("destroyed before the decision: exit %d %s", code, errOut)
	}
	if code, _, errOut := w.run(t, "records", "decide", "--user", "luutru.tinh", "--appraisal", appraisal, "--approve",
		"--decision", "15/QĐ-UBND"); code == 0 || !strings.Contains(errOut, "leader") {
		t.Fatalf("the archivist decided: exit %d %s", code, errOut)
	}
	if code, _, errOut := w.run(t, "records", "decide", "--user", "lanhdao.tinh", "--appraisal", appraisal, "--approve",
		"--decision", "15/QĐ-UBND"); code != 0 {
		t.Fatalf("decide: exit %d %s", code, errOut)
	}
	// The package's lock (until 2021) has run out; its manifest is kept a little longer.
	lockedUntil := time.Now().Add(5 * time.Second)
	if err := w.blobs.ExtendRetention(ctx, pkg.Manifest, lockedUntil); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut = w.run(t, "records", "destroy", "--user", "luutru.tinh", "--appraisal", appraisal,
		"--replica-blob-url", "file://"+replicaDir)
	if code == 0 || !strings.Contains(stdout, "not deleted "+pkg.Manifest) || !strings.Contains(errOut, "locked") {
		t.Fatalf("a locked object must be reported, not forced: exit %d\n%s\n%s", code, stdout, errOut)
	}
	if _, err := w.blobs.Stat(ctx, pkg.Manifest); err != nil {
		t.Fatalf("the locked manifest went: %v", err)
	}
	files, _ := w.store.FileListByDocument(ctx, w.doc.ID)
	for _, f := range files {
		if _, err := w.blobs.Stat(ctx, f.BlobKey); err == nil {
			t.Fatalf("file %s of a destroyed record is still stored", f.Name)
		}
	}
	time.Sleep(time.Until(lockedUntil) + 100*time.Millisecond)
	if code, stdout, errOut := w.run(t, "records", "destroy", "--user", "luutru.tinh", "--appraisal", appraisal,
		"--replica-blob-url", "file://"+replicaDir); code != 0 {
		t.Fatalf("second run after the lock expired: exit %d\n%s\n%s", code, stdout, errOut)
	}
	for _, o := range append(pkg.Objects, archive.PackageObject{Key: pkg.Manifest}) {
		for name, s := range map[string]blob.Store{"store": w.blobs, "replica": replica} {
			if _, err := s.Stat(ctx, o.Key); err == nil {
				t.Fatalf("%s still holds %s", name, o.Key)
			}
		}
	}
	r, err := w.store.RecordGetByID(ctx, rec.ID)
	if err != nil || r.State != engine.RecordDestroyed || r.Title != rec.Title {
		t.Fatalf("the record's metadata after destruction: %+v, %v", r, err)
	}
}

func TestAgencySucceedCommand(t *testing.T) {
	t.Parallel()
	w := newRecordsWorld(t)
	if code, _, errOut := w.run(t, "agency", "succeed", "--from", "H23.10"); code != 2 {
		t.Fatalf("without --to: exit %d %s", code, errOut)
	}
	if _, err := w.eng.CreateUnit(context.Background(), engine.System, engine.Unit{AgencyID: w.district.ID, Name: "Văn phòng",
		ShortName: "VP"}); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := w.run(t, "agency", "succeed", "--from", "H23.10", "--to", "H23", "--unit", "VX=VP"); code != 2 ||
		!strings.Contains(errOut, `no unit "VX"`) {
		t.Fatalf("an unknown unit: exit %d %s", code, errOut)
	}
	code, stdout, errOut := w.run(t, "agency", "succeed", "--from", "H23.10", "--to", "H23", "--at", "2025-07-01",
		"--unit", "VP=VP", "--person", "luutru.tinh=vanthu.tinh")
	if code != 0 || !strings.Contains(stdout, "Ủy ban nhân dân tỉnh Hòa Bình took over") {
		t.Fatalf("agency succeed: exit %d %s %s", code, stdout, errOut)
	}
	a, err := w.store.AgencyGetByCode(context.Background(), "H23.10")
	if err != nil || a.SuccessorID != w.province.ID || a.ValidTo == nil || a.ValidTo.Format(time.DateOnly) != "2025-06-30" {
		t.Fatalf("the district after: %+v, %v", a, err)
	}
	if code, _, errOut := w.run(t, "agency", "succeed", "--from", "H23.10", "--to", "H23"); code != 1 || !strings.Contains(errOut, "already ended") {
		t.Fatalf("twice: exit %d %s", code, errOut)
	}
}

package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/storage/bagit"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlite"
)

// instance is one vanthu installation: its database, blob store and engine.
type instance struct {
	store engine.Store
	blobs blob.Store
	eng   *engine.Engine
}

func sqliteInstance(t testing.TB, blobs blob.Store) *instance {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return &instance{store: store, blobs: blobs, eng: engine.New(store)}
}

// agencyWith creates an agency with one user per role given, returning the actors.
func (in *instance) agencyWith(t testing.TB, code, name string, tier engine.Tier, roles ...engine.Role) (engine.Agency, engine.Unit, map[engine.Role]engine.Actor) {
	t.Helper()
	ctx := context.Background()
	a, err := in.eng.CreateAgency(ctx, engine.System, engine.Agency{Code: code, Name: name, ShortName: "UBND", Tier: tier})
	if err != nil {
		t.Fatal(err)
	}
	unit, err := in.eng.CreateUnit(ctx, engine.System, engine.Unit{AgencyID: a.ID, Name: "Văn phòng", ShortName: "VP"})
	if err != nil {
		t.Fatal(err)
	}
	actors := map[engine.Role]engine.Actor{}
	for _, role := range roles {
		u, err := in.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: string(role) + "." + strings.ToLower(code), FullName: "Cán bộ"}, "x")
		if err != nil {
			t.Fatal(err)
		}
		if err := in.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: a.ID, UnitID: unit.ID, Role: role}); err != nil {
			t.Fatal(err)
		}
		actors[role] = engine.Actor{UserID: u.ID, AgencyID: a.ID, Role: role}
	}
	return a, unit, actors
}

var everyone = []engine.Role{engine.RoleSpecialist, engine.RoleLeader, engine.RoleClerk, engine.RoleArchivist}

// issuedRecordOf gives agency H23 of the instance one issued decision, pdf its signed
// original, filed in record 01.VP of 2026, closed.
func (in *instance) issuedRecordOf(t testing.TB, pdf []byte) (engine.Record, map[engine.Role]engine.Actor) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, unit, actors := in.agencyWith(t, "H23", "Ủy ban nhân dân tỉnh Hòa Bình", engine.TierProvince, everyone...)
	specialist, leader, clerk := actors[engine.RoleSpecialist], actors[engine.RoleLeader], actors[engine.RoleClerk]
	obj, err := in.blobs.Put(ctx, bytes.NewReader(pdf), blob.PutOptions{})
	must(err)
	file := engine.FileInput{Name: "quyet-dinh.pdf", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}
	d, err := in.eng.CreateDraft(ctx, specialist, engine.DraftInput{TypeCode: "QĐ", Subject: "Quyết định phê duyệt", DraftingUnitID: unit.ID}, "")
	must(err)
	_, err = in.eng.Submit(ctx, specialist, d.ID, nil, "")
	must(err)
	_, err = in.eng.Approve(ctx, leader, d.ID, "")
	must(err)
	_, err = in.eng.Sign(ctx, leader, d.ID, engine.SignInput{Signed: file}, "")
	must(err)
	_, err = in.eng.Issue(ctx, clerk, d.ID, "")
	must(err)
	rec, err := in.eng.OpenRecord(ctx, specialist, 2026, engine.RecordSpec{Code: "01.VP", Title: "Hồ sơ phê duyệt", Retention: engine.Retention{Years: 10}})
	must(err)
	must(in.eng.FileDocument(ctx, specialist, rec.ID, d.ID))
	rec, err = in.eng.CloseRecord(ctx, specialist, rec.ID, time.Now())
	must(err)
	return rec, actors
}

// closedRecordOf files an issued decision (its signed PDF of pdfSize bytes) and a
// received letter into record 01.VX of 2025 of a new agency, and closes it.
func (in *instance) closedRecordOf(t testing.TB, code string, pdfSize int) (engine.Record, map[engine.Role]engine.Actor) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, unit, actors := in.agencyWith(t, code, "Ủy ban nhân dân huyện Mai Châu", engine.TierDistrict, everyone...)
	put := func(content []byte, name string) engine.FileInput {
		obj, err := in.blobs.Put(ctx, strings.NewReader(string(content)), blob.PutOptions{ContentType: "application/pdf"})
		must(err)
		return engine.FileInput{Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}
	}
	signed := put(pdfBytes(pdfSize, 1), "quyet-dinh.pdf")
	d, err := in.eng.CreateDraft(ctx, actors[engine.RoleSpecialist], engine.DraftInput{TypeCode: "QĐ",
		Subject: "Quyết định phê duyệt kế hoạch chuyển đổi số năm 2025", DraftingUnitID: unit.ID}, "")
	must(err)
	_, err = in.eng.Submit(ctx, actors[engine.RoleSpecialist], d.ID, nil, "")
	must(err)
	_, err = in.eng.Approve(ctx, actors[engine.RoleLeader], d.ID, "")
	must(err)
	_, err = in.eng.Sign(ctx, actors[engine.RoleLeader], d.ID, engine.SignInput{Signed: signed}, "")
	must(err)
	_, err = in.eng.Issue(ctx, actors[engine.RoleClerk], d.ID, "")
	must(err)
	letter, err := in.eng.ReceiveExternal(ctx, actors[engine.RoleClerk], engine.ExternalInput{Subject: "Công văn về việc báo cáo số liệu",
		SenderName: "Sở Thông tin và Truyền thông", SenderNotation: "125/STTTT-CĐS", Files: []engine.FileInput{put(pdfBytes(pdfSize/2+1, 2), "cong-van.pdf")}}, "")
	must(err)
	_, err = in.eng.Register(ctx, actors[engine.RoleClerk], letter.ID, "")
	must(err)
	rec, err := in.eng.OpenRecord(ctx, actors[engine.RoleArchivist], 2025, engine.RecordSpec{Code: "01.VX",
		Title: "Hồ sơ chuyển đổi số năm 2025", Retention: engine.Retention{Years: 10}})
	must(err)
	must(in.eng.FileDocument(ctx, actors[engine.RoleArchivist], rec.ID, d.ID))
	must(in.eng.FileDocument(ctx, actors[engine.RoleArchivist], rec.ID, letter.ID))
	rec, err = in.eng.CloseRecord(ctx, actors[engine.RoleArchivist], rec.ID, time.Date(2025, 12, 20, 3, 0, 0, 0, time.UTC))
	must(err)
	return rec, actors
}

// pdfBytes is a PDF-looking file of n bytes that does not compress, as scans do not.
func pdfBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed) * 2654435761
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	copy(b, "%PDF-1.7\n")
	return b
}

func exportBag(t testing.TB, in *instance, recordID string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bag")
	if _, err := archive.Export(context.Background(), in.store, in.blobs, recordID, dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func fsBlobs(t testing.TB) blob.Store {
	t.Helper()
	b, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// counts are what an import may add: records, documents and audit events.
func counts(t *testing.T, in *instance, agencyID string) [3]int {
	t.Helper()
	ctx := context.Background()
	recs, err := in.store.RecordListByAgency(ctx, agencyID, 0)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := in.store.DocumentList(ctx, engine.DocumentFilter{AgencyID: agencyID})
	if err != nil {
		t.Fatal(err)
	}
	events, err := in.store.AuditCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return [3]int{len(recs), len(docs), events}
}

func TestImportIntoASuccessor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := sqliteInstance(t, fsBlobs(t))
	rec, _ := src.closedRecordOf(t, "H23.10", 2000)
	bag := exportBag(t, src, rec.ID)

	dst := sqliteInstance(t, fsBlobs(t))
	province, _, actors := dst.agencyWith(t, "H23", "Ủy ban nhân dân tỉnh Hòa Bình", engine.TierProvince, engine.RoleArchivist, engine.RoleSpecialist)
	own, err := dst.eng.OpenRecord(ctx, actors[engine.RoleArchivist], 2025, engine.RecordSpec{Code: "01.VX", Title: "Hồ sơ của tỉnh", Retention: engine.Retention{Years: 5}})
	if err != nil {
		t.Fatal(err)
	}
	opts := archive.ImportOptions{AgencyCode: "H23", Actor: actors[engine.RoleArchivist]}

	t.Run("OnlyTheArchivistOrAnAdminImports", func(t *testing.T) {
		before := counts(t, dst, province.ID)
		o := opts
		o.Actor = actors[engine.RoleSpecialist]
		if _, err := archive.Import(ctx, dst.eng, dst.store, dst.blobs, bag, o); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("a specialist imported: %v", err)
		}
		if after := counts(t, dst, province.ID); after != before {
			t.Fatalf("a refused import changed %v to %v", before, after)
		}
	})

	res, err := archive.Import(ctx, dst.eng, dst.store, dst.blobs, bag, opts)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("RecordKeepsItsFondsAndAvoidsTheSuccessorsCode", func(t *testing.T) {
		r := res.Record
		if r.AgencyID != province.ID || r.FondsCode != "H23.10" || r.Code != "01.VX.H23.10" || r.Year != 2025 ||
			r.Title != "Hồ sơ chuyển đổi số năm 2025" || r.Retention != (engine.Retention{Years: 10}) || r.State != engine.RecordHandedOver {
			t.Fatalf("imported record %+v", r)
		}
		if r.WorkEndedAt == nil || r.WorkEndedAt.In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02") != "2025-12-20" {
			t.Fatalf("work ended %v", r.WorkEndedAt)
		}
		still, err := dst.store.RecordGetByID(ctx, own.ID)
		if err != nil || still.Code != "01.VX" || still.Title != "Hồ sơ của tỉnh" {
			t.Fatalf("the successor's own record: %+v, %v", still, err)
		}
	})

	t.Run("DocumentsAndFilesAreHereVerified", func(t *testing.T) {
		ids, err := dst.store.RecordDocumentList(ctx, res.Record.ID)
		if err != nil || len(ids) != 2 {
			t.Fatalf("filed %v, %v", ids, err)
		}
		d, err := dst.store.DocumentGetByID(ctx, ids[0])
		if err != nil || d.Notation != "01/QĐ-UBND" || d.Number != 0 || d.TypeCode != "QĐ" || d.State != engine.StateFiled {
			t.Fatalf("decision %+v, %v", d, err)
		}
		letter, err := dst.store.DocumentGetByID(ctx, ids[1])
		if err != nil || letter.Flow != engine.Incoming || letter.SenderNotation != "125/STTTT-CĐS" || letter.SenderName != "Sở Thông tin và Truyền thông" {
			t.Fatalf("letter %+v, %v", letter, err)
		}
		for _, id := range ids {
			files, err := dst.store.FileListByDocument(ctx, id)
			if err != nil || len(files) != 1 {
				t.Fatalf("files %+v, %v", files, err)
			}
			if err := blob.Verify(ctx, dst.blobs, files[0].BlobKey); err != nil {
				t.Fatalf("stored file: %v", err)
			}
		}
	})

	t.Run("SourceTrailIsKeptAndTheChainGetsOneEvent", func(t *testing.T) {
		imp, events, err := dst.eng.ImportedHistory(ctx, actors[engine.RoleSpecialist], res.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		srcAgency, _ := src.store.AgencyGetByCode(ctx, "H23.10")
		head, _ := src.store.AuditHeadGet(ctx, srcAgency.ID)
		if imp.SourceFondsCode != "H23.10" || imp.SourceHeadHash != head.Hash || imp.BagName != "bag" || len(events) == 0 {
			t.Fatalf("import %+v with %d events; source head %s", imp, len(events), head.Hash)
		}
		for _, e := range events {
			if e.AgencyID != srcAgency.ID {
				t.Fatalf("a source event of another chain: %+v", e)
			}
		}
		chain, err := dst.store.AuditListByAgency(ctx, province.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var imported []engine.Event
		for _, e := range chain {
			if e.Action == "import_record" {
				imported = append(imported, e)
			}
		}
		if len(imported) != 1 || imported[0].ObjectID != res.Record.ID || !strings.Contains(imported[0].After, head.Hash) ||
			!strings.Contains(imported[0].After, `"source_fonds":"H23.10"`) || !strings.Contains(imported[0].After, `"bag":"bag"`) {
			t.Fatalf("import events %+v", imported)
		}
		dstHead, _ := dst.store.AuditHeadGet(ctx, province.ID)
		if problems := engine.VerifyChain(dstHead, chain); len(problems) != 0 {
			t.Fatalf("chain broken: %v", problems)
		}
	})

	t.Run("FoundWithoutDiacritics", func(t *testing.T) {
		docs, err := dst.eng.Search(ctx, actors[engine.RoleArchivist], "quyet dinh chuyen doi so", 10)
		if err != nil || len(docs) != 1 || docs[0].Subject != "Quyết định phê duyệt kế hoạch chuyển đổi số năm 2025" {
			t.Fatalf("search: %+v, %v", docs, err)
		}
	})

	t.Run("SecondImportIsANoOp", func(t *testing.T) {
		before := counts(t, dst, province.ID)
		again, err := archive.Import(ctx, dst.eng, dst.store, dst.blobs, bag, opts)
		if err != nil || !again.AlreadyImported || again.Record.ID != res.Record.ID {
			t.Fatalf("second import: %+v, %v", again, err)
		}
		if after := counts(t, dst, province.ID); after != before {
			t.Fatalf("a second import changed %v to %v", before, after)
		}
	})
}

func TestImportRefusesWhatItCannotTrust(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := sqliteInstance(t, fsBlobs(t))
	rec, _ := src.closedRecordOf(t, "H23.10", 3000)
	good := exportBag(t, src, rec.ID)
	dst := sqliteInstance(t, fsBlobs(t))
	district, _, actors := dst.agencyWith(t, "H23.10", "Ủy ban nhân dân huyện Mai Châu", engine.TierDistrict, engine.RoleArchivist)
	opts := archive.ImportOptions{Actor: actors[engine.RoleArchivist]}

	refused := func(t *testing.T, dir string, want error, o archive.ImportOptions) {
		t.Helper()
		before := counts(t, dst, district.ID)
		_, err := archive.Import(ctx, dst.eng, dst.store, dst.blobs, dir, o)
		if !errors.Is(err, want) {
			t.Fatalf("err = %v, want %v", err, want)
		}
		if after := counts(t, dst, district.ID); after != before {
			t.Fatalf("a refused import changed %v to %v", before, after)
		}
	}

	t.Run("DamagedPayload", func(t *testing.T) {
		dir := copyBag(t, good)
		pdfs, _ := filepath.Glob(filepath.Join(dir, "data", "documents", "*", "*.pdf"))
		b, _ := os.ReadFile(pdfs[0])
		b[len(b)/2] ^= 1
		os.WriteFile(pdfs[0], b, 0o600)
		refused(t, dir, archive.ErrDamagedBag, opts)
	})

	t.Run("EditedMetadata", func(t *testing.T) {
		dir := copyBag(t, good)
		p := filepath.Join(dir, "metadata", "record.json")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, []byte(strings.Replace(string(b), "10 năm", "5 năm", 1)), 0o600)
		refused(t, dir, archive.ErrDamagedBag, opts)
	})

	t.Run("NewerFormat", func(t *testing.T) {
		dir := rebag(t, good, func(m map[string]any) { m["format_version"] = archive.FormatVersion + 1 })
		refused(t, dir, archive.ErrNewerFormat, opts)
	})

	t.Run("MetadataNamingAFileNotInTheBag", func(t *testing.T) {
		dir := rebag(t, good, func(m map[string]any) {
			doc := m["documents"].([]any)[0].(map[string]any)
			file := doc["files"].([]any)[0].(map[string]any)
			file["path"] = "data/documents/khac.pdf"
		})
		refused(t, dir, archive.ErrDamagedBag, opts)
	})

	t.Run("UnknownAgency", func(t *testing.T) {
		o := opts
		o.AgencyCode = "H99"
		refused(t, good, engine.ErrNotFound, o)
	})

	t.Run("NotABag", func(t *testing.T) {
		refused(t, t.TempDir(), bagit.ErrNotBag, opts)
	})

	t.Run("ADifferentBagOfARecordAlreadyImported", func(t *testing.T) {
		if _, err := archive.Import(ctx, dst.eng, dst.store, dst.blobs, good, opts); err != nil {
			t.Fatal(err)
		}
		other := rebag(t, good, func(m map[string]any) {}, pdfBytes(10, 9))
		refused(t, other, engine.ErrConflict, opts)
	})
}

// copyBag copies a bag directory.
func copyBag(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := os.CopyFS(out, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return out
}

// rebag writes a valid bag with the payload of dir and its metadata changed by edit;
// extra, when given, is added as one more file of the first document.
func rebag(t *testing.T, dir string, edit func(map[string]any), extra ...[]byte) string {
	t.Helper()
	ctx := context.Background()
	bag, err := bagit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := bag.ReadTagFile("metadata/record.json", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := json.Unmarshal(raw, &meta); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(dir))
	w, err := bagit.NewWriter(out, bagit.WriterOptions{Agent: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for e := range bag.Files() {
		r, err := bag.Open(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddFile(ctx, e.Path, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	for _, b := range extra {
		if err := w.AddFile(ctx, "documents/them.pdf", strings.NewReader(string(b))); err != nil {
			t.Fatal(err)
		}
		doc := meta["documents"].([]any)[0].(map[string]any)
		doc["files"] = append(doc["files"].([]any), map[string]any{"path": "data/documents/them.pdf", "kind": "attachment",
			"sha256": sha256Hex(b), "size": len(b)})
	}
	edit(meta)
	edited, _ := json.Marshal(meta)
	audit, _ := os.ReadFile(filepath.Join(dir, "metadata", "audit.json"))
	if err := w.AddTagFile("metadata/record.json", edited); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTagFile("metadata/audit.json", audit); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

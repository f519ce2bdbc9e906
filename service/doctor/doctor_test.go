package doctor_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/doctor"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

type testBundle struct {
	store    *sqlstore.Store
	eng      *engine.Engine
	blobsDir string
	blobs    *blob.FS
	replica  *blob.FS
	agency   engine.Agency
	// The three registered incoming documents' files, as stored (also in the replica).
	files []blob.Object
	draft engine.Document // an outgoing draft without a file
}

// setup seeds the demo province and has the province's clerk register three incoming
// documents (số đến 1-3), each with its scan, kept in the replica too; a specialist
// starts a draft and never adds its file.
func setup(t *testing.T, open dbtest.Opener) *testBundle {
	t.Helper()
	ctx := context.Background()
	store := open(t)
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, store, "mat-khau-thu"); err != nil {
		t.Fatal(err)
	}
	b := &testBundle{store: store, eng: engine.New(store), blobsDir: t.TempDir()}
	var err error
	if b.blobs, err = blob.NewFS(b.blobsDir); err != nil {
		t.Fatal(err)
	}
	if b.replica, err = blob.NewFS(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	clerk := actor(t, store, "vanthu.tinh")
	if b.agency, err = store.AgencyGetByID(ctx, clerk.AgencyID); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		data := fmt.Sprintf("%%PDF-1.7 công văn đến số %d", i+1)
		o, err := b.blobs.Put(ctx, strings.NewReader(data), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.replica.Put(ctx, strings.NewReader(data), blob.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		b.files = append(b.files, o)
		d, err := b.eng.ReceiveExternal(ctx, engine.System, engine.ExternalInput{TypeCode: "", Subject: "Công văn đến",
			Urgency: engine.UrgencyNormal, SenderName: "Bộ Nội vụ", AgencyID: b.agency.ID,
			Files: []engine.FileInput{{Name: "cv.pdf", BlobKey: o.Key, SHA256: o.SHA256, Size: o.Size}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.eng.Register(ctx, clerk, d.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	if b.draft, err = b.eng.CreateDraft(ctx, actor(t, store, "chuyenvien.tinh"), engine.DraftInput{TypeCode: "",
		Subject: "Dự thảo công văn", Urgency: engine.UrgencyNormal}, ""); err != nil {
		t.Fatal(err)
	}
	return b
}

func actor(t *testing.T, store *sqlstore.Store, username string) engine.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := store.UserGetByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := store.MembershipListByUser(ctx, u.ID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("memberships of %s: %v %v", username, ms, err)
	}
	return engine.Actor{UserID: u.ID, AgencyID: ms[0].AgencyID, Role: ms[0].Role}
}

// run runs the doctor two hours on, so that the draft has waited longer than an hour.
func (b *testBundle) run(t *testing.T, repair bool) doctor.Report {
	t.Helper()
	d, err := doctor.New(doctor.Config{Store: b.store, Blobs: b.blobs, Replica: b.replica, StuckAfter: time.Hour,
		Repair: repair, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := d.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// lines are the report's problems as the text output prints them.
func lines(rep doctor.Report) string {
	var out []string
	for _, p := range rep.Problems {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

func has(rep doctor.Report, check, kind, subject, detail string) bool {
	for _, p := range rep.Problems {
		if p.Check == check && p.Kind == kind && p.Subject == subject && strings.Contains(p.Detail, detail) {
			return true
		}
	}
	return false
}

func TestDoctor(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, open dbtest.Opener) {
		b := setup(t, open)
		ctx := context.Background()
		year := time.Now().Year()
		register := fmt.Sprintf("%s/%d/incoming", b.agency.Code, year)

		rep := b.run(t, false)
		if len(rep.Problems) != 1 || !has(rep, doctor.CheckDocuments, doctor.KindDraftWithoutFile, "document "+b.draft.ID, "draft") {
			t.Fatalf("sound data, one draft without a file; got:\n%s", lines(rep))
		}
		if rep.OK || rep.Checked.Blobs != 3 || rep.Checked.Registers < 1 || rep.Checked.AuditChains < 2 || rep.Checked.AuditEvents < 7 {
			t.Fatalf("checked %+v, ok %v", rep.Checked, rep.OK)
		}

		// Break it: the first scan deleted, a byte of the second flipped, an orphan, a
		// number handed out twice more than the documents hold, an audit event edited.
		must(t, os.Remove(filepath.Join(b.blobsDir, filepath.FromSlash(b.files[0].Key))))
		path := filepath.Join(b.blobsDir, filepath.FromSlash(b.files[1].Key))
		data, err := os.ReadFile(path)
		must(t, err)
		data[3] ^= 0x20
		must(t, os.Chmod(path, 0o640))
		must(t, os.WriteFile(path, data, 0o640))
		orphan, err := b.blobs.Put(ctx, bytes.NewReader([]byte("tải lên dở dang")), blob.PutOptions{})
		must(t, err)
		dbtest.Exec(t, b.store, fmt.Sprintf(`UPDATE register_counter SET last_number = 5 WHERE agency_id = '%s' AND kind = 'incoming'`, b.agency.ID))
		dbtest.Exec(t, b.store, fmt.Sprintf(`UPDATE audit_event SET after = '{"state":"filed"}' WHERE agency_id = '%s' AND seq = 2`, b.agency.ID))

		rep = b.run(t, false)
		t.Logf("report:\n%s", lines(rep))
		for _, want := range []struct{ check, kind, subject, detail string }{
			{doctor.CheckBlobs, doctor.KindMissing, b.files[0].Key, "held by document"},
			{doctor.CheckBlobs, doctor.KindCorrupt, b.files[1].Key, "integrity"},
			{doctor.CheckBlobs, doctor.KindOrphan, orphan.Key, "referenced by nothing"},
			{doctor.CheckRegisters, doctor.KindGap, register, "numbers 4-5"},
			{doctor.CheckAudit, doctor.KindBrokenChain, "agency " + b.agency.Code, "event 2"},
			{doctor.CheckDocuments, doctor.KindDraftWithoutFile, "document " + b.draft.ID, "no draft file"},
		} {
			if !has(rep, want.check, want.kind, want.subject, want.detail) {
				t.Errorf("no problem %+v in the report", want)
			}
		}
		if len(rep.Problems) != 6 || rep.OK {
			t.Fatalf("%d problems, ok %v; want exactly the 6 above", len(rep.Problems), rep.OK)
		}
		if _, err := b.blobs.Stat(ctx, orphan.Key); err != nil {
			t.Fatalf("without --repair the orphan was deleted: %v", err)
		}

		rep = b.run(t, true)
		for _, p := range rep.Problems {
			if repairable := p.Check == doctor.CheckBlobs; p.Repaired != repairable {
				t.Errorf("repaired %v: %s", p.Repaired, p)
			}
		}
		for _, f := range b.files {
			if err := blob.Verify(ctx, b.blobs, f.Key); err != nil {
				t.Errorf("after --repair: %v", err)
			}
		}
		rep = b.run(t, false)
		if len(rep.Problems) != 3 {
			t.Fatalf("after --repair want the gap, the audit chain and the draft left; got:\n%s", lines(rep))
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

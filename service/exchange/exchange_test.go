package exchange

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/axis/axistest"
	"github.com/vanthu/vanthu/service/axis/emulator"
	"github.com/vanthu/vanthu/service/jobs"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// instance is one vanthu instance of a test: its own database, blob store, engine, job
// queue working the exchange's jobs, and the people of its one agency.
type instance struct {
	store  *sqlstore.Store
	blobs  blob.Store
	eng    *engine.Engine
	svc    *Service
	agency engine.Agency
	unit   engine.Unit
	people map[engine.Role]engine.Actor
}

// newInstance starts an instance whose agency has the axis code code102, connected to
// the axis at url as system with secret.
func newInstance(t *testing.T, open dbtest.Opener, code, code102, name, url, system, secret string) *instance {
	t.Helper()
	ctx := context.Background()
	store := open(t)
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{store: store, blobs: blobs, eng: engine.New(store), people: map[engine.Role]engine.Actor{}}
	in.agency = engine.Agency{ID: uuid.NewString(), Code: code, Code102: code102, Name: name, ShortName: "UBND",
		Tier: engine.TierProvince, CreatedAt: time.Now().UTC()}
	must(t, store.AgencyInsert(ctx, &in.agency))
	in.unit = engine.Unit{ID: uuid.NewString(), AgencyID: in.agency.ID, Name: "Văn phòng", ShortName: "VP", CreatedAt: time.Now().UTC()}
	must(t, store.UnitInsert(ctx, &in.unit))
	for i, role := range []engine.Role{engine.RoleClerk, engine.RoleLeader, engine.RoleSpecialist} {
		u := engine.User{ID: uuid.NewString(), Username: fmt.Sprintf("u%d.%s", i, strings.ToLower(strings.ReplaceAll(code, ".", ""))),
			FullName: []string{"Lò Thị Hoa", "Bùi Văn Khánh", "Đinh Công Sơn"}[i], CreatedAt: time.Now().UTC()}
		must(t, store.UserInsert(ctx, &u))
		m := engine.Membership{UserID: u.ID, AgencyID: in.agency.ID, Role: role, Title: "Chủ tịch"}
		if role == engine.RoleSpecialist {
			m.UnitID = in.unit.ID
		}
		must(t, store.MembershipInsert(ctx, &m))
		in.people[role] = engine.Actor{UserID: u.ID, AgencyID: in.agency.ID, Role: role}
	}
	in.svc, err = New(Config{Engine: in.eng, Store: store, Blobs: blobs, Axis: axistest.Client(t, url, system, secret)})
	if err != nil {
		t.Fatal(err)
	}
	// The send and status workers run on a real queue; the periodic rounds are run by
	// the test, one at a time.
	workers := river.NewWorkers()
	in.svc.Register(workers)
	q, err := jobs.New(store, jobs.Config{Workers: workers, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	store.AddTxHook(in.svc.TxHook(q))
	must(t, q.Start(ctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.StopAndCancel(sctx)
	})
	must(t, in.svc.SyncDirectory(ctx))
	return in
}

// issued is an outgoing document of the instance's agency, numbered and sealed (the
// seal's bytes stand in: the receiver reports what it finds), with a zipped attachment.
func (in *instance) issued(t *testing.T, number int, subject, replaces, kind string) engine.Document {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	d := engine.Document{ID: uuid.NewString(), AgencyID: in.agency.ID, Flow: engine.Outgoing, State: engine.StateAgencySigned,
		Version: 1, TypeCode: "CV", Subject: subject, Year: now.Year(), Number: number,
		Notation: fmt.Sprintf("%d/UBND-VP", number), IssuedAt: &now, SignerID: in.people[engine.RoleLeader].UserID,
		SignerTitle: "Chủ tịch", ReplacesID: replaces, ReplaceKind: kind, CreatedAt: now, UpdatedAt: now}
	var files []engine.File
	put := func(kind, name string, content []byte) {
		obj, err := in.blobs.Put(ctx, bytes.NewReader(content), blob.PutOptions{})
		must(t, err)
		files = append(files, engine.File{DocumentID: d.ID, Kind: kind, Name: name, BlobKey: obj.Key,
			SHA256: obj.SHA256, Size: obj.Size, CreatedAt: now})
	}
	put("draft", "du-thao.pdf", []byte("%PDF-1.7 draft"))
	put("signed", "van-ban.pdf", []byte("%PDF-1.7 sealed "+subject))
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for _, name := range []string{"phu-luc-1.pdf", "phu-luc-2.txt"} {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte("nội dung " + name))
		must(t, err)
	}
	must(t, zw.Close())
	put("attachment", "phu-luc.zip", zipped.Bytes())
	// On SQLite only transactions write.
	must(t, in.store.InTx(ctx, func(q engine.Queries) error {
		if err := q.DocumentInsert(ctx, &d); err != nil {
			return err
		}
		for i := range files {
			if err := q.FileInsert(ctx, &files[i]); err != nil {
				return err
			}
		}
		return nil
	}))
	return d
}

// history is a delivery's history as status codes.
func (in *instance) history(t *testing.T, docID string) (engine.AxisDeliveryView, []string) {
	t.Helper()
	views, err := in.eng.AxisDeliveries(context.Background(), in.people[engine.RoleClerk], docID)
	must(t, err)
	if len(views) != 1 {
		t.Fatalf("%d axis deliveries of %s, want 1", len(views), docID)
	}
	var codes []string
	for _, h := range views[0].History {
		codes = append(codes, h.StatusCode)
	}
	return views[0], codes
}

// eventually runs round until ok holds, for at most 30 s.
func eventually(t *testing.T, what string, round func() error, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := round(); err != nil {
			t.Logf("%s: round: %v", what, err)
		}
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 30 s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// incoming lists an instance's incoming documents.
func (in *instance) incoming(t *testing.T) []engine.Document {
	t.Helper()
	docs, err := in.store.DocumentList(context.Background(), engine.DocumentFilter{AgencyID: in.agency.ID, Flow: engine.Incoming, Limit: 100})
	must(t, err)
	return docs
}

const (
	provinceCode = "000.00.00.H23"
	ministryCode = "000.00.00.G12"
)

func TestExchangeBetweenTwoInstances(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, open dbtest.Opener) {
		ctx := context.Background()
		url := axistest.Start(t, axistest.TwoSystems([]axis.Agency{{Code: provinceCode, Name: "Ủy ban nhân dân tỉnh Hòa Bình"}},
			axis.Agency{Code: ministryCode, Name: "Bộ Tài chính"}))
		a := newInstance(t, open, "H23", provinceCode, "Ủy ban nhân dân tỉnh Hòa Bình", url, emulator.DemoSystem, axistest.DemoSecret)
		b := newInstance(t, open, "G12", ministryCode, "Bộ Tài chính", url, emulator.PeerSystem, axistest.PeerSecret)
		clerkA := a.people[engine.RoleClerk]

		t.Run("DirectoryIsSearchable", func(t *testing.T) {
			got, err := a.eng.SearchAxisAgencies(ctx, engine.AxisAgencySearch{Query: "bo tai chinh"})
			must(t, err)
			if len(got) != 1 || got[0].Code != ministryCode {
				t.Fatalf("search: %+v", got)
			}
		})
		t.Run("UnknownCodeIsRefused", func(t *testing.T) {
			d := a.issued(t, 90, "Gửi nhầm", "", "")
			_, err := a.eng.DispatchTo(ctx, clerkA, d.ID, engine.DispatchInput{ExternalCodes: []string{"000.00.00.G99"}}, "")
			if err == nil || !strings.Contains(err.Error(), "directory") {
				t.Fatalf("dispatch to a code not in the directory: %v", err)
			}
		})

		orig := a.issued(t, 15, "Về việc phân bổ ngân sách", "", "")
		_, err := a.eng.DispatchTo(ctx, clerkA, orig.ID, engine.DispatchInput{ExternalCodes: []string{ministryCode}}, "dispatch-1")
		must(t, err)
		eventually(t, "sent", func() error { return nil }, func() bool {
			v, _ := a.history(t, orig.ID)
			return v.Status == engine.DeliverySent
		})

		var got engine.Document
		t.Run("ArrivesUnpackedAndOnce", func(t *testing.T) {
			// A round that handles the package but dies before acknowledging it: the
			// next round sees the same package and takes it as a duplicate.
			pkgs, err := b.svc.cfg.Axis.Received(ctx)
			must(t, err)
			if len(pkgs) != 1 {
				t.Fatalf("%d packages waiting at the ministry, want 1", len(pkgs))
			}
			body, err := b.svc.cfg.Axis.Fetch(ctx, pkgs[0].ID)
			must(t, err)
			_, err = b.svc.receiver.Receive(ctx, body)
			body.Close()
			must(t, err)
			must(t, b.svc.ReceiveAll(ctx))
			docs := b.incoming(t)
			if len(docs) != 1 {
				t.Fatalf("%d incoming documents at the ministry, want 1", len(docs))
			}
			got = docs[0]
			if got.SenderNotation != "15/UBND-VP" || got.Subject != orig.Subject || got.State != engine.StateReceived {
				t.Fatalf("received %+v", got)
			}
			files, err := b.store.FileListByDocument(ctx, got.ID)
			must(t, err)
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, []string{"phu-luc-1.pdf", "phu-luc-2.txt", "van-ban.pdf"}) {
				t.Fatalf("files %v: want the sealed PDF and the zip's two files, no draft", names)
			}
			left, err := b.svc.cfg.Axis.Received(ctx)
			must(t, err)
			if len(left) != 0 {
				t.Fatalf("%d packages still waiting after the round", len(left))
			}
		})

		t.Run("SenderSeesEveryStatusInOrder", func(t *testing.T) {
			clerkB, leaderB, specB := b.people[engine.RoleClerk], b.people[engine.RoleLeader], b.people[engine.RoleSpecialist]
			_, err := b.eng.Register(ctx, clerkB, got.ID, "")
			must(t, err)
			_, err = b.eng.Present(ctx, clerkB, got.ID, "")
			must(t, err)
			_, err = b.eng.Direct(ctx, leaderB, got.ID, engine.DirectInput{Text: "Giao Văn phòng xử lý",
				Tasks: []engine.UnitTask{{UserID: specB.UserID, Role: engine.Lead, WorkingDays: 5}}}, "")
			must(t, err)
			_, err = b.eng.Start(ctx, specB, got.ID, "")
			must(t, err)
			_, err = b.eng.Complete(ctx, specB, got.ID, "Đã xử lý", "")
			must(t, err)
			want := []string{"queued", "sent", "01", "03", "04", "05", "06"}
			var codes []string
			eventually(t, "statuses at the province", func() error { return a.svc.ReceiveAll(ctx) }, func() bool {
				_, codes = a.history(t, orig.ID)
				return len(codes) >= len(want)
			})
			v, codes := a.history(t, orig.ID)
			if !slices.Equal(codes, want) || v.Status != engine.DeliveryDone {
				t.Fatalf("history %v, status %s; want %v, done", codes, v.Status, want)
			}
			if staff := v.History[len(v.History)-1].Staff; !strings.Contains(staff, "Đinh Công Sơn") {
				t.Fatalf("completed by %q, want the specialist who acted", staff)
			}
		})

		t.Run("UpdateAndReplacementAreAccepted", func(t *testing.T) {
			for i, kind := range []string{"correct", "replace"} {
				d := a.issued(t, 20+i, "Về việc phân bổ ngân sách ("+kind+")", orig.ID, kind)
				_, err := a.eng.DispatchTo(ctx, clerkA, d.ID, engine.DispatchInput{}, "")
				must(t, err)
				eventually(t, kind+" taken in", func() error { return b.svc.ReceiveAll(ctx) }, func() bool {
					return len(b.incoming(t)) == 2+i
				})
				eventually(t, kind+" accepted", func() error { return a.svc.ReceiveAll(ctx) }, func() bool {
					v, _ := a.history(t, d.ID)
					return v.Status == engine.DeliveryChangeAccepted
				})
			}
			o, err := b.store.DocumentGetByID(ctx, got.ID)
			must(t, err)
			if !strings.Contains(o.Note, "Cập nhật bởi") || !strings.Contains(o.Note, "Thay thế bởi") {
				t.Fatalf("the original's note %q does not say it was updated and replaced", o.Note)
			}
		})

		t.Run("RecallReachesTheRecipient", func(t *testing.T) {
			_, err := a.eng.Recall(ctx, clerkA, orig.ID, "Ban hành nhầm", "")
			must(t, err)
			eventually(t, "recalled at the ministry", func() error { return b.svc.ReceiveAll(ctx) }, func() bool {
				d, err := b.store.DocumentGetByID(ctx, got.ID)
				return err == nil && d.State == engine.StateCancelled
			})
			eventually(t, "recall answered", func() error { return a.svc.ReceiveAll(ctx) }, func() bool {
				v, _ := a.history(t, orig.ID)
				return v.Status == engine.DeliveryChangeAccepted
			})
			_, codes := a.history(t, orig.ID)
			if !slices.Contains(codes, "recalled") || codes[len(codes)-1] != "15" {
				t.Fatalf("history %v: want the recall and its answer 15 last", codes)
			}
		})
	})
}

func TestExchangeSurvivesOutagesAndRefusals(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, open dbtest.Opener) {
		ctx := context.Background()
		emu := axistest.StartServer(t, t.TempDir(), axistest.TwoSystems([]axis.Agency{{Code: provinceCode, Name: "Ủy ban nhân dân tỉnh Hòa Bình"}},
			axis.Agency{Code: ministryCode, Name: "Bộ Tài chính"}))
		a := newInstance(t, open, "H23", provinceCode, "Ủy ban nhân dân tỉnh Hòa Bình", emu.URL, emulator.DemoSystem, axistest.DemoSecret)
		b := newInstance(t, open, "G12", ministryCode, "Bộ Tài chính", emu.URL, emulator.PeerSystem, axistest.PeerSecret)
		clerkA := a.people[engine.RoleClerk]

		t.Run("AxisDownThenBackSendsOnce", func(t *testing.T) {
			emu.Stop()
			d := a.issued(t, 31, "Gửi khi trục ngừng", "", "")
			_, err := a.eng.DispatchTo(ctx, clerkA, d.ID, engine.DispatchInput{ExternalCodes: []string{ministryCode}}, "")
			must(t, err)
			v, _ := a.history(t, d.ID)
			if err := a.svc.Send(ctx, v.ID); err == nil {
				t.Fatal("sending with the axis down succeeded")
			}
			if v, _ := a.history(t, d.ID); v.Status != engine.DeliveryQueued {
				t.Fatalf("with the axis down the delivery is %s, want queued", v.Status)
			}
			emu.Start()
			// The job's retry, and a second retry whose first answer was lost: one package.
			must(t, a.svc.Send(ctx, v.ID))
			v, _ = a.history(t, d.ID)
			if v.Status != engine.DeliverySent || v.PackageID == "" {
				t.Fatalf("after the axis came back: %+v", v.AxisDelivery)
			}
			out, err := a.svc.buildDocument(ctx, v.AxisDelivery, &bytes.Buffer{})
			must(t, err)
			var again bytes.Buffer
			out, err = a.svc.buildDocument(ctx, v.AxisDelivery, &again)
			must(t, err)
			out.Body, out.Size = &again, int64(again.Len())
			pkgs, err := a.svc.cfg.Axis.Send(ctx, out)
			must(t, err)
			if len(pkgs) != 1 || pkgs[0].ID != v.PackageID {
				t.Fatalf("a repeated send made %+v, want package %s again", pkgs, v.PackageID)
			}
			waiting, err := b.svc.cfg.Axis.Received(ctx)
			must(t, err)
			if len(waiting) != 1 {
				t.Fatalf("%d packages at the ministry, want 1", len(waiting))
			}
			must(t, b.svc.ReceiveAll(ctx))
			if n := len(b.incoming(t)); n != 1 {
				t.Fatalf("%d documents at the ministry, want 1", n)
			}
		})

		t.Run("RefusedRecipientIsShownWithItsReason", func(t *testing.T) {
			// An entry the axis dropped after the last synchronisation.
			gone := engine.AxisAgency{Code: "000.00.00.G99", Name: "Cơ quan đã giải thể", SyncedAt: time.Now().UTC()}
			must(t, a.store.InTx(ctx, func(q engine.Queries) error { return q.AxisAgencyUpsert(ctx, &gone) }))
			d := a.issued(t, 32, "Gửi cơ quan đã giải thể", "", "")
			_, err := a.eng.DispatchTo(ctx, clerkA, d.ID, engine.DispatchInput{ExternalCodes: []string{gone.Code}}, "")
			must(t, err)
			eventually(t, "refused", func() error { return nil }, func() bool {
				v, _ := a.history(t, d.ID)
				return v.Status == engine.DeliveryFailed
			})
			v, codes := a.history(t, d.ID)
			if v.Reason == "" || !slices.Equal(codes, []string{"queued", "failed"}) {
				t.Fatalf("refused delivery %+v, history %v: want the axis's reason", v.AxisDelivery, codes)
			}
		})

		t.Run("ReturnedWithItsReason", func(t *testing.T) {
			d := a.issued(t, 33, "Gửi nhầm cơ quan", "", "")
			_, err := a.eng.DispatchTo(ctx, clerkA, d.ID, engine.DispatchInput{ExternalCodes: []string{ministryCode}}, "")
			must(t, err)
			var got engine.Document
			eventually(t, "arrived", func() error { return b.svc.ReceiveAll(ctx) }, func() bool {
				for _, doc := range b.incoming(t) {
					if doc.Subject == d.Subject {
						got = doc
					}
				}
				return got.ID != ""
			})
			_, err = b.eng.Reject(ctx, b.people[engine.RoleClerk], got.ID, "Không thuộc thẩm quyền của Bộ", "")
			must(t, err)
			// The ministry's "received" (01) and its refusal (02) are sent by jobs of their
			// own, in either order: the return is whole once both have arrived.
			eventually(t, "returned", func() error { return a.svc.ReceiveAll(ctx) }, func() bool {
				v, codes := a.history(t, d.ID)
				return v.Status == engine.DeliveryReturned && slices.Contains(codes, "01")
			})
			v, codes := a.history(t, d.ID)
			if v.Reason != "Không thuộc thẩm quyền của Bộ" || v.StatusCode != "02" || !slices.Contains(codes, "01") {
				t.Fatalf("returned: %+v, history %v", v.AxisDelivery, codes)
			}
		})

		t.Run("RecallOfAFiledDocumentIsRefused", func(t *testing.T) {
			d := a.issued(t, 36, "Văn bản đã lưu hồ sơ", "", "")
			_, err := a.eng.DispatchTo(ctx, clerkA, d.ID, engine.DispatchInput{ExternalCodes: []string{ministryCode}}, "")
			must(t, err)
			var got engine.Document
			eventually(t, "arrived", func() error { return b.svc.ReceiveAll(ctx) }, func() bool {
				for _, doc := range b.incoming(t) {
					if doc.Subject == d.Subject {
						got = doc
					}
				}
				return got.ID != ""
			})
			clerkB, leaderB, specB := b.people[engine.RoleClerk], b.people[engine.RoleLeader], b.people[engine.RoleSpecialist]
			for _, step := range []func() (engine.Document, error){
				func() (engine.Document, error) { return b.eng.Register(ctx, clerkB, got.ID, "") },
				func() (engine.Document, error) { return b.eng.Present(ctx, clerkB, got.ID, "") },
				func() (engine.Document, error) {
					return b.eng.Direct(ctx, leaderB, got.ID, engine.DirectInput{Tasks: []engine.UnitTask{{UserID: specB.UserID, Role: engine.Lead}}}, "")
				},
				func() (engine.Document, error) { return b.eng.Complete(ctx, specB, got.ID, "Xong", "") },
				func() (engine.Document, error) { return b.eng.File(ctx, specB, got.ID, "") },
			} {
				_, err := step()
				must(t, err)
			}
			_, err = a.eng.Recall(ctx, clerkA, d.ID, "Thu hồi để sửa", "")
			must(t, err)
			eventually(t, "recall refused", func() error {
				return errors.Join(b.svc.ReceiveAll(ctx), a.svc.ReceiveAll(ctx))
			}, func() bool {
				v, _ := a.history(t, d.ID)
				return v.Status == engine.DeliveryChangeRejected
			})
			v, codes := a.history(t, d.ID)
			// The sender's clerk reads the reason: Vietnamese words, not the state's name in code.
			if !strings.Contains(v.Reason, "văn bản đã được lưu hồ sơ") || strings.Contains(v.Reason, "filed") || codes[len(codes)-1] != "16" {
				t.Fatalf("refused recall: %+v, history %v", v.AxisDelivery, codes)
			}
			kept, err := b.store.DocumentGetByID(ctx, got.ID)
			must(t, err)
			if kept.State != engine.StateFiled {
				t.Fatalf("the filed document became %s", kept.State)
			}
		})

		t.Run("UpdateOfAnUnknownDocumentIsRefused", func(t *testing.T) {
			// The original went to the ministry by another channel: the ministry does not
			// know it under this DocumentId.
			stray := a.issued(t, 34, "Văn bản gốc gửi qua kênh khác", "", "")
			d := a.issued(t, 35, "Đính chính văn bản gốc", stray.ID, "correct")
			_, err := a.eng.DispatchTo(ctx, clerkA, d.ID, engine.DispatchInput{ExternalCodes: []string{ministryCode}}, "")
			must(t, err)
			eventually(t, "refused change", func() error {
				return errors.Join(b.svc.ReceiveAll(ctx), a.svc.ReceiveAll(ctx))
			}, func() bool {
				v, _ := a.history(t, d.ID)
				return v.Status == engine.DeliveryChangeRejected
			})
		})

		t.Run("UnreadablePackageIsFailedWithItsReason", func(t *testing.T) {
			since := time.Now().Add(-time.Minute)
			body := "<edXML><edXMLEnvelope><edXMLHeader></edXMLHeader></edXMLEnvelope></edXML>"
			_, err := b.svc.cfg.Axis.Send(ctx, axis.Outgoing{Type: axis.TypeDocument, From: ministryCode, To: []string{provinceCode},
				Key: "broken-1", Body: strings.NewReader(body), Size: int64(len(body))})
			must(t, err)
			must(t, a.svc.ReceiveAll(ctx))
			sent, err := b.svc.cfg.Axis.Sent(ctx, since)
			must(t, err)
			i := slices.IndexFunc(sent, func(p axis.Package) bool { return p.Key == "broken-1" })
			if i < 0 || sent[i].State != axis.StateFail || !strings.Contains(sent[i].Reason, "MessageHeader") {
				t.Fatalf("the broken package at the axis: %+v", sent)
			}
			if n := len(a.incoming(t)); n != 0 {
				t.Fatalf("%d documents taken in from a broken package", n)
			}
			// The province's clerks see the refusal and why on the Liên thông page.
			refused, err := a.eng.AxisRefusals(ctx, clerkA, 0, 50)
			must(t, err)
			j := slices.IndexFunc(refused, func(r engine.AxisRefusal) bool { return r.PackageID == sent[i].ID })
			if j < 0 || refused[j].FromCode != ministryCode || !strings.Contains(refused[j].Reason, "MessageHeader") {
				t.Fatalf("refusals recorded: %+v, want package %s with its reason", refused, sent[i].ID)
			}
		})
	})
}

package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/calendar"
)

// directedIncoming sends a province directive to the first district and takes it to the
// district leader's direction, with the culture unit leading.
func directedIncoming(t *testing.T, b *bundle, classification engine.Classification) (engine.Document, engine.Document) {
	t.Helper()
	ctx := context.Background()
	p, dist := b.province, b.districts[0]
	d := b.signedDraft(t, "Kế hoạch tổ chức Ngày Chuyển đổi số")
	out, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
	must(t, err)
	_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
	must(t, err)
	_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{dist.agency.ID}, "")
	must(t, err)
	ds, _ := b.eng.Deliveries(ctx, p.clerk, d.ID)
	in := ds[0].IncomingID
	_, err = b.eng.Register(ctx, dist.clerk, in, "")
	must(t, err)
	_, err = b.eng.Present(ctx, dist.clerk, in, "")
	must(t, err)
	doc, err := b.eng.Direct(ctx, dist.leader, in, engine.DirectInput{Text: "Giao VX chủ trì",
		Tasks: []engine.UnitTask{{UnitID: dist.culture.ID, Role: engine.Lead, WorkingDays: 5}}}, "")
	must(t, err)
	return out, doc
}

func TestAssignmentsProgressAndExtensions(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		dist := b.districts[0]
		_, in := directedIncoming(t, b, "")
		as, _ := b.store.AssignmentListByDocument(ctx, in.ID)
		lead := as[0]

		if _, err := b.eng.AssignWithin(ctx, dist.specialist, lead.ID, dist.specialist.UserID, nil, 2, ""); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("a specialist assigning: %v", err)
		}
		sub, err := b.eng.AssignWithin(ctx, dist.head, lead.ID, dist.specialist.UserID, nil, 3, "Dự thảo báo cáo")
		must(t, err)
		if sub.ParentID != lead.ID || sub.UserID != dist.specialist.UserID || sub.Deadline == nil {
			t.Fatalf("sub-assignment: %+v", sub)
		}
		if _, err := b.eng.AssignWithin(ctx, dist.head, lead.ID, b.districts[1].specialist.UserID, nil, 3, ""); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("assigning someone of another agency: %v", err)
		}
		must(t, b.eng.ReportProgress(ctx, dist.specialist, sub.ID, "Đã tổng hợp số liệu 3/5 xã"))
		if err := b.eng.ReportProgress(ctx, dist.archivist, sub.ID, "không phải việc của tôi"); err == nil {
			t.Fatal("someone outside the unit reported progress")
		}

		later := lead.Deadline.Add(72 * time.Hour)
		req, err := b.eng.RequestExtension(ctx, dist.head, lead.ID, later, "Chờ số liệu của các xã")
		must(t, err)
		if err := b.eng.DecideExtension(ctx, dist.specialist, req.ID, true, ""); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("a specialist granting an extension: %v", err)
		}
		must(t, b.eng.DecideExtension(ctx, dist.leader, req.ID, true, "Đồng ý gia hạn"))
		if err := b.eng.DecideExtension(ctx, dist.leader, req.ID, false, ""); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("answering twice: %v", err)
		}
		got, _ := b.store.AssignmentGetByID(ctx, lead.ID)
		doc, _ := b.store.DocumentGetByID(ctx, in.ID)
		if !got.Deadline.Equal(later.Truncate(time.Microsecond)) || !doc.Deadline.Equal(*got.Deadline) {
			t.Fatalf("deadline after extension: assignment %v, document %v, want %v", got.Deadline, doc.Deadline, later)
		}
		notes, _ := b.store.AssignmentNoteListByAssignment(ctx, lead.ID)
		if len(notes) != 2 || notes[1].Kind != engine.NoteExtensionGranted {
			t.Fatalf("notes: %+v", notes)
		}
	})
}

func TestRemindersWarnThenEscalateOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	dist := b.districts[0]
	start := time.Now()
	clock := start
	b.eng.SetClock(func() time.Time { return clock })
	_, in := directedIncoming(t, b, "")
	as, _ := b.store.AssignmentListByDocument(ctx, in.ID)
	r := &engine.Reminders{Engine: b.eng}

	clock = as[0].Deadline.Add(-24 * time.Hour) // the day before the deadline
	n, err := r.RunOnce(ctx)
	must(t, err)
	if n == 0 {
		t.Fatal("no due-soon reminder the day before the deadline")
	}
	notes, _ := b.store.NotificationListByUser(ctx, dist.specialist.UserID, 10)
	if len(notes) != 1 || notes[0].Kind != engine.NoticeDueSoon || !strings.Contains(notes[0].Body, "Ngày Chuyển đổi số") {
		t.Fatalf("specialist's notifications: %+v", notes)
	}

	clock = as[0].Deadline.Add(48 * time.Hour)
	_, err = r.RunOnce(ctx)
	must(t, err)
	again, err := r.RunOnce(ctx)
	must(t, err)
	if again != 0 {
		t.Fatalf("a second run sent %d more notifications", again)
	}
	heads, _ := b.store.NotificationListByUser(ctx, dist.head.UserID, 10)
	kinds := map[string]bool{}
	for _, h := range heads {
		kinds[h.Kind] = true
	}
	if !kinds[engine.NoticeOverdue] || !kinds[engine.NoticeEscalated] {
		t.Fatalf("unit head's notifications: %+v", heads)
	}
	leader, _ := b.store.NotificationListByUser(ctx, dist.leader.UserID, 10)
	if len(leader) != 1 || leader[0].Kind != engine.NoticeEscalated {
		t.Fatalf("the leader who directed it should hear it is overdue: %+v", leader)
	}
}

func TestCorrectionReachesTheOriginalRecipients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p := b.province
	orig, _ := directedIncoming(t, b, "")

	d, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "", Subject: "V/v đính chính Kế hoạch",
		DraftingUnitID: p.culture.ID, ReplacesID: orig.ID, ReplaceKind: "correct"}, "")
	must(t, err)
	_, err = b.eng.Submit(ctx, p.specialist, d.ID, nil, "")
	must(t, err)
	_, err = b.eng.Approve(ctx, p.leader, d.ID, "")
	must(t, err)
	_, err = b.eng.Sign(ctx, p.leader, d.ID, engine.SignInput{Signed: signedPDF}, "")
	must(t, err)
	fix, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
	must(t, err)
	if fix.Notation != "02/UBND-VX" {
		t.Fatalf("a công văn of the culture unit is numbered %q", fix.Notation)
	}
	_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
	must(t, err)
	_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, nil, "") // no recipients named: the original's
	must(t, err)
	ds, _ := b.eng.Deliveries(ctx, p.clerk, d.ID)
	if len(ds) != 1 || ds[0].RecipientAgencyID != b.districts[0].agency.ID {
		t.Fatalf("correction went to %+v", ds)
	}
	old, _ := b.eng.Deliveries(ctx, p.clerk, orig.ID)
	copyOfOriginal, _ := b.store.DocumentGetByID(ctx, old[0].IncomingID)
	if copyOfOriginal.Note != "Đính chính bởi văn bản số 02/UBND-VX" {
		t.Fatalf("the recipient's copy of the original says %q", copyOfOriginal.Note)
	}

	if _, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{Subject: "Trả lời", ReplyToID: orig.ID}, ""); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("a reply to an outgoing document: %v", err)
	}
}

func TestListsCopiesAndClassifiedReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p := b.province

	l, err := b.eng.SaveDistributionList(ctx, p.clerk, "Các huyện miền núi", []string{b.districts[0].agency.ID, b.districts[1].agency.ID})
	must(t, err)
	ids, err := b.eng.ResolveRecipients(ctx, p.agency.ID, engine.Recipients{ListIDs: []string{l.ID}})
	must(t, err)
	if len(ids) != 2 {
		t.Fatalf("list resolved to %v", ids)
	}
	if _, err := b.eng.ResolveRecipients(ctx, b.districts[0].agency.ID, engine.Recipients{ListIDs: []string{l.ID}}); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("another agency using the province's list: %v", err)
	}

	d := b.signedDraft(t, "Quyết định phê duyệt")
	c1, err := b.eng.IssueCopy(ctx, p.clerk, d.ID, "SY")
	must(t, err)
	c2, err := b.eng.IssueCopy(ctx, p.archivist, d.ID, "TrS")
	must(t, err)
	if c1.Notation != "01/SY-UBND" || c2.Notation != "02/TrS-UBND" {
		t.Fatalf("copies numbered %q and %q, want one shared series", c1.Notation, c2.Notation)
	}

	secret, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "BC", Subject: "Báo cáo mật",
		Classification: engine.Confidential, DraftingUnitID: p.culture.ID}, "")
	must(t, err)
	_, before, _ := b.eng.VerifyAudit(ctx, p.agency.ID)
	if _, err := b.eng.Document(ctx, p.leader, secret.ID); err != nil {
		t.Fatal(err)
	}
	_, after, _ := b.eng.VerifyAudit(ctx, p.agency.ID)
	if after != before+1 {
		t.Fatalf("reading a classified document left %d audit events, want 1", after-before)
	}
	if _, err := b.eng.Document(ctx, b.districts[0].leader, secret.ID); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("another agency reading: %v", err)
	}
}

func TestOrganisationChangesNeedAnAdminAndAreAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	dist := b.districts[0]
	admin := func(s staff) engine.Actor {
		u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: "quantri." + strings.ToLower(s.agency.Code), FullName: "Quản trị"}, "x")
		must(t, err)
		must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: s.agency.ID, Role: engine.RoleAdmin}))
		return engine.Actor{UserID: u.ID, AgencyID: s.agency.ID, Role: engine.RoleAdmin}
	}
	distAdmin, otherAdmin, provinceAdmin := admin(dist), admin(b.districts[1]), admin(b.province)
	commune := engine.Agency{Code: "H23.11.05", Name: "Ủy ban nhân dân xã Tòng Đậu", ShortName: "UBND", Tier: engine.TierCommune, ParentID: dist.agency.ID}

	if _, err := b.eng.CreateAgency(ctx, dist.specialist, commune); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("a specialist created an agency: %v", err)
	}
	if _, err := b.eng.CreateAgency(ctx, otherAdmin, commune); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("another district's admin created an agency here: %v", err)
	}
	_, before, _ := b.eng.VerifyAudit(ctx, dist.agency.ID)
	c, err := b.eng.CreateAgency(ctx, distAdmin, commune)
	must(t, err)
	_, after, _ := b.eng.VerifyAudit(ctx, dist.agency.ID)
	if after != before+1 {
		t.Fatalf("creating a commune left %d events in the district's chain, want 1", after-before)
	}
	// The province's admin manages everything below the province.
	unit, err := b.eng.CreateUnit(ctx, provinceAdmin, engine.Unit{AgencyID: c.ID, Name: "Văn phòng – Thống kê", ShortName: "VP"})
	must(t, err)
	u, err := b.eng.CreateUser(ctx, provinceAdmin, engine.User{Username: "vanthu.tongdau", FullName: "Lò Thị Hoa"}, "mật khẩu dài")
	must(t, err)
	must(t, b.eng.Grant(ctx, distAdmin, engine.Membership{UserID: u.ID, AgencyID: c.ID, UnitID: unit.ID, Role: engine.RoleClerk}))
	if err := b.eng.Grant(ctx, otherAdmin, engine.Membership{UserID: u.ID, AgencyID: c.ID, Role: engine.RoleLeader}); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("another district's admin granted a role here: %v", err)
	}
	problems, n, _ := b.eng.VerifyAudit(ctx, c.ID)
	if len(problems) > 0 || n != 2 { // its unit and the grant; its creation is in the district's chain
		t.Fatalf("the commune's chain: %d events, %v", n, problems)
	}
}

func TestProvinceCalendarEditedByItsAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: "quantri.tinh", FullName: "Quản trị tỉnh"}, "x")
	must(t, err)
	must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: b.province.agency.ID, Role: engine.RoleAdmin}))
	admin := engine.Actor{UserID: u.ID, AgencyID: b.province.agency.ID, Role: engine.RoleAdmin}
	monday := calendar.NewDate(2027, time.March, 1)

	before, err := b.eng.CalendarFor(ctx, b.districts[0].agency.ID)
	must(t, err)
	if !before.IsWorkingDay(monday) {
		t.Fatal("1 March 2027 should be a working day by default")
	}
	year := engine.CalendarYear{Holidays: before.Config().Holidays[:0]}
	for _, h := range before.Config().Holidays {
		if h.Date.Year == 2027 {
			year.Holidays = append(year.Holidays, h)
		}
	}
	year.ProvinceDaysOff = []calendar.Holiday{{Date: monday, Name: "Ngày hội văn hóa dân tộc Mường"}}
	if err := b.eng.SetCalendarYear(ctx, b.districts[0].clerk, 2027, year); err == nil {
		t.Fatal("a district clerk edited the province's calendar")
	}
	must(t, b.eng.SetCalendarYear(ctx, admin, 2027, year))
	after, err := b.eng.CalendarFor(ctx, b.districts[0].agency.ID) // a district follows its province
	must(t, err)
	if after.IsWorkingDay(monday) {
		t.Fatal("the province's extra day off is ignored")
	}
	bad := engine.CalendarYear{ProvinceDaysOff: []calendar.Holiday{{Date: calendar.NewDate(2026, 1, 5), Name: "sai năm"}}}
	if err := b.eng.SetCalendarYear(ctx, admin, 2027, bad); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("a day of another year: %v", err)
	}
}

func TestCreatingRequestsAreIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p := b.province
	in := engine.DraftInput{TypeCode: "TB", Subject: "Thông báo lịch họp", DraftingUnitID: p.culture.ID}
	first, err := b.eng.CreateDraft(ctx, p.specialist, in, "tao-du-thao-1")
	must(t, err)
	again, err := b.eng.CreateDraft(ctx, p.specialist, in, "tao-du-thao-1")
	must(t, err)
	if again.ID != first.ID {
		t.Fatalf("a retried request created a second draft: %s and %s", first.ID, again.ID)
	}
	if _, err := b.eng.CreateDraft(ctx, p.head, in, "tao-du-thao-1"); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("another user reusing the request id: %v", err)
	}
	ext := engine.ExternalInput{Subject: "Công văn của Bộ", SenderName: "Bộ Nội vụ", AgencyID: p.agency.ID,
		Files: []engine.FileInput{signedPDF}, Integrity: "2 chữ ký số hợp lệ"}
	d, err := b.eng.ReceiveExternal(ctx, engine.System, ext, "edxml-123")
	must(t, err)
	d2, err := b.eng.ReceiveExternal(ctx, engine.System, ext, "edxml-123")
	must(t, err)
	if d2.ID != d.ID || d.AgencyID != p.agency.ID || d.Note != "2 chữ ký số hợp lệ" {
		t.Fatalf("received twice: %+v / %+v", d, d2)
	}
}

func TestNumberingPerTypeAndSecretSeries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p := b.province
	u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: "quantri.tinh", FullName: "Quản trị"}, "x")
	must(t, err)
	must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: p.agency.ID, Role: engine.RoleAdmin}))
	admin := engine.Actor{UserID: u.ID, AgencyID: p.agency.ID, Role: engine.RoleAdmin}
	issue := func(typeCode string, class engine.Classification) string {
		d, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: typeCode, Subject: "Văn bản",
			Classification: class, DraftingUnitID: p.culture.ID}, "")
		must(t, err)
		_, err = b.eng.Submit(ctx, p.specialist, d.ID, nil, "")
		must(t, err)
		_, err = b.eng.Approve(ctx, p.leader, d.ID, "")
		must(t, err)
		_, err = b.eng.Sign(ctx, p.leader, d.ID, engine.SignInput{Signed: signedPDF}, "")
		must(t, err)
		d, err = b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		return d.Notation
	}
	// One series for every administrative document, a separate one for secret documents.
	got := []string{issue("QĐ", ""), issue("TB", ""), issue("QĐ", engine.Confidential), issue("", "")}
	want := []string{"01/QĐ-UBND", "02/TB-UBND", "01/QĐ-UBND", "03/UBND-VX"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("single series: %v, want %v", got, want)
	}
	if err := b.eng.SetNumberingPerType(ctx, p.clerk, true); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("a clerk changed the numbering: %v", err)
	}
	if err := b.eng.SetNumberingPerType(ctx, admin, true); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("changing the series after this year's first number: %v", err)
	}
	// Another agency chooses a series per type before its first number.
	d := b.districts[0]
	du, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: "quantri.huyen", FullName: "Quản trị"}, "x")
	must(t, err)
	must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: du.ID, AgencyID: d.agency.ID, Role: engine.RoleAdmin}))
	must(t, b.eng.SetNumberingPerType(ctx, engine.Actor{UserID: du.ID, AgencyID: d.agency.ID, Role: engine.RoleAdmin}, true))
	p = d
	got = []string{issue("QĐ", ""), issue("QĐ", ""), issue("TB", "")}
	want = []string{"01/QĐ-UBND", "02/QĐ-UBND", "01/TB-UBND"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("a series per type: %v, want %v", got, want)
	}
}

// A classified document exists only for those who handle it: by id, like in lists, it is
// not found for anyone else of the agency, and becomes readable as it is given to them.
func TestClassifiedDocumentsAreNotFoundByThoseWhoDoNotHandleThem(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		secret, err := b.eng.ReceiveExternal(ctx, p.clerk, engine.ExternalInput{Subject: "Phương án bảo vệ bí mật nhà nước",
			Classification: engine.Secret, SenderName: "Công an tỉnh", Files: []engine.FileInput{signedPDF}}, "")
		must(t, err)
		reads := func(who engine.Actor) error {
			_, err := b.eng.Document(ctx, who, secret.ID)
			_, ferr := b.eng.DocumentFiles(ctx, who, secret.ID)
			if (err == nil) != (ferr == nil) {
				t.Fatalf("the document and its files disagree: %v / %v", err, ferr)
			}
			return err
		}
		for name, who := range map[string]engine.Actor{"specialist": p.specialist, "unit head": p.head} {
			if err := reads(who); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("%s with no assignment read the classified document: %v", name, err)
			}
		}
		for _, who := range []engine.Actor{p.clerk, p.leader} {
			must(t, reads(who))
		}
		_, err = b.eng.Register(ctx, p.clerk, secret.ID, "")
		must(t, err)
		_, err = b.eng.Present(ctx, p.clerk, secret.ID, "")
		must(t, err)
		_, err = b.eng.Direct(ctx, p.leader, secret.ID, engine.DirectInput{Text: "Giao VX chủ trì",
			Tasks: []engine.UnitTask{{UnitID: p.culture.ID, Role: engine.Lead, WorkingDays: 5}}}, "")
		must(t, err)
		if err := reads(p.head); err != nil {
			t.Fatalf("the head of the unit it was given to: %v", err)
		}
		if err := reads(p.specialist); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("a specialist of the unit before being given it: %v", err)
		}
		as, err := b.store.AssignmentListByDocument(ctx, secret.ID)
		must(t, err)
		_, err = b.eng.AssignWithin(ctx, p.head, as[0].ID, p.specialist.UserID, nil, 3, "Xây dựng phương án")
		must(t, err)
		if err := reads(p.specialist); err != nil {
			t.Fatalf("the specialist it was given to: %v", err)
		}
	})
}

// Classified incoming documents are numbered in the secret series from 1, beside the
// ordinary register's own 1: both hold.
func TestClassifiedIncomingHasItsOwnSeries(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		register := func(class engine.Classification) engine.Document {
			t.Helper()
			d, err := b.eng.ReceiveExternal(ctx, p.clerk, engine.ExternalInput{Subject: "Công văn đến " + string(class),
				Classification: class, SenderName: "Sở Nội vụ", Files: []engine.FileInput{signedPDF}}, "")
			must(t, err)
			d, err = b.eng.Register(ctx, p.clerk, d.ID, "")
			must(t, err)
			return d
		}
		plain, secret := register(engine.Unclassified), register(engine.Confidential)
		if plain.IncomingNumber != 1 || secret.IncomingNumber != 1 || plain.Series == secret.Series {
			t.Fatalf("ordinary %d (series %q), classified %d (series %q): want 1 in each series",
				plain.IncomingNumber, plain.Series, secret.IncomingNumber, secret.Series)
		}
	})
}

// The system takes documents in with a request id too (a message read twice): the retry
// is the first result, on PostgreSQL as on SQLite.
func TestSystemRequestsAreIdempotent(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		in := engine.ExternalInput{Subject: "Công văn qua trục liên thông", SenderName: "Bộ Nội vụ",
			Files: []engine.FileInput{signedPDF}}
		in.AgencyID = b.province.agency.ID
		first, err := b.eng.ReceiveExternal(ctx, engine.System, in, "edxml:000.00.00.G06,2026/12/07,12/BNV-VP")
		must(t, err)
		again, err := b.eng.ReceiveExternal(ctx, engine.System, in, "edxml:000.00.00.G06,2026/12/07,12/BNV-VP")
		must(t, err)
		if again.ID != first.ID {
			t.Fatalf("the retry made document %s, want the first %s", again.ID, first.ID)
		}
	})
}

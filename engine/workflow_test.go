package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// people of one agency in the test province.
type staff struct {
	agency                                             engine.Agency
	office, culture                                    engine.Unit
	leader, deputy, clerk, head, specialist, archivist engine.Actor
}

type bundle struct {
	store     *sqlstore.Store
	eng       *engine.Engine
	province  staff
	districts []staff
}

type opener = dbtest.Opener

var openSQLite, openPostgres = dbtest.MigratedSQLite, dbtest.Postgres

// forEachStore runs a test on SQLite and on PostgreSQL.
var forEachStore = dbtest.ForEach

func setup(t testing.TB, open opener) *bundle {
	t.Helper()
	ctx := context.Background()
	s := open(t)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := &bundle{store: s, eng: engine.New(s)}
	b.province = newStaff(t, b.eng, "H23", "Ủy ban nhân dân tỉnh Hòa Bình", engine.TierProvince, "", "tinh")
	for i, name := range []string{"Mai Châu", "Lương Sơn"} {
		b.districts = append(b.districts, newStaff(t, b.eng, fmt.Sprintf("H23.%d", 11+i), "Ủy ban nhân dân huyện "+name,
			engine.TierDistrict, b.province.agency.ID, fmt.Sprintf("d%d", i)))
	}
	return b
}

func newStaff(t testing.TB, e *engine.Engine, code, name string, tier engine.Tier, parent, slug string) staff {
	t.Helper()
	ctx := context.Background()
	a, err := e.CreateAgency(ctx, engine.System, engine.Agency{Code: code, Name: name, ShortName: "UBND", Tier: tier, ParentID: parent})
	if err != nil {
		t.Fatal(err)
	}
	st := staff{agency: a}
	st.office = mustUnit(t, e, a.ID, "Văn phòng", "VP")
	st.culture = mustUnit(t, e, a.ID, "Khối Văn hóa – Xã hội", "VX")
	person := func(role engine.Role, unit string) engine.Actor {
		u, err := e.CreateUserWithHash(ctx, engine.System, engine.User{Username: string(role) + "." + slug, FullName: "Người " + string(role)}, "x")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: a.ID, UnitID: unit, Role: role}); err != nil {
			t.Fatal(err)
		}
		return engine.Actor{UserID: u.ID, AgencyID: a.ID, Role: role}
	}
	st.leader = person(engine.RoleLeader, "")
	st.deputy = person(engine.RoleDeputyLeader, "")
	st.clerk = person(engine.RoleClerk, st.office.ID)
	st.head = person(engine.RoleUnitHead, st.culture.ID)
	st.specialist = person(engine.RoleSpecialist, st.culture.ID)
	st.archivist = person(engine.RoleArchivist, st.office.ID)
	return st
}

func mustUnit(t testing.TB, e *engine.Engine, agencyID, name, short string) engine.Unit {
	u, err := e.CreateUnit(context.Background(), engine.System, engine.Unit{AgencyID: agencyID, Name: name, ShortName: short})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var signedPDF = engine.FileInput{Name: "chi-thi.pdf", BlobKey: "sha256/ab/ab" + fmt.Sprintf("%062d", 0),
	SHA256: "ab" + fmt.Sprintf("%062d", 0), Size: 1234}

// signedDraft takes a new directive of the province through drafting, review and the
// deputy's signature.
func (b *bundle) signedDraft(t *testing.T, subject string) engine.Document {
	t.Helper()
	ctx := context.Background()
	p := b.province
	d, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "CT", Subject: subject, DraftingUnitID: p.culture.ID}, "")
	must(t, err)
	_, err = b.eng.Submit(ctx, p.specialist, d.ID, []engine.Reviewer{
		{UserID: p.head.UserID, Kind: "content", Order: 1}, {UserID: p.clerk.UserID, Kind: "format", Order: 2}}, "")
	must(t, err)
	_, err = b.eng.Review(ctx, p.head, d.ID, true, "Nội dung đạt", "")
	must(t, err)
	d, err = b.eng.Review(ctx, p.clerk, d.ID, true, "Thể thức đúng", "")
	must(t, err)
	if d.State != engine.StateReviewed {
		t.Fatalf("after both reviews: %s", d.State)
	}
	_, err = b.eng.Approve(ctx, p.deputy, d.ID, "")
	must(t, err)
	d, err = b.eng.Sign(ctx, p.deputy, d.ID, engine.SignInput{Signed: signedPDF, Title: "PHÓ CHỦ TỊCH"}, "")
	must(t, err)
	return d
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDirectiveAcrossTiers(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		d := b.signedDraft(t, "Về việc triển khai Đề án 06 trên địa bàn tỉnh")
		if d.SigningForm != engine.SignsOnBehalf {
			t.Fatalf("a deputy signs KT., got %q", d.SigningForm)
		}
		d, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		if d.Notation != "01/CT-UBND" || d.Number != 1 || d.IssuedAt == nil {
			t.Fatalf("issued as %q (%d)", d.Notation, d.Number)
		}
		_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
		must(t, err)
		d, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{b.districts[0].agency.ID, b.districts[1].agency.ID}, "")
		must(t, err)

		deliveries, err := b.eng.Deliveries(ctx, p.clerk, d.ID)
		must(t, err)
		if len(deliveries) != 2 || deliveries[0].Status != engine.DeliveryDelivered {
			t.Fatalf("deliveries = %+v", deliveries)
		}
		for i, dist := range b.districts {
			in, err := b.store.DocumentGetByID(ctx, deliveryFor(t, deliveries, dist.agency.ID).IncomingID)
			must(t, err)
			if in.State != engine.StateReceived || in.SenderNotation != "01/CT-UBND" || in.AgencyID != dist.agency.ID {
				t.Fatalf("district %d copy: %+v", i, in)
			}
			in, err = b.eng.Register(ctx, dist.clerk, in.ID, "")
			must(t, err)
			if in.IncomingNumber != 1 {
				t.Fatalf("district %d incoming number %d", i, in.IncomingNumber)
			}
			_, err = b.eng.Present(ctx, dist.clerk, in.ID, "")
			must(t, err)
			due := time.Now().Add(72 * time.Hour)
			_, err = b.eng.Direct(ctx, dist.leader, in.ID, engine.DirectInput{Text: "Giao Khối VX chủ trì, báo cáo trước hạn",
				Tasks: []engine.UnitTask{{UnitID: dist.culture.ID, Role: engine.Lead, Deadline: &due},
					{UnitID: dist.office.ID, Role: engine.Cooperate}}}, "")
			must(t, err)
			if i == 0 { // the first district finishes; the second is still at work
				_, err = b.eng.Start(ctx, dist.specialist, in.ID, "")
				must(t, err)
				_, err = b.eng.Complete(ctx, dist.head, in.ID, "Đã triển khai", "")
				must(t, err)
			}
		}
		deliveries, _ = b.eng.Deliveries(ctx, p.clerk, d.ID)
		if s := deliveryFor(t, deliveries, b.districts[0].agency.ID).Status; s != engine.DeliveryDone {
			t.Fatalf("first district: %s, want done", s)
		}
		if s := deliveryFor(t, deliveries, b.districts[1].agency.ID).Status; s != engine.DeliveryRegistered {
			t.Fatalf("second district: %s, want registered", s)
		}
		for _, a := range []engine.Agency{p.agency, b.districts[0].agency, b.districts[1].agency} {
			problems, n, err := b.eng.VerifyAudit(ctx, a.ID)
			must(t, err)
			if len(problems) > 0 || n == 0 {
				t.Fatalf("audit of %s: %d events, problems %v", a.Name, n, problems)
			}
		}
	})
}

func deliveryFor(t *testing.T, ds []engine.Delivery, agencyID string) engine.Delivery {
	for _, d := range ds {
		if d.RecipientAgencyID == agencyID {
			return d
		}
	}
	t.Fatalf("no delivery to %s", agencyID)
	return engine.Delivery{}
}

func TestForbiddenTransitionsChangeNothing(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		d := b.signedDraft(t, "Kế hoạch chuyển đổi số")
		cases := []struct {
			name   string
			do     func() error
			reason engine.Reason
			kind   error
		}{
			{"SpecialistCannotIssue", func() error { _, err := b.eng.Issue(ctx, p.specialist, d.ID, ""); return err },
				engine.ReasonWrongRole, engine.ErrForbidden},
			{"ForeignClerkCannotIssue", func() error { _, err := b.eng.Issue(ctx, b.districts[0].clerk, d.ID, ""); return err },
				engine.ReasonNotYourAgency, engine.ErrNotFound},
			{"CannotDispatchBeforeNumbering", func() error {
				_, err := b.eng.Dispatch(ctx, p.clerk, d.ID, []string{b.districts[0].agency.ID}, "")
				return err
			}, engine.ReasonWrongState, engine.ErrConflict},
			{"ClaimedRoleMustBeHeld", func() error {
				fake := p.specialist
				fake.Role = engine.RoleClerk
				_, err := b.eng.Issue(ctx, fake, d.ID, "")
				return err
			}, engine.ReasonWrongRole, engine.ErrForbidden},
			{"UnitHeadCannotSignWithoutDelegation", func() error {
				_, err := b.eng.Sign(ctx, p.head, d.ID, engine.SignInput{Signed: signedPDF}, "")
				return err
			}, engine.ReasonWrongRole, engine.ErrForbidden},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.do()
				var te *engine.TransitionError
				if !errors.As(err, &te) || te.Reason != tc.reason || !errors.Is(err, tc.kind) {
					t.Fatalf("got %v, want %s (%v)", err, tc.reason, tc.kind)
				}
				after, _ := b.store.DocumentGetByID(ctx, d.ID)
				if after.Version != d.Version || after.State != d.State || after.Number != 0 {
					t.Fatalf("a refused transition changed the document: %+v", after)
				}
			})
		}
	})
}

// A creating step checks the claimed role with its first writes (on PostgreSQL in the same
// round trip): refused, it leaves no document and no audit event behind.
func TestClaimedRoleIsCheckedBeforeAnythingIsCreated(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		fake := p.specialist
		fake.Role = engine.RoleClerk
		in := engine.ExternalInput{TypeCode: "TB", Subject: "Thông báo", SenderName: "Bộ Nội vụ",
			Files: []engine.FileInput{{Name: "scan.pdf", BlobKey: "blobs/ab/ab" + sha[2:], SHA256: sha, Size: 40 << 10}}}
		head, err := b.store.AuditHeadGet(ctx, p.agency.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.eng.ReceiveExternal(ctx, fake, in, "receive-fake")
		var te *engine.TransitionError
		if !errors.As(err, &te) || te.Reason != engine.ReasonWrongRole || !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("receive as a clerk by a specialist: got %v, want %s", err, engine.ReasonWrongRole)
		}
		after, err := b.store.AuditHeadGet(ctx, p.agency.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after != head {
			t.Fatalf("a refused receipt moved the audit chain from %+v to %+v", head, after)
		}
		if _, err := b.eng.ReceiveExternal(ctx, p.clerk, in, "receive-fake"); err != nil {
			t.Fatalf("the request id of a refused receipt must stay free: %v", err)
		}
	})
}

func TestIssueIsIdempotentAndRacesHaveOneWinner(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		d := b.signedDraft(t, "Thông báo lịch tiếp công dân")
		first, err := b.eng.Issue(ctx, p.clerk, d.ID, "req-1")
		must(t, err)
		again, err := b.eng.Issue(ctx, p.clerk, d.ID, "req-1")
		must(t, err)
		if again.Number != first.Number || again.Version != first.Version {
			t.Fatalf("retry changed the document: %d/%d vs %d/%d", again.Number, again.Version, first.Number, first.Version)
		}

		// Two clerks sign the same numbered document at once: one wins.
		clerk2 := extraClerk(t, b, p)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, c := range []engine.Actor{p.clerk, clerk2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = b.eng.AgencySign(ctx, c, d.ID, signedPDF, "")
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else if !errors.Is(err, engine.ErrConflict) {
				t.Fatalf("loser got %v, want a conflict", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d clerks won, want exactly 1 (errors %v)", wins, errs)
		}
		files, _ := b.store.FileListByDocument(ctx, d.ID)
		if len(files) != 2 { // leader's and agency's signed PDFs, once each
			t.Fatalf("%d files, want 2", len(files))
		}
	})
}

func extraClerk(t *testing.T, b *bundle, p staff) engine.Actor {
	ctx := context.Background()
	u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: "vanthu2.tinh", FullName: "Văn thư hai"}, "x")
	must(t, err)
	must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: p.agency.ID, Role: engine.RoleClerk}))
	return engine.Actor{UserID: u.ID, AgencyID: p.agency.ID, Role: engine.RoleClerk}
}

// TestNumbersAreGaplessUnderConcurrency issues 1,000 documents from 16 goroutines.
func TestNumbersAreGaplessUnderConcurrency(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		const docs, workers = 1000, 16
		ids := make([]string, docs)
		now := time.Now().UTC().Truncate(time.Microsecond)
		for i := range ids { // documents the leader has signed, ready for the clerk
			d := engine.Document{ID: engine.NewID(), AgencyID: p.agency.ID, Flow: engine.Outgoing, State: engine.StateSigned,
				Version: 1, TypeCode: []string{"QĐ", "CT", "TB", ""}[i%4], Subject: fmt.Sprintf("Văn bản %d", i),
				DraftingUnitID: p.culture.ID, CreatedAt: now, UpdatedAt: now}
			must(t, b.store.DocumentInsert(ctx, &d))
			ids[i] = d.ID
		}
		work := make(chan string)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []error
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range work {
					if _, err := b.eng.Issue(ctx, p.clerk, id, ""); err != nil {
						mu.Lock()
						failures = append(failures, err)
						mu.Unlock()
					}
				}
			}()
		}
		for _, id := range ids {
			work <- id
		}
		close(work)
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("%d issues failed, first: %v", len(failures), failures[0])
		}
		all, err := b.store.DocumentList(ctx, engine.DocumentFilter{AgencyID: p.agency.ID, Flow: engine.Outgoing, Limit: 5000})
		must(t, err)
		var numbers []int
		notations := map[string]bool{}
		for _, d := range all {
			if d.State == engine.StateNumbered {
				numbers = append(numbers, d.Number)
				notations[d.Notation] = true
			}
		}
		sort.Ints(numbers)
		if len(numbers) != docs {
			t.Fatalf("%d numbered, want %d", len(numbers), docs)
		}
		for i, n := range numbers {
			if n != i+1 {
				t.Fatalf("numbers are not 1..%d without gaps: position %d holds %d", docs, i, n)
			}
		}
		if len(notations) != docs {
			t.Fatalf("%d distinct notations for %d documents", len(notations), docs)
		}
	})
}

func TestRecallReachesEveryRecipient(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		d := b.signedDraft(t, "Quyết định phê duyệt kế hoạch")
		_, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
		must(t, err)
		_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{b.districts[0].agency.ID, b.districts[1].agency.ID}, "")
		must(t, err)
		deliveries, _ := b.eng.Deliveries(ctx, p.clerk, d.ID)
		_, err = b.eng.Register(ctx, b.districts[0].clerk, deliveryFor(t, deliveries, b.districts[0].agency.ID).IncomingID, "")
		must(t, err)

		if _, err := b.eng.Recall(ctx, p.clerk, d.ID, "", ""); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("recall without a reason: %v", err)
		}
		_, err = b.eng.Recall(ctx, p.clerk, d.ID, "Sai sót về thẩm quyền ban hành", "")
		must(t, err)
		deliveries, _ = b.eng.Deliveries(ctx, p.clerk, d.ID)
		for _, del := range deliveries {
			in, _ := b.store.DocumentGetByID(ctx, del.IncomingID)
			if del.Status != engine.DeliveryRecalled || in.State != engine.StateCancelled || in.Note != "Thu hồi: Sai sót về thẩm quyền ban hành" {
				t.Fatalf("recipient %s: delivery %s, copy %s %q", del.RecipientAgencyID, del.Status, in.State, in.Note)
			}
			if _, err := b.eng.Present(ctx, b.districts[0].clerk, in.ID, ""); err == nil {
				t.Fatal("a cancelled copy could still be presented")
			}
		}
	})
}

func TestDelegatedSigning(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		prepare := func(typeCode string) engine.Document {
			d, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: typeCode, Subject: "Giấy mời họp", DraftingUnitID: p.culture.ID}, "")
			must(t, err)
			_, err = b.eng.Submit(ctx, p.specialist, d.ID, nil, "")
			must(t, err)
			d, err = b.eng.Approve(ctx, p.leader, d.ID, "")
			must(t, err)
			return d
		}
		if _, err := b.eng.Delegate(ctx, p.deputy, p.head.UserID, engine.SignsByAuthorization, nil, time.Now().Add(time.Hour)); err == nil {
			t.Fatal("a deputy delegated signing")
		}
		_, err := b.eng.Delegate(ctx, p.leader, p.head.UserID, engine.SignsByAuthorization, []string{"GM"}, time.Now().Add(time.Hour))
		must(t, err)

		invitation := prepare("GM")
		signed, err := b.eng.Sign(ctx, p.head, invitation.ID, engine.SignInput{Signed: signedPDF, Title: "TRƯỞNG PHÒNG"}, "")
		must(t, err)
		if signed.SigningForm != engine.SignsByAuthorization || signed.SignerID != p.head.UserID {
			t.Fatalf("signed as %q by %s", signed.SigningForm, signed.SignerID)
		}
		decision := prepare("QĐ") // outside the delegation's scope
		var te *engine.TransitionError
		if _, err := b.eng.Sign(ctx, p.head, decision.ID, engine.SignInput{Signed: signedPDF}, ""); !errors.As(err, &te) {
			t.Fatalf("signing outside the scope: %v", err)
		}
	})
}

func TestDeadlinesOnWorkingDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	// Friday 25 April 2025, before the 30 April – 1 May holidays.
	friday := time.Date(2025, 4, 25, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	clock := friday
	b.eng.SetClock(func() time.Time { return clock })
	p := b.province
	d := b.signedDraft(t, "Công văn đôn đốc báo cáo")
	_, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
	must(t, err)
	_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
	must(t, err)
	_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{b.districts[0].agency.ID}, "")
	must(t, err)
	ds, _ := b.eng.Deliveries(ctx, p.clerk, d.ID)
	dist := b.districts[0]
	in := ds[0].IncomingID
	_, err = b.eng.Register(ctx, dist.clerk, in, "")
	must(t, err)
	_, err = b.eng.Present(ctx, dist.clerk, in, "")
	must(t, err)
	_, err = b.eng.Direct(ctx, dist.leader, in, engine.DirectInput{Text: "Khẩn trương thực hiện",
		Tasks: []engine.UnitTask{{UnitID: dist.culture.ID, Role: engine.Lead, WorkingDays: 3}}}, "")
	must(t, err)
	as, _ := b.store.AssignmentListByDocument(ctx, in)
	// Saturday 26 April 2025 was worked in exchange for the 2 May bridge day: day 1 is that
	// Saturday, day 2 Monday 28, day 3 Tuesday 29 April.
	if got := as[0].Deadline.In(friday.Location()).Format("2006-01-02"); got != "2025-04-29" {
		t.Fatalf("3 working days from Friday 25 April 2025 = %s, want 2025-04-29", got)
	}
	clock = time.Date(2025, 5, 6, 9, 0, 0, 0, friday.Location())
	total, perUnit, overdue, err := b.eng.Deadlines(ctx, dist.agency.ID)
	must(t, err)
	if total.Overdue != 1 || perUnit[dist.culture.ID].Overdue != 1 || len(overdue) != 1 {
		t.Fatalf("on 6 May: %+v, %+v", total, perUnit)
	}
	_, err = b.eng.Complete(ctx, dist.head, in, "Đã báo cáo", "")
	must(t, err)
	total, _, _, _ = b.eng.Deadlines(ctx, dist.agency.ID)
	if total.DoneLate != 1 || total.Rate() != 0 {
		t.Fatalf("after finishing late: %+v", total)
	}
}

func TestGroupsAndUrgentFirstInbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p := b.province
	commune, err := b.eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23.11.01", Name: "Ủy ban nhân dân xã Đồng Bảng",
		ShortName: "UBND", Tier: engine.TierCommune, ParentID: b.districts[0].agency.ID})
	must(t, err)
	allDistricts, err := b.eng.ResolveRecipients(ctx, p.agency.ID, engine.Recipients{
		Groups: []engine.RecipientGroup{{Below: p.agency.ID, Tier: engine.TierDistrict}}})
	must(t, err)
	if len(allDistricts) != 2 {
		t.Fatalf("all districts = %v", allDistricts)
	}
	communes, err := b.eng.ResolveRecipients(ctx, b.districts[0].agency.ID, engine.Recipients{
		AgencyIDs: []string{commune.ID}, Groups: []engine.RecipientGroup{{Below: b.districts[0].agency.ID, Tier: engine.TierCommune}}})
	must(t, err)
	if len(communes) != 1 || communes[0] != commune.ID {
		t.Fatalf("communes of the district = %v", communes)
	}

	for _, u := range []engine.Urgency{engine.UrgencyNormal, engine.UrgencyFlash, engine.UrgencyUrgent} {
		_, err := b.eng.ReceiveExternal(ctx, p.clerk, engine.ExternalInput{Subject: "Văn bản " + string(u), Urgency: u,
			SenderName: "Bộ Nội vụ", SenderNotation: "12/BNV-VP", Files: []engine.FileInput{signedPDF}}, "")
		must(t, err)
	}
	// Two pages of two: the cursor carries on where the first page stopped.
	first, err := b.eng.InboxPage(ctx, p.clerk, "", 2)
	must(t, err)
	if first.Next == "" {
		t.Fatalf("first page of 2 of 3 has no next cursor")
	}
	second, err := b.eng.InboxPage(ctx, p.clerk, first.Next, 2)
	must(t, err)
	inbox := append(first.Documents, second.Documents...)
	if len(inbox) != 3 || second.Next != "" || inbox[0].Urgency != engine.UrgencyFlash || inbox[1].Urgency != engine.UrgencyUrgent {
		t.Fatalf("clerk's inbox order: %v (next %q)", urgencies(inbox), second.Next)
	}
	if n, err := b.eng.InboxCount(ctx, p.clerk); err != nil || n != 3 {
		t.Fatalf("clerk's inbox count = %d, %v; want 3", n, err)
	}
	if others, _ := b.eng.InboxPage(ctx, b.districts[0].clerk, "", 0); len(others.Documents) != 0 {
		t.Fatalf("another agency's clerk sees %d documents", len(others.Documents))
	}
}

func urgencies(ds []engine.Document) []engine.Urgency {
	var out []engine.Urgency
	for _, d := range ds {
		out = append(out, d.Urgency)
	}
	return out
}

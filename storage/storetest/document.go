package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

// testDocuments checks the batch reads and the counts that pages draw from many documents.
func testDocuments(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	province := agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")
	district := agency("H23.10", "Ủy ban nhân dân huyện Mai Châu", "UBND", engine.TierDistrict, province.ID)
	for _, a := range []*engine.Agency{province, district} {
		if err := s.AgencyInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	unit := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Phòng Tài chính", ShortName: "TC", CreatedAt: now()}
	if err := s.UnitInsert(ctx, unit); err != nil {
		t.Fatal(err)
	}
	clerk := &engine.User{ID: uuid.NewString(), Username: "vanthu.tinh", FullName: "Lò Thị Hoa", CreatedAt: now()}
	specialist := &engine.User{ID: uuid.NewString(), Username: "chuyenvien.tinh", FullName: "Hà Văn Sơn", CreatedAt: now()}
	for _, u := range []*engine.User{clerk, specialist} {
		if err := s.UserInsert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MembershipInsert(ctx, &engine.Membership{UserID: specialist.ID, AgencyID: province.ID, UnitID: unit.ID,
		Role: engine.RoleSpecialist}); err != nil {
		t.Fatal(err)
	}

	ict := time.FixedZone("ICT", 7*3600)
	at := func(y int, m time.Month, d, h, min int) *time.Time {
		v := time.Date(y, m, d, h, min, 0, 0, ict).UTC()
		return &v
	}
	add := func(a *engine.Agency, d engine.Document, files ...engine.File) engine.Document {
		t.Helper()
		d.ID, d.AgencyID, d.Version, d.TypeCode, d.CreatedAt, d.UpdatedAt = uuid.NewString(), a.ID, 1, "CV", now(), now()
		if d.State == "" {
			d.State = engine.StateRegistered
		}
		if err := s.DocumentInsert(ctx, &d); err != nil {
			t.Fatalf("insert %s: %v", d.Subject, err)
		}
		for _, f := range files {
			f.DocumentID, f.Name, f.BlobKey, f.SHA256 = d.ID, f.Kind+".pdf", uuid.NewString(), "00"
			if err := s.InTx(ctx, func(q engine.Queries) error { return q.FileInsert(ctx, &f) }); err != nil {
				t.Fatalf("file of %s: %v", d.Subject, err)
			}
		}
		return d
	}
	in := func(subject string, year int, received *time.Time, files ...engine.File) engine.Document {
		return add(province, engine.Document{Flow: engine.Incoming, Subject: subject, Year: year, ReceivedAt: received}, files...)
	}
	// The months run from April 2025 to March 2026 in Vietnam's time, whose first hours of
	// a month are still the month before in UTC.
	scanned := in("received just inside the last month", 2026, at(2026, 3, 1, 0, 30), engine.File{Kind: "scan", CreatedAt: now()})
	first := in("received at the first instant", 2025, at(2025, 4, 1, 0, 0))
	in("received just before the months", 2025, at(2025, 3, 31, 23, 59))
	in("of a year left out", 2024, at(2025, 5, 2, 9, 0))
	issued := add(province, engine.Document{Flow: engine.Outgoing, Subject: "issued", Year: 2026, Number: 5,
		State: engine.StateDispatched, IssuedAt: at(2026, 1, 10, 9, 0)},
		engine.File{Kind: "signed", CreatedBy: clerk.ID, CreatedAt: *at(2026, 1, 9, 16, 0)},
		engine.File{Kind: "signed", CreatedAt: *at(2026, 1, 9, 17, 0)}) // a received signed copy: no creator
	add(province, engine.Document{Flow: engine.Outgoing, Subject: "draft", Year: 2026, State: engine.StateDraft})
	add(district, engine.Document{Flow: engine.Incoming, Subject: "another agency's", Year: 2026, ReceivedAt: at(2026, 2, 2, 9, 0)})

	f := engine.ActivityFilter{AgencyID: province.ID, FromYear: 2025, ToYear: 2026}
	for i := range f.Months {
		f.Months[i] = time.Date(2025, time.April+time.Month(i), 1, 0, 0, 0, 0, ict)
	}

	t.Run("CountByMonthInTheCallersMonths", func(t *testing.T) {
		got, err := s.DocumentCountByMonth(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.MonthCount{{What: engine.CountIncoming, Slot: 0, Count: 1}, {What: engine.CountIncoming, Slot: 11, Count: 1},
			{What: engine.CountOutgoing, Slot: 9, Count: 1}, {What: engine.CountSignature, Slot: 9, Count: 1}}
		if !slices.Equal(got, want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	})

	t.Run("CountHandledLeavesOutDraftsAndCountsScans", func(t *testing.T) {
		handled, online, err := s.DocumentCountHandled(ctx, f)
		if err != nil || handled != 4 || online != 3 {
			t.Fatalf("handled %d, online %d, %v; want 4 and 3", handled, online, err)
		}
	})

	t.Run("ListByIDsReadsManyAtOnce", func(t *testing.T) {
		var ids []string
		for range 60 {
			ids = append(ids, uuid.NewString()) // no such documents
		}
		ids = append(ids, scanned.ID, first.ID, issued.ID)
		docs, err := s.DocumentListByIDs(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		got := subjects(docs)
		slices.Sort(got)
		if want := []string{"issued", "received at the first instant", "received just inside the last month"}; !slices.Equal(got, want) {
			t.Fatalf("got %q", got)
		}
		if docs, err := s.DocumentListByIDs(ctx, nil); err != nil || len(docs) != 0 {
			t.Fatalf("no ids: %d, %v", len(docs), err)
		}
	})

	assign := func(d engine.Document, userID, unitID string) engine.Assignment {
		t.Helper()
		a := engine.Assignment{ID: uuid.NewString(), DocumentID: d.ID, UserID: userID, UnitID: unitID, Role: engine.Lead,
			Status: "open", CreatedBy: clerk.ID, CreatedAt: now()}
		if err := s.AssignmentInsert(ctx, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	mine := assign(scanned, specialist.ID, "")
	ofMyUnit := assign(first, "", unit.ID)
	assign(first, clerk.ID, "")

	t.Run("ListByHolderFindsTheUserAndTheirUnits", func(t *testing.T) {
		as, err := s.AssignmentListByHolder(ctx, province.ID, specialist.ID, engine.RoleSpecialist)
		if err != nil || len(as) != 2 || as[0].ID != mine.ID || as[1].ID != ofMyUnit.ID {
			t.Fatalf("%+v, %v", as, err)
		}
		// In another role the unit is not theirs.
		as, err = s.AssignmentListByHolder(ctx, province.ID, specialist.ID, engine.RoleLeader)
		if err != nil || len(as) != 1 || as[0].ID != mine.ID {
			t.Fatalf("as leader: %+v, %v", as, err)
		}
	})

	t.Run("AssignmentsAndDeliveriesOfSeveralDocuments", func(t *testing.T) {
		as, err := s.AssignmentListByDocuments(ctx, []string{first.ID, scanned.ID, issued.ID})
		if err != nil || len(as) != 3 || as[0].ID != mine.ID || as[1].ID != ofMyUnit.ID {
			t.Fatalf("%+v, %v", as, err)
		}
		for _, to := range []*engine.Agency{district, province} {
			d := engine.Delivery{ID: uuid.NewString(), OutgoingID: issued.ID, RecipientAgencyID: to.ID, Status: "sent", UpdatedAt: now()}
			if err := s.DeliveryInsert(ctx, &d); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := s.DeliveryListByOutgoings(ctx, []string{issued.ID, first.ID})
		if err != nil || len(ds) != 2 || ds[0].OutgoingID != issued.ID || ds[1].OutgoingID != issued.ID {
			t.Fatalf("%+v, %v", ds, err)
		}
	})

	t.Run("NotesOfSeveralAssignments", func(t *testing.T) {
		for i, a := range []engine.Assignment{mine, ofMyUnit, mine} {
			n := engine.AssignmentNote{ID: uuid.NewString(), AssignmentID: a.ID, AuthorID: specialist.ID, Kind: "progress",
				Body: "bước " + string(rune('1'+i)), CreatedAt: now().Add(time.Duration(i) * time.Second)}
			if err := s.AssignmentNoteInsert(ctx, &n); err != nil {
				t.Fatal(err)
			}
		}
		notes, err := s.AssignmentNoteListByAssignments(ctx, []string{mine.ID, ofMyUnit.ID})
		if err != nil || len(notes) != 3 || notes[0].Body != "bước 1" || notes[1].AssignmentID != ofMyUnit.ID || notes[2].Body != "bước 3" {
			t.Fatalf("%+v, %v", notes, err)
		}
	})
}

func subjects(docs []engine.Document) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Subject)
	}
	return out
}

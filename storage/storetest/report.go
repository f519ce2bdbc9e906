package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

// testReports checks the reports' reads on a small agency with known counts.
func testReports(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	province := agency("H27", "Ủy ban nhân dân tỉnh Ninh Bình", "UBND", engine.TierProvince, "")
	district := agency("H27.01", "Ủy ban nhân dân huyện Kim Sơn", "UBND", engine.TierDistrict, province.ID)
	for _, a := range []*engine.Agency{province, district} {
		if err := s.AgencyInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	unit := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Phòng Kinh tế", ShortName: "KT", CreatedAt: now()}
	if err := s.UnitInsert(ctx, unit); err != nil {
		t.Fatal(err)
	}
	person := &engine.User{ID: uuid.NewString(), Username: "chuyenvien.ninhbinh", FullName: "Đinh Văn Hòa", CreatedAt: now()}
	if err := s.UserInsert(ctx, person); err != nil {
		t.Fatal(err)
	}

	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	in, before := from.Add(48*time.Hour), from.Add(-time.Hour)
	doc := func(flow engine.Flow, typ, sender string, at time.Time) engine.Document {
		t.Helper()
		d := engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: flow, State: engine.StateInProgress, Version: 1,
			TypeCode: typ, Subject: "Văn bản " + typ, Year: 2026, SenderName: sender, SenderNotation: "12/BTC-KT",
			CreatedAt: now(), UpdatedAt: now()}
		if flow == engine.Incoming {
			d.ReceivedAt = &at
		} else {
			d.State, d.IssuedAt = engine.StateDispatched, &at
		}
		if err := s.DocumentInsert(ctx, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	var incoming []engine.Document
	for range 3 {
		incoming = append(incoming, doc(engine.Incoming, "CV", "Bộ Tài chính", in))
	}
	incoming = append(incoming, doc(engine.Incoming, "QD", "Bộ Nội vụ", in))
	doc(engine.Incoming, "CV", "Bộ Tài chính", before) // before the period
	for range 2 {
		out := doc(engine.Outgoing, "CV", "", in)
		if err := s.DeliveryInsert(ctx, &engine.Delivery{ID: uuid.NewString(), OutgoingID: out.ID, RecipientAgencyID: district.ID,
			Status: "delivered", UpdatedAt: now()}); err != nil {
			t.Fatal(err)
		}
	}

	deadline, late := in.Add(72*time.Hour), in.Add(-24*time.Hour)
	assign := func(d engine.Document, role engine.AssignmentRole, made time.Time, due time.Time, done *time.Time) {
		t.Helper()
		a := engine.Assignment{ID: uuid.NewString(), DocumentID: d.ID, UnitID: unit.ID, UserID: person.ID, Role: role,
			Deadline: &due, Status: "open", CreatedBy: person.ID, CreatedAt: made, DoneAt: done}
		if done != nil {
			a.Status = "done"
		}
		if err := s.AssignmentInsert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	assign(incoming[0], engine.Lead, in, deadline, &in)
	assign(incoming[1], engine.Lead, in, deadline, &in)
	assign(incoming[2], engine.Lead, in, late, nil) // open, past its deadline
	assign(incoming[3], engine.ForInformation, in, late, nil)
	assign(incoming[3], engine.Lead, before, late, nil) // made before the period: overdue, not counted as made

	t.Run("DocumentsByTypeSenderAndRecipient", func(t *testing.T) {
		for _, tc := range []struct {
			group engine.DocumentGroup
			want  []string
		}{
			{engine.GroupByType, []string{"incoming CV 3", "incoming QD 1", "outgoing CV 2"}},
			{engine.GroupBySender, []string{"incoming Bộ Tài chính 3", "incoming Bộ Nội vụ 1"}},
			{engine.GroupByRecipient, []string{"outgoing Ủy ban nhân dân huyện Kim Sơn 2"}},
		} {
			var got []string
			err := s.ReportDocumentCount(ctx, engine.ReportFilter{AgencyID: province.ID, From: from, To: to, Group: tc.group},
				func(c engine.DocumentCount) error {
					got = append(got, fmt.Sprintf("%s %s %d", c.Flow, c.Key, c.Count))
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("by %s: %q, want %q", tc.group, got, tc.want)
			}
		}
	})

	t.Run("AssignmentsMadeInThePeriodWithNames", func(t *testing.T) {
		var done, open int
		err := s.ReportAssignmentEach(ctx, engine.ReportFilter{AgencyID: province.ID, From: from, To: to},
			func(a engine.ReportAssignment) error {
				if a.UnitName != "Phòng Kinh tế" || a.UserName != "Đinh Văn Hòa" || a.Notation != "12/BTC-KT" {
					t.Errorf("names: %+v", a)
				}
				if a.DoneAt != nil {
					done++
				} else {
					open++
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if done != 2 || open != 1 {
			t.Errorf("done %d, open %d; want 2 and 1 (not for information, not before the period)", done, open)
		}
	})

	t.Run("OverdueAreOpenPastTheirDeadline", func(t *testing.T) {
		var n int
		err := s.ReportAssignmentEach(ctx, engine.ReportFilter{AgencyID: province.ID, Before: to}, func(a engine.ReportAssignment) error {
			n++
			if a.DoneAt != nil || a.Role == engine.ForInformation || !a.Deadline.Before(to) {
				t.Errorf("not overdue: %+v", a)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("%d overdue, want 2", n)
		}
	})

	t.Run("StopsAtTheCallersError", func(t *testing.T) {
		stop := fmt.Errorf("enough")
		n := 0
		err := s.ReportDocumentCount(ctx, engine.ReportFilter{AgencyID: province.ID, From: from, To: to, Group: engine.GroupByType},
			func(engine.DocumentCount) error { n++; return stop })
		if err == nil || n != 1 {
			t.Errorf("err %v after %d rows", err, n)
		}
	})

	t.Run("RecordsOfAYearWithDocumentCounts", func(t *testing.T) {
		for i, code := range []string{"02.KT", "01.KT"} {
			r := &engine.Record{ID: uuid.NewString(), AgencyID: province.ID, FondsCode: province.Code, Code: code,
				Title: "Hồ sơ " + code, Year: 2026, Retention: engine.Retention{Years: 10}, OwnerID: person.ID,
				State: engine.RecordOpen, Version: 1, CreatedAt: now()}
			if err := s.RecordInsert(ctx, r); err != nil {
				t.Fatal(err)
			}
			for _, d := range incoming[:i*2] {
				if err := s.RecordDocumentInsert(ctx, r.ID, d.ID, person.ID, now()); err != nil {
					t.Fatal(err)
				}
			}
		}
		var got []string
		err := s.ReportRecordEach(ctx, province.ID, 2026, func(l engine.RecordLine) error {
			got = append(got, fmt.Sprintf("%s %s %d %s %s %d", l.Code, l.Title, l.Retention.Years, l.OwnerName, l.State, l.Documents))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"01.KT Hồ sơ 01.KT 10 Đinh Văn Hòa open 2", "02.KT Hồ sơ 02.KT 10 Đinh Văn Hòa open 0"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("records %q, want %q", got, want)
		}
	})
}

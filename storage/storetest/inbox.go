package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

func testInbox(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	province := agency("H25", "Ủy ban nhân dân tỉnh Hà Nam", "UBND", engine.TierProvince, "")
	district := agency("H25.02", "Ủy ban nhân dân huyện Kim Bảng", "UBND", engine.TierDistrict, province.ID)
	for _, a := range []*engine.Agency{province, district} {
		if err := s.AgencyInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	unit := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Phòng Nội vụ", ShortName: "NV", CreatedAt: now()}
	if err := s.UnitInsert(ctx, unit); err != nil {
		t.Fatal(err)
	}
	me := &engine.User{ID: uuid.NewString(), Username: "chuyenvien.hanam", FullName: "Trần Văn Nam", CreatedAt: now()}
	other := &engine.User{ID: uuid.NewString(), Username: "vanthu.hanam", FullName: "Lê Thị Hà", CreatedAt: now()}
	for _, u := range []*engine.User{me, other} {
		if err := s.UserInsert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MembershipInsert(ctx, &engine.Membership{UserID: me.ID, AgencyID: province.ID, UnitID: unit.ID,
		Role: engine.RoleSpecialist}); err != nil {
		t.Fatal(err)
	}

	base := now().Add(-time.Hour)
	add := func(a *engine.Agency, flow engine.Flow, state engine.State, subject string, u engine.Urgency, minute int) engine.Document {
		t.Helper()
		// Time-ordered ids, as the engine's: of two tied documents the later added is newer.
		d := engine.Document{ID: uuid.Must(uuid.NewV7()).String(), AgencyID: a.ID, Flow: flow, State: state, Version: 1, TypeCode: "CV",
			Subject: subject, Urgency: u, Year: 2026, CreatedAt: now(), UpdatedAt: base.Add(time.Duration(minute) * time.Minute)}
		if flow == engine.Outgoing {
			d.DrafterID = other.ID
		}
		if err := s.DocumentInsert(ctx, &d); err != nil {
			t.Fatalf("insert %s: %v", subject, err)
		}
		return d
	}
	received := func(subject string, u engine.Urgency, minute int) engine.Document {
		return add(province, engine.Incoming, engine.StateReceived, subject, u, minute)
	}
	received("normal, oldest", engine.UrgencyNormal, 1)
	received("khẩn", engine.UrgencyUrgent, 5)
	received("hỏa tốc, newer", engine.UrgencyFlash, 4)
	received("hỏa tốc, older", engine.UrgencyFlash, 2)
	received("normal, tied a", engine.UrgencyNormal, 3)
	received("normal, tied b", engine.UrgencyNormal, 3)
	received("normal, newest", engine.UrgencyNormal, 6)
	add(province, engine.Incoming, engine.StateRegistered, "another state", engine.UrgencyFlash, 0)
	add(district, engine.Incoming, engine.StateReceived, "another agency's", engine.UrgencyFlash, 0)
	part := engine.InboxFilter{AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateReceived}

	// pages reads every page of f, n documents at a time.
	pages := func(t *testing.T, f engine.InboxFilter, n int) []engine.Document {
		t.Helper()
		var out []engine.Document
		for {
			f.Limit = n
			page, err := s.InboxPage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page...)
			if len(page) < n {
				return out
			}
			last := page[len(page)-1]
			f.After = engine.InboxKey{Place: 3 - last.Urgency.Rank(), UpdatedAt: last.UpdatedAt, Flow: last.Flow, ID: last.ID}
		}
	}

	t.Run("PagesInUrgencyThenAgeOrder", func(t *testing.T) {
		got := subjects(pages(t, part, 2))
		// Of two changed at the same instant, the newer id comes first.
		want := []string{"hỏa tốc, older", "hỏa tốc, newer", "khẩn", "normal, oldest", "normal, tied b", "normal, tied a", "normal, newest"}
		if !slices.Equal(got, want) {
			t.Fatalf("got %q\nwant %q", got, want)
		}
		if n, err := s.InboxCount(ctx, part); err != nil || n != len(want) {
			t.Fatalf("count %d, %v; want %d", n, err, len(want))
		}
	})

	t.Run("CursorStaysPutWhenDocumentsArrive", func(t *testing.T) {
		f := part
		f.Limit = 3
		first, err := s.InboxPage(ctx, f)
		if err != nil || len(first) != 3 {
			t.Fatalf("%d, %v", len(first), err)
		}
		// An urgent arrival belongs on the page already read: the next page neither
		// repeats nor skips a document.
		received("hỏa tốc, arrived late", engine.UrgencyFlash, 0)
		last := first[2]
		f.After = engine.InboxKey{Place: 3 - last.Urgency.Rank(), UpdatedAt: last.UpdatedAt, Flow: last.Flow, ID: last.ID}
		f.Limit = 2
		next, err := s.InboxPage(ctx, f)
		if got := subjects(next); err != nil || !slices.Equal(got, []string{"normal, oldest", "normal, tied b"}) {
			t.Fatalf("next page %q, %v", got, err)
		}
	})

	t.Run("TiesWithAnotherFlowFollowFlowOrder", func(t *testing.T) {
		tied := received("tied with an outgoing one", engine.UrgencyNormal, 30)
		out := engine.InboxKey{Place: 3, UpdatedAt: tied.UpdatedAt, Flow: engine.Outgoing, ID: uuid.NewString()}
		f := part
		f.After, f.Limit = out, 10
		// Incoming comes before outgoing: after an outgoing cursor at the same instant,
		// the incoming one was already shown.
		if page, err := s.InboxPage(ctx, f); err != nil || len(page) != 0 {
			t.Fatalf("after an outgoing tie: %q, %v", subjects(page), err)
		}
		f.Flow, f.State = engine.Outgoing, engine.StateSigned
		add(province, engine.Outgoing, engine.StateSigned, "outgoing tied", engine.UrgencyNormal, 30)
		f.After = engine.InboxKey{Place: 3, UpdatedAt: tied.UpdatedAt, Flow: engine.Incoming, ID: tied.ID}
		if page, err := s.InboxPage(ctx, f); err != nil || !slices.Equal(subjects(page), []string{"outgoing tied"}) {
			t.Fatalf("after an incoming tie: %q, %v", subjects(page), err)
		}
	})

	t.Run("ClaimsNarrowToTheUser", func(t *testing.T) {
		directed := func(subject string, minute int) engine.Document {
			return add(province, engine.Incoming, engine.StateDirected, subject, engine.UrgencyNormal, minute)
		}
		assign := func(d engine.Document, userID, unitID string, role engine.AssignmentRole, status string) {
			t.Helper()
			a := engine.Assignment{ID: uuid.NewString(), DocumentID: d.ID, UserID: userID, UnitID: unitID, Role: role,
				Status: status, CreatedBy: other.ID, CreatedAt: now()}
			if err := s.AssignmentInsert(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		assign(directed("to me", 1), me.ID, "", engine.Lead, "open")
		assign(directed("to my unit", 2), "", unit.ID, engine.Lead, "open")
		assign(directed("for my information", 3), me.ID, "", engine.ForInformation, "open")
		assign(directed("done", 4), me.ID, "", engine.Lead, "done")
		assign(directed("to someone else", 5), other.ID, "", engine.Lead, "open")

		review := func(subject string, by *engine.User, status string) {
			d := add(province, engine.Outgoing, engine.StateInReview, subject, engine.UrgencyNormal, 1)
			step := engine.ReviewStep{DocumentID: d.ID, Seq: 1, ReviewerID: by.ID, Kind: "content", Status: status}
			if err := s.ReviewStepInsert(ctx, &step); err != nil {
				t.Fatal(err)
			}
		}
		review("my review", me, "pending")
		review("reviewed already", me, "approved")
		review("someone else's review", other, "pending")

		mine := add(province, engine.Outgoing, engine.StateDraft, "my draft", engine.UrgencyNormal, 1)
		mine.DrafterID = me.ID
		if err := s.DocumentUpdate(ctx, &mine, mine.Version); err != nil {
			t.Fatal(err)
		}
		add(province, engine.Outgoing, engine.StateDraft, "someone else's draft", engine.UrgencyNormal, 2)

		for _, c := range []struct {
			f    engine.InboxFilter
			want []string
		}{
			{engine.InboxFilter{Flow: engine.Incoming, State: engine.StateDirected, Claim: engine.ClaimAssigned, Role: engine.RoleSpecialist},
				[]string{"to me", "to my unit"}},
			// In a role they hold no unit in, only what names them.
			{engine.InboxFilter{Flow: engine.Incoming, State: engine.StateDirected, Claim: engine.ClaimAssigned, Role: engine.RoleUnitHead},
				[]string{"to me"}},
			{engine.InboxFilter{Flow: engine.Outgoing, State: engine.StateInReview, Claim: engine.ClaimReviewing}, []string{"my review"}},
			{engine.InboxFilter{Flow: engine.Outgoing, State: engine.StateDraft, Claim: engine.ClaimDrafted}, []string{"my draft"}},
		} {
			c.f.AgencyID, c.f.UserID = province.ID, me.ID
			if got := subjects(pages(t, c.f, 1)); !slices.Equal(got, c.want) {
				t.Errorf("%v in %s: got %q, want %q", c.f.Claim, c.f.State, got, c.want)
			}
			if n, err := s.InboxCount(ctx, c.f); err != nil || n != len(c.want) {
				t.Errorf("%v in %s: count %d, %v; want %d", c.f.Claim, c.f.State, n, err, len(c.want))
			}
		}
	})
}

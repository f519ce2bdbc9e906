package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

func testEvent(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	newHandle := open(t)
	s := newHandle()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	province := agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")
	if err := s.AgencyInsert(ctx, province); err != nil {
		t.Fatal(err)
	}
	admin := &engine.User{ID: uuid.NewString(), Username: "quantri.tinh", FullName: "Quản trị", Email: "qt@hoabinh.gov.vn",
		PasswordHash: "$argon2id$x", CreatedAt: now()}
	if err := s.UserInsert(ctx, admin); err != nil {
		t.Fatal(err)
	}
	t.Run("WebhooksListPerAgencyAndDeleteHidesThem", func(t *testing.T) {
		w := &engine.Webhook{ID: uuid.NewString(), AgencyID: province.ID, URL: "https://example.test/hook", Secret: "s3cret",
			EventTypes: []string{"document.issued", "record.archived"}, CreatedBy: admin.ID, CreatedAt: now()}
		if err := s.WebhookInsert(ctx, w); err != nil {
			t.Fatal(err)
		}
		got, err := s.WebhookGetByID(ctx, w.ID)
		if err != nil || got.URL != w.URL || got.Secret != w.Secret || len(got.EventTypes) != 2 || got.EventTypes[1] != "record.archived" {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if !containsID(t, s.WebhookListByAgency, province.ID, w.ID) {
			t.Fatal("a live webhook is not listed for its agency")
		}
		if err := s.WebhookDelete(ctx, w.ID, now()); err != nil {
			t.Fatal(err)
		}
		if err := s.WebhookDelete(ctx, w.ID, now()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("second delete: %v, want ErrNotFound", err)
		}
		if containsID(t, s.WebhookListByAgency, province.ID, w.ID) {
			t.Fatal("a deleted webhook is still listed")
		}
		if _, err := s.WebhookGetByID(ctx, uuid.NewString()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("missing webhook: %v, want ErrNotFound", err)
		}
	})

	t.Run("TheDeliveryLogKeepsTheLatestAttempt", func(t *testing.T) {
		w := &engine.Webhook{ID: uuid.NewString(), AgencyID: province.ID, URL: "https://example.test/b", Secret: "x",
			EventTypes: []string{"document.issued"}, CreatedBy: admin.ID, CreatedAt: now()}
		if err := s.WebhookInsert(ctx, w); err != nil {
			t.Fatal(err)
		}
		first := engine.WebhookDelivery{ID: uuid.NewString(), WebhookID: w.ID, EventID: province.ID + ":7",
			EventType: "document.issued", Status: engine.WebhookPending, Attempts: 1, LastStatus: 503,
			LastError: "receiver answered HTTP 503", CreatedAt: now().Add(-time.Minute)}
		other := first
		other.ID, other.EventID, other.CreatedAt = uuid.NewString(), province.ID+":8", now()
		for _, d := range []engine.WebhookDelivery{first, other} {
			if err := s.WebhookDeliveryRecord(ctx, &d); err != nil {
				t.Fatal(err)
			}
		}
		delivered := now()
		second := first
		second.Status, second.Attempts, second.LastStatus, second.LastError, second.DeliveredAt =
			engine.WebhookDelivered, 2, 200, "", &delivered
		if err := s.WebhookDeliveryRecord(ctx, &second); err != nil {
			t.Fatal(err)
		}
		// A node that was presumed dead reports its earlier attempt late: it changes nothing.
		if err := s.WebhookDeliveryRecord(ctx, &first); err != nil {
			t.Fatal(err)
		}
		list, err := s.WebhookDeliveryListByWebhook(ctx, w.ID, 100)
		if err != nil || len(list) != 2 {
			t.Fatalf("list = %+v, %v", list, err)
		}
		got := list[1] // newest first
		if got.ID != first.ID || got.Status != engine.WebhookDelivered || got.Attempts != 2 || got.LastStatus != 200 ||
			got.LastError != "" || got.DeliveredAt == nil || got.EventID != first.EventID || !got.CreatedAt.Equal(first.CreatedAt.Truncate(time.Microsecond)) {
			t.Fatalf("log entry = %+v, want the second attempt's outcome", got)
		}
		if list[0].ID != other.ID || list[0].Status != engine.WebhookPending {
			t.Fatalf("newest entry = %+v", list[0])
		}
	})

	t.Run("NotificationsAreCountedUnread", func(t *testing.T) {
		user := &engine.User{ID: uuid.NewString(), Username: "chuyenvien.tinh", FullName: "Chuyên viên", PasswordHash: "x", CreatedAt: now()}
		if err := s.UserInsert(ctx, user); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{engine.NoticeDueSoon, engine.NoticeOverdue} {
			if _, err := s.NotificationInsert(ctx, &engine.Notification{ID: uuid.NewString(), UserID: user.ID, Kind: kind,
				Body: "Sắp đến hạn", CreatedAt: now()}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.NotificationCountUnread(ctx, user.ID); err != nil || n != 2 {
			t.Fatalf("unread = %d, %v; want 2", n, err)
		}
	})

	t.Run("DueTasksOfAPersonAreCountedWithTheirUnitsUnnamedOnes", func(t *testing.T) {
		unit := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Khối Văn hóa – Xã hội", ShortName: "VX", CreatedAt: now()}
		other := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Khối Kinh tế", ShortName: "KT", CreatedAt: now()}
		for _, u := range []*engine.Unit{unit, other} {
			if err := s.UnitInsert(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		person := &engine.User{ID: uuid.NewString(), Username: "chuyenvien.vx", FullName: "Chuyên viên VX", PasswordHash: "x", CreatedAt: now()}
		if err := s.UserInsert(ctx, person); err != nil {
			t.Fatal(err)
		}
		if err := s.MembershipInsert(ctx, &engine.Membership{UserID: person.ID, AgencyID: province.ID, UnitID: unit.ID,
			Role: engine.RoleSpecialist}); err != nil {
			t.Fatal(err)
		}
		doc := func(state engine.State) string {
			d := &engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Incoming, State: state, Version: 1,
				Subject: "Công văn", CreatedAt: now(), UpdatedAt: now()}
			if err := s.DocumentInsert(ctx, d); err != nil {
				t.Fatal(err)
			}
			return d.ID
		}
		handled, cancelled := doc(engine.StateInProgress), doc(engine.StateCancelled)
		at := now()
		soonBefore := at.Add(72 * time.Hour)
		soon, late, later := at.Add(time.Hour), at.Add(-time.Hour), at.Add(100*time.Hour)
		assign := func(docID, unitID, userID string, role engine.AssignmentRole, deadline *time.Time, status string) {
			a := &engine.Assignment{ID: uuid.NewString(), DocumentID: docID, UnitID: unitID, UserID: userID, Role: role,
				Deadline: deadline, Status: status, CreatedBy: admin.ID, CreatedAt: now()}
			if err := s.AssignmentInsert(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		assign(handled, "", person.ID, engine.Lead, &soon, "open")           // named: due soon
		assign(handled, unit.ID, "", engine.Cooperate, &late, "open")        // their unit, nobody named: overdue
		assign(handled, "", person.ID, engine.Cooperate, &later, "open")     // named, not due soon yet
		assign(handled, unit.ID, admin.ID, engine.Cooperate, &soon, "open")  // their unit, someone else named
		assign(handled, other.ID, "", engine.Cooperate, &late, "open")       // another unit
		assign(handled, "", person.ID, engine.ForInformation, &soon, "open") // for information only
		assign(handled, "", person.ID, engine.Lead, nil, "open")             // no deadline
		assign(handled, "", person.ID, engine.Lead, &late, "done")           // done
		assign(cancelled, "", person.ID, engine.Lead, &late, "open")         // the document is no longer handled
		dueSoon, overdue, err := s.AssignmentCountDue(ctx, person.ID, province.ID, at, soonBefore)
		if err != nil || dueSoon != 1 || overdue != 1 {
			t.Fatalf("due soon %d, overdue %d (%v); want 1 and 1", dueSoon, overdue, err)
		}
		dueSoon, overdue, err = s.AssignmentCountDue(ctx, person.ID, uuid.NewString(), at, soonBefore)
		if err != nil || dueSoon != 0 || overdue != 0 {
			t.Fatalf("in an agency they have no task in: due soon %d, overdue %d (%v)", dueSoon, overdue, err)
		}
	})

}

// containsID reports whether a webhook listing, called with arg, holds the webhook id.
func containsID[A any](t *testing.T, listing func(context.Context, A) ([]engine.Webhook, error), arg A, id string) bool {
	t.Helper()
	hooks, err := listing(context.Background(), arg)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(hooks, func(w engine.Webhook) bool { return w.ID == id })
}

func sameSet(a, b []string) bool {
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

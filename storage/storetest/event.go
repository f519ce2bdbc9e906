package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
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
	advanceChain := func(t *testing.T, n int) int64 {
		t.Helper()
		var seq int64
		for range n {
			err := s.InTx(ctx, func(q engine.Queries) (err error) {
				seq, _, err = q.AuditHeadAdvance(ctx, province.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return seq
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

	t.Run("CursorsFollowTheChainAndNeverGoBack", func(t *testing.T) {
		head := advanceChain(t, 3)
		w := &engine.Webhook{ID: uuid.NewString(), AgencyID: province.ID, URL: "https://example.test/a", Secret: "x",
			EventTypes: []string{"document.issued"}, CursorSeq: head - 1, CreatedBy: admin.ID, CreatedAt: now()}
		if err := s.WebhookInsert(ctx, w); err != nil {
			t.Fatal(err)
		}
		if !containsWebhook(t, s, w.ID) {
			t.Fatal("a webhook one event behind its chain is not listed as behind")
		}
		if err := s.WebhookAdvance(ctx, w.ID, head); err != nil {
			t.Fatal(err)
		}
		if err := s.WebhookAdvance(ctx, w.ID, 1); err != nil {
			t.Fatal(err)
		}
		got, _ := s.WebhookGetByID(ctx, w.ID)
		if got.CursorSeq != head {
			t.Fatalf("cursor = %d, want %d (advancing backwards must do nothing)", got.CursorSeq, head)
		}
		if containsWebhook(t, s, w.ID) {
			t.Fatal("a webhook at its chain head is listed as behind")
		}

		if err := s.EventCursorAdvance(ctx, "mail-test", province.ID, head-2); err != nil {
			t.Fatal(err)
		}
		behind, err := s.EventCursorListBehind(ctx, "mail-test", 100)
		if err != nil || len(behind) != 1 || behind[0].Seq != head-2 || behind[0].HeadSeq < head || behind[0].AgencyID != province.ID {
			t.Fatalf("behind = %+v, %v", behind, err)
		}
		if err := s.EventCursorAdvance(ctx, "mail-test", province.ID, behind[0].HeadSeq); err != nil {
			t.Fatal(err)
		}
		if err := s.EventCursorAdvance(ctx, "mail-test", province.ID, 1); err != nil {
			t.Fatal(err)
		}
		if behind, err := s.EventCursorListBehind(ctx, "mail-test", 100); err != nil || len(behind) != 0 {
			t.Fatalf("after advancing to the head: %+v, %v", behind, err)
		}
		if fresh, err := s.EventCursorListBehind(ctx, "never-read", 100); err != nil || len(fresh) != 1 || fresh[0].Seq != 0 {
			t.Fatalf("a consumer that never read starts at 0: %+v, %v", fresh, err)
		}
	})

	t.Run("DeliveriesAreQueuedOncePerEventAndClaimedByOneNode", func(t *testing.T) {
		w := &engine.Webhook{ID: uuid.NewString(), AgencyID: province.ID, URL: "https://example.test/b", Secret: "x",
			EventTypes: []string{"document.issued"}, CreatedBy: admin.ID, CreatedAt: now()}
		if err := s.WebhookInsert(ctx, w); err != nil {
			t.Fatal(err)
		}
		past := now().Add(-time.Minute)
		const n = 20
		for i := range n {
			d := &engine.WebhookDelivery{ID: uuid.NewString(), WebhookID: w.ID, EventID: uuid.NewString(), EventType: "document.issued",
				Payload: `{"i":` + string(rune('0'+i%10)) + `}`, Status: engine.OutboxPending, NextAttemptAt: past, CreatedAt: past}
			if ok, err := s.WebhookDeliveryInsert(ctx, d); err != nil || !ok {
				t.Fatalf("insert: %v, %v", ok, err)
			}
			if i == 0 {
				dup := *d
				dup.ID = uuid.NewString()
				if ok, err := s.WebhookDeliveryInsert(ctx, &dup); err != nil || ok {
					t.Fatalf("the same event queued twice: %v, %v", ok, err)
				}
			}
		}
		// Two nodes claim at once: every delivery goes to exactly one of them. The leases are
		// short so that the test can see them run out (PostgreSQL judges by its own clock).
		leaseEnd := now().Add(4 * time.Second)
		nodes := []Store{s, newHandle()}
		claimed := map[string]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, node := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := claimWebhooks(node, now(), leaseEnd, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						if d.WebhookID == w.ID {
							claimed[d.ID]++
						}
						if d.Attempts != 1 || d.LeaseUntil == nil {
							t.Errorf("claimed delivery %+v: want attempts 1 and a lease", d)
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(claimed) != n {
			t.Fatalf("claimed %d deliveries, want %d", len(claimed), n)
		}
		for id, k := range claimed {
			if k != 1 {
				t.Fatalf("delivery %s claimed %d times", id, k)
			}
		}
		list, err := s.WebhookDeliveryListByWebhook(ctx, w.ID, 100)
		if err != nil || len(list) != n {
			t.Fatalf("list = %d, %v", len(list), err)
		}
		d := list[0]
		d.Status, d.LastStatus, d.LastError, d.NextAttemptAt = engine.OutboxPending, 500, "HTTP 500", now().Add(-time.Second)
		if err := s.WebhookDeliveryUpdate(ctx, &d); err != nil {
			t.Fatal(err)
		}
		again, err := claimWebhooks(s, now(), now().Add(time.Minute), 100)
		if err != nil || len(again) != 1 || again[0].ID != d.ID || again[0].Attempts != 2 || again[0].LastStatus != 500 {
			t.Fatalf("a released delivery due again is claimed again: %+v, %v", again, err)
		}
		delivered := now()
		again[0].Status, again[0].DeliveredAt = engine.OutboxDelivered, &delivered
		if err := s.WebhookDeliveryUpdate(ctx, &again[0]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Until(leaseEnd) + 100*time.Millisecond)
		reclaimed := 0
		for {
			more, err := claimWebhooks(s, now(), now().Add(time.Hour), 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(more) == 0 {
				break
			}
			reclaimed += len(more)
		}
		if reclaimed != n-1 {
			t.Fatalf("after the leases ran out: claimed %d; want the %d undelivered", reclaimed, n-1)
		}
	})

	t.Run("NotificationsAreDispatchedOnceAndCountedUnread", func(t *testing.T) {
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
		todo, err := s.NotificationListUndispatched(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		mine := 0
		for _, n := range todo {
			if n.UserID == user.ID {
				mine++
				if err := s.NotificationMarkDispatched(ctx, n.ID, now()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if mine != 2 {
			t.Fatalf("undispatched of the user = %d, want 2", mine)
		}
		todo, _ = s.NotificationListUndispatched(ctx, 100)
		for _, n := range todo {
			if n.UserID == user.ID {
				t.Fatal("a dispatched notification is listed again")
			}
		}
	})

	t.Run("OpenTasksOfAPersonIncludeTheirUnitsUnnamedOnes", func(t *testing.T) {
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
		due := now().Add(48 * time.Hour)
		var want []string
		assign := func(docID, unitID, userID string, role engine.AssignmentRole, deadline *time.Time, status string, mine bool) {
			a := &engine.Assignment{ID: uuid.NewString(), DocumentID: docID, UnitID: unitID, UserID: userID, Role: role,
				Deadline: deadline, Status: status, CreatedBy: admin.ID, CreatedAt: now()}
			if err := s.AssignmentInsert(ctx, a); err != nil {
				t.Fatal(err)
			}
			if mine {
				want = append(want, a.ID)
			}
		}
		assign(handled, "", person.ID, engine.Lead, &due, "open", true)           // named
		assign(handled, unit.ID, "", engine.Cooperate, &due, "open", true)        // their unit, nobody named
		assign(handled, unit.ID, admin.ID, engine.Cooperate, &due, "open", false) // their unit, someone else named
		assign(handled, other.ID, "", engine.Cooperate, &due, "open", false)      // another unit
		assign(handled, "", person.ID, engine.ForInformation, &due, "open", false)
		assign(handled, "", person.ID, engine.Lead, nil, "open", false)
		assign(handled, "", person.ID, engine.Lead, &due, "done", false)
		assign(cancelled, "", person.ID, engine.Lead, &due, "open", false)
		got, err := s.AssignmentListOpenForUser(ctx, person.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, g := range got {
			ids = append(ids, g.ID)
			if g.AgencyID != province.ID {
				t.Fatalf("task %s: agency %q", g.ID, g.AgencyID)
			}
		}
		if !sameSet(ids, want) {
			t.Fatalf("open tasks = %v, want %v", ids, want)
		}
	})

	t.Run("MailsAreQueuedOncePerKeyAndRetried", func(t *testing.T) {
		m := &engine.Mail{ID: uuid.NewString(), Key: "notification:" + uuid.NewString(), UserID: admin.ID, To: admin.Email,
			Subject: "Văn bản quá hạn", Text: "Quá hạn xử lý", HTML: "<p>Quá hạn xử lý</p>", Status: engine.OutboxPending,
			NextAttemptAt: now().Add(-time.Second), CreatedAt: now()}
		if ok, err := s.MailInsert(ctx, m); err != nil || !ok {
			t.Fatalf("insert: %v, %v", ok, err)
		}
		dup := *m
		dup.ID = uuid.NewString()
		if ok, err := s.MailInsert(ctx, &dup); err != nil || ok {
			t.Fatalf("same key queued twice: %v, %v", ok, err)
		}
		got, err := claimMail(s, now(), now().Add(time.Minute), 10)
		if err != nil || len(got) != 1 || got[0].Subject != m.Subject || got[0].HTML != m.HTML || got[0].Attempts != 1 {
			t.Fatalf("claim = %+v, %v", got, err)
		}
		if again, err := claimMail(s, now(), now().Add(time.Minute), 10); err != nil || len(again) != 0 {
			t.Fatalf("a leased mail was claimed again: %+v, %v", again, err)
		}
		sent := now()
		got[0].Status, got[0].SentAt = engine.OutboxDelivered, &sent
		if err := s.MailUpdate(ctx, &got[0]); err != nil {
			t.Fatal(err)
		}
		list, err := s.MailListByUser(ctx, admin.ID, 10)
		if err != nil || len(list) != 1 || list[0].Status != engine.OutboxDelivered || list[0].SentAt == nil {
			t.Fatalf("list = %+v, %v", list, err)
		}
	})
}

func containsWebhook(t *testing.T, s Store, id string) bool {
	t.Helper()
	return containsID(t, s.WebhookListBehind, 1000, id)
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

// claimWebhooks claims in a transaction, as the workers do: a claim writes.
func claimWebhooks(s Store, at, until time.Time, limit int) (out []engine.WebhookDelivery, err error) {
	err = s.InTx(context.Background(), func(q engine.Queries) error {
		out, err = q.WebhookDeliveryClaim(context.Background(), at, until, limit)
		return err
	})
	return out, err
}

func claimMail(s Store, at, until time.Time, limit int) (out []engine.Mail, err error) {
	err = s.InTx(context.Background(), func(q engine.Queries) error {
		out, err = q.MailClaim(context.Background(), at, until, limit)
		return err
	})
	return out, err
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

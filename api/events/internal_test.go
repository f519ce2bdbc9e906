package events

import (
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

func TestEventTypeOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		objectType, action, want string
	}{
		{"document", "issue", "document.issued"},
		{"document", "dispatch", "document.dispatched"},
		{"document", "receive", "document.received"},
		{"record", "archive_record", "record.archived"},
		{"document", "register", ""},
		{"record", "issue", ""},
		{"webhook", "webhook_create", ""},
	} {
		if got := eventTypeOf(engine.Event{ObjectType: c.objectType, Action: c.action}); got != c.want {
			t.Errorf("%s %s → %q, want %q", c.objectType, c.action, got, c.want)
		}
	}
}

func TestDeliveryIDIsStablePerSubscriptionAndEvent(t *testing.T) {
	t.Parallel()
	a := DeliveryID("7d0c3a4e-0000-4000-8000-000000000001", "agency:12")
	if a != DeliveryID("7d0c3a4e-0000-4000-8000-000000000001", "agency:12") {
		t.Fatal("the same delivery got two ids")
	}
	if a == DeliveryID("7d0c3a4e-0000-4000-8000-000000000002", "agency:12") || a == DeliveryID("7d0c3a4e-0000-4000-8000-000000000001", "agency:13") {
		t.Fatal("two deliveries share an id")
	}
}

func TestBackoffDoublesWithJitterUpToAnHour(t *testing.T) {
	t.Parallel()
	base := 30 * time.Second
	for attempts, full := range map[int]time.Duration{1: base, 2: 2 * base, 3: 4 * base, 8: time.Hour, 40: time.Hour} {
		for range 200 {
			d := backoff(base, attempts)
			if d < full/2 || d > full {
				t.Fatalf("attempt %d: waited %s, want between %s and %s", attempts, d, full/2, full)
			}
		}
	}
}

// TestKnownSubscriptionsKeepNothingUnsure checks what the node remembers of the agencies'
// subscriptions: nothing while its feed is down, nothing read before a change it was told
// of (the read's snapshot may predate the change), and nothing of an agency once told it
// changed.
func TestKnownSubscriptionsKeepNothingUnsure(t *testing.T) {
	t.Parallel()
	hooks := []engine.Webhook{{ID: "w1", AgencyID: "a"}}
	var k knownSubscriptions
	lookup := func(agency string) bool {
		_, _, ok := k.get(agency)
		return ok
	}

	_, gen, _ := k.get("a")
	k.put("a", hooks, gen)
	if lookup("a") {
		t.Fatal("remembered while the feed was never live")
	}

	k.WebhookFeed(true)
	_, gen, _ = k.get("a")
	k.put("a", hooks, gen)
	if got, _, ok := k.get("a"); !ok || len(got) != 1 || got[0].ID != "w1" {
		t.Fatalf("not remembered with the feed live: %v %v", got, ok)
	}

	_, gen, _ = k.get("b")
	k.WebhooksChanged("a") // between b's read and its put
	k.put("b", nil, gen)
	if lookup("a") || lookup("b") {
		t.Fatal("a changed agency, or a list read before the change, is still remembered")
	}

	_, gen, _ = k.get("a")
	k.put("a", hooks, gen)
	_, gen, _ = k.get("b")
	k.put("b", nil, gen)
	k.WebhooksChanged(sqlstore.AllAgencies)
	if lookup("a") || lookup("b") {
		t.Fatal("a change of unknown agency left something remembered")
	}

	_, gen, _ = k.get("a")
	k.put("a", hooks, gen)
	k.WebhookFeed(false)
	_, gen, _ = k.get("a")
	k.put("a", hooks, gen)
	if lookup("a") {
		t.Fatal("remembered after the feed went down")
	}
}

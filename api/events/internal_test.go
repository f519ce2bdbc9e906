package events

import (
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
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

package sqlstore

// WebhookWatcher is told of changes to the agencies' webhook subscriptions, for a cache
// of them: WebhooksChanged after each change commits, with the agency's id (AllAgencies
// when it is not known), and WebhookFeed whether it is told of every change, other
// processes' included. While the feed is not live the watcher may have missed changes
// and must not trust what it remembers.
type WebhookWatcher interface {
	WebhooksChanged(agencyID string)
	WebhookFeed(live bool)
}

// AllAgencies is the agency of a webhook change that may concern any of them.
const AllAgencies = ""

// WebhookListener is a driver that hears the webhook changes every process commits
// (PostgreSQL's NOTIFY): changed is called with each agency's id, live with whether it
// is listening. Both are called from one goroutine, in order.
type WebhookListener interface {
	ListenWebhooks(changed func(agencyID string), live func(bool))
}

// WatchWebhooks tells w, synchronously after commit, of every webhook change made through
// this store and, where the database carries notifications (PostgreSQL), of every other
// process's. It reports false when the database cannot tell of other processes' changes
// (SQLite): w is then never told the feed is live.
func (s *Store) WatchWebhooks(w WebhookWatcher) bool {
	s.watchers.webhooks.add(w)
	l, ok := s.driver.(WebhookListener)
	if !ok {
		return false
	}
	l.ListenWebhooks(w.WebhooksChanged, w.WebhookFeed)
	return true
}

// tellWebhooks gives every webhook watcher each agency whose subscriptions changed.
func tellWebhooks(ws *watchers, agencies []string) {
	if len(agencies) == 0 {
		return
	}
	for _, w := range ws.webhooks.snapshot() {
		for _, a := range agencies {
			w.WebhooksChanged(a)
		}
	}
}

// webhooksChanged notes a change to agencyID's webhooks, as credentialsChanged does.
func (q queries) webhooksChanged(err error, agencyID string) error {
	switch {
	case err != nil:
	case q.rec != nil:
		q.rec.webhooks = append(q.rec.webhooks, agencyID)
	default:
		tellWebhooks(q.watchers, []string{agencyID})
	}
	return err
}

package events

import (
	"context"
	"sync"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// subscriptions reads each agency's webhooks once per transaction, when first needed and
// not known from an earlier one.
type subscriptions struct {
	q        engine.Queries
	known    *knownSubscriptions
	byAgency map[string][]engine.Webhook
}

func (s *subscriptions) of(ctx context.Context, agencyID string) ([]engine.Webhook, error) {
	if hooks, ok := s.byAgency[agencyID]; ok {
		return hooks, nil
	}
	hooks, gen, ok := s.known.get(agencyID)
	if !ok {
		var err error
		if hooks, err = s.q.WebhookListByAgency(ctx, agencyID); err != nil {
			return nil, err
		}
		s.known.put(agencyID, hooks, gen)
	}
	if s.byAgency == nil {
		s.byAgency = map[string][]engine.Webhook{}
	}
	s.byAgency[agencyID] = hooks
	return hooks, nil
}

// knownSubscriptions remembers the agencies' webhook subscriptions for as long as the
// store's feed tells of every change to them (a sqlstore.WebhookWatcher): nothing while
// it is not live. Every change, and every turn of the feed, starts a new generation; a
// list read in an earlier one is not kept, since a change may have committed after the
// read's snapshot and been told before it is put.
type knownSubscriptions struct {
	mu       sync.Mutex
	live     bool
	gen      uint64
	byAgency map[string][]engine.Webhook
}

// get returns agencyID's subscriptions if known, else the generation to put them in.
func (k *knownSubscriptions) get(agencyID string) ([]engine.Webhook, uint64, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	hooks, ok := k.byAgency[agencyID]
	return hooks, k.gen, ok
}

// put remembers hooks, read in generation gen (by a statement that started after get).
func (k *knownSubscriptions) put(agencyID string, hooks []engine.Webhook, gen uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.live || gen != k.gen {
		return
	}
	if k.byAgency == nil {
		k.byAgency = map[string][]engine.Webhook{}
	}
	k.byAgency[agencyID] = hooks
}

// WebhooksChanged implements sqlstore.WebhookWatcher.
func (k *knownSubscriptions) WebhooksChanged(agencyID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gen++
	if agencyID == sqlstore.AllAgencies {
		clear(k.byAgency)
	} else {
		delete(k.byAgency, agencyID)
	}
}

// WebhookFeed implements sqlstore.WebhookWatcher.
func (k *knownSubscriptions) WebhookFeed(live bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gen++
	k.live = live
	clear(k.byAgency)
}

package engine

import (
	"context"
	"fmt"
	"time"
)

// Activity is an agency's documents over the twelve months to now, as the dashboard
// draws them. The database counts them: an agency has tens of thousands of documents.
type Activity struct {
	Months                         [12]time.Time // the first instant of each month, oldest first
	Incoming, Outgoing, Signatures [12]int       // received, issued and signed here, per month
	// Handled are the documents of this year and the last past drafting; Online are those
	// of them with no paper scan anywhere.
	Handled, Online int
}

// ActivityFilter selects what Activity counts.
type ActivityFilter struct {
	AgencyID         string
	FromYear, ToYear int           // documents whose year is in this range count
	Months           [13]time.Time // bounds of twelve consecutive months, oldest first
}

// Kinds of MonthCount.
const (
	CountIncoming  = "in"
	CountOutgoing  = "out"
	CountSignature = "signed"
)

// MonthCount is how many of one kind of thing happened in month Slot of an ActivityFilter.
type MonthCount struct {
	What  string // CountIncoming, CountOutgoing or CountSignature
	Slot  int    // 0..11
	Count int
}

// Activity counts the agency's documents over the twelve months to now, in Vietnam's
// civil time.
func (e *Engine) Activity(ctx context.Context, agencyID string) (Activity, error) {
	now := e.now().In(vietnam)
	f := ActivityFilter{AgencyID: agencyID, FromYear: now.Year() - 1, ToYear: now.Year()}
	for i := range f.Months {
		f.Months[i] = time.Date(now.Year(), now.Month()-11+time.Month(i), 1, 0, 0, 0, 0, vietnam)
	}
	var a Activity
	copy(a.Months[:], f.Months[:12])
	counts, err := e.store.DocumentCountByMonth(ctx, f)
	if err != nil {
		return a, fmt.Errorf("activity: %w", err)
	}
	for _, c := range counts {
		switch c.What {
		case CountIncoming:
			a.Incoming[c.Slot] = c.Count
		case CountOutgoing:
			a.Outgoing[c.Slot] = c.Count
		case CountSignature:
			a.Signatures[c.Slot] = c.Count
		}
	}
	if a.Handled, a.Online, err = e.store.DocumentCountHandled(ctx, f); err != nil {
		return a, fmt.Errorf("activity: %w", err)
	}
	return a, nil
}

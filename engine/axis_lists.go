package engine

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// What the clerks' "Liên thông" page lists: an agency's documents sent over the axis
// with where each recipient stands, the documents it received over the axis, and the
// packages this instance refused to take in.

// AxisListPage is one page of an agency's list, newest first.
type AxisListPage struct {
	AgencyID string
	Offset   int
	Limit    int
}

// AxisSentDocument is an outgoing document with deliveries over the axis.
type AxisSentDocument struct {
	DocumentID string
	Notation   string
	Subject    string
	IssuedAt   time.Time
}

// AxisReceivedDocument is an incoming document that came over the axis.
type AxisReceivedDocument struct {
	ExchangeDocument
	SenderName     string
	SenderNotation string
	Subject        string
	State          State
	Note           string // with the warnings noted when it was taken in
}

// AxisRefusal is a package this instance acknowledged as failed: it can never take it in.
type AxisRefusal struct {
	PackageID string
	ToCode    string // the addressee's code on the axis
	FromCode  string
	Reason    string
	RefusedAt time.Time
}

// AxisListQueries read the Liên thông page's lists, one page at a time.
type AxisListQueries interface {
	// AxisSentList lists an agency's documents with deliveries over the axis, newest issued first.
	AxisSentList(ctx context.Context, p AxisListPage) ([]AxisSentDocument, error)
	// AxisReceivedList lists an agency's documents received over the axis, newest first.
	AxisReceivedList(ctx context.Context, p AxisListPage) ([]AxisReceivedDocument, error)
	// AxisRefusalInsert records a refusal once per package; it reports whether it added one.
	AxisRefusalInsert(ctx context.Context, r *AxisRefusal) (bool, error)
	// AxisRefusalList lists the refusals of packages addressed to any of codes, newest first.
	AxisRefusalList(ctx context.Context, codes []string, offset, limit int) ([]AxisRefusal, error)
}

// AxisSentView is a sent document with where each recipient on the axis stands.
type AxisSentView struct {
	AxisSentDocument
	Deliveries []AxisDelivery
}

// axisListReaders may see an agency's exchange over the axis.
var axisListReaders = []Role{RoleClerk, RoleLeader, RoleDeputyLeader}

func axisPage(actor Actor, offset, limit int) (AxisListPage, error) {
	if !slices.Contains(axisListReaders, actor.Role) {
		return AxisListPage{}, ErrForbidden
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return AxisListPage{AgencyID: actor.AgencyID, Offset: max(offset, 0), Limit: limit}, nil
}

// AxisSent lists the actor's agency's documents sent over the axis, newest first, each
// with its recipients' latest statuses.
func (e *Engine) AxisSent(ctx context.Context, actor Actor, offset, limit int) ([]AxisSentView, error) {
	p, err := axisPage(actor, offset, limit)
	if err != nil {
		return nil, fmt.Errorf("axis sent: %w", err)
	}
	docs, err := e.store.AxisSentList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("axis sent: %w", err)
	}
	out := make([]AxisSentView, 0, len(docs))
	for _, d := range docs {
		dels, err := e.store.AxisDeliveryListByOutgoing(ctx, d.DocumentID)
		if err != nil {
			return nil, fmt.Errorf("axis sent: %w", err)
		}
		out = append(out, AxisSentView{AxisSentDocument: d, Deliveries: dels})
	}
	return out, nil
}

// AxisReceived lists the actor's agency's documents received over the axis, newest first.
func (e *Engine) AxisReceived(ctx context.Context, actor Actor, offset, limit int) ([]AxisReceivedDocument, error) {
	p, err := axisPage(actor, offset, limit)
	if err != nil {
		return nil, fmt.Errorf("axis received: %w", err)
	}
	out, err := e.store.AxisReceivedList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("axis received: %w", err)
	}
	return out, nil
}

// AxisRefusals lists the packages addressed to the actor's agency that this instance
// refused, newest first.
func (e *Engine) AxisRefusals(ctx context.Context, actor Actor, offset, limit int) ([]AxisRefusal, error) {
	p, err := axisPage(actor, offset, limit)
	if err != nil {
		return nil, fmt.Errorf("axis refusals: %w", err)
	}
	a, err := e.store.AgencyGetByID(ctx, actor.AgencyID)
	if err != nil {
		return nil, fmt.Errorf("axis refusals: %w", err)
	}
	codes := []string{a.Code}
	if a.Code102 != "" {
		codes = append(codes, a.Code102)
	}
	out, err := e.store.AxisRefusalList(ctx, codes, p.Offset, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("axis refusals: %w", err)
	}
	return out, nil
}

// RecordAxisRefusal keeps a package refused on receipt, so that the addressee's clerks
// see it and why; a package refused again (the acknowledgement was lost) is kept once.
func (e *Engine) RecordAxisRefusal(ctx context.Context, r AxisRefusal) error {
	if r.RefusedAt.IsZero() {
		r.RefusedAt = e.timestamp()
	}
	if _, err := e.store.AxisRefusalInsert(ctx, &r); err != nil {
		return fmt.Errorf("record axis refusal %s: %w", r.PackageID, err)
	}
	return nil
}

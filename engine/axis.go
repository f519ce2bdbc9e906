package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/engine/search"
)

// Sending over the national document exchange axis: the recipients that are not on this
// instance are agencies of the axis's directory, named by code. A dispatch records a
// delivery per such recipient; the service sends the edXML package from a job enqueued
// in the same transaction, and each status the recipient reports back updates the
// delivery and adds to its history.

// Delivery statuses of a recipient on the axis before it reports anything.
const (
	DeliveryQueued DeliveryStatus = "queued" // waiting to be handed to the axis
	DeliverySent   DeliveryStatus = "sent"   // the axis took the package
	DeliveryFailed DeliveryStatus = "failed" // the axis refused the package; Reason says why
)

// AxisAgency is an entry of the axis's directory, as last synchronised.
type AxisAgency struct {
	Code       string
	Name       string
	ParentCode string
	Email      string
	Phone      string
	Address    string
	SystemID   string
	SyncedAt   time.Time
}

// Folded is the agency's code and name in search form.
func (a AxisAgency) Folded() string { return search.Fold(a.Code + " " + a.Name) }

// AxisAgencySearch is one page of a directory search: Query matched in codes and names
// (insensitive to case and diacritics), codes after After, at most Limit.
type AxisAgencySearch struct {
	Query string
	After string
	Limit int
}

// AxisDelivery is an outgoing document's copy for one recipient on the axis.
type AxisDelivery struct {
	ID            string
	OutgoingID    string
	RecipientCode string
	RecipientName string
	Status        DeliveryStatus
	Reason        string
	StatusCode    string    // the edXML status code Status came from; "" for this instance's own
	StatusAt      time.Time // when the recipient reported it
	PackageID     string    // the axis's package id, once sent
	UpdatedAt     time.Time
}

// AxisDeliveryEvent is one step of a delivery's history.
type AxisDeliveryEvent struct {
	DeliveryID string
	StatusCode string // edXML code, or queued/sent/failed/recalled for this instance's own steps
	At         time.Time
	Status     DeliveryStatus
	Reason     string
	Staff      string
	RecordedAt time.Time
}

// AxisQueries keep the axis's directory and the deliveries sent over it.
type AxisQueries interface {
	AxisAgencyUpsert(ctx context.Context, a *AxisAgency) error
	// AxisAgencyDeleteSyncedBefore drops the entries a synchronisation did not see.
	AxisAgencyDeleteSyncedBefore(ctx context.Context, t time.Time) (int, error)
	AxisAgencyGet(ctx context.Context, code string) (AxisAgency, error)
	// AxisAgencySearch lists entries by code.
	AxisAgencySearch(ctx context.Context, p AxisAgencySearch) ([]AxisAgency, error)

	AxisDeliveryInsert(ctx context.Context, d *AxisDelivery) error
	AxisDeliveryUpdate(ctx context.Context, d *AxisDelivery) error
	AxisDeliveryGet(ctx context.Context, id string) (AxisDelivery, error)
	AxisDeliveryListByOutgoing(ctx context.Context, outgoingID string) ([]AxisDelivery, error)
	// AxisDeliveryEventInsert adds a step unless the same code at the same time is there
	// already; it reports whether it added one.
	AxisDeliveryEventInsert(ctx context.Context, e *AxisDeliveryEvent) (bool, error)
	// AxisDeliveryEventList is a delivery's history in the order it happened at the
	// recipient: by time, then by status code.
	AxisDeliveryEventList(ctx context.Context, deliveryID string) ([]AxisDeliveryEvent, error)

	// ExchangeDocumentGet is how an incoming document came over the axis.
	ExchangeDocumentGet(ctx context.Context, documentID string) (ExchangeDocument, error)
}

// AxisCode is the code an agency of this instance has on the axis: the legacy QCVN 102
// code the axis still routes by, else its QĐ 20/2020 code.
func AxisCode(a Agency) string {
	if a.Code102 != "" {
		return a.Code102
	}
	return a.Code
}

// AxisDocumentID is the stable edXML DocumentId of an issued document:
// "<sender's code>,<date issued>,<số/ký hiệu>" (QCVN 102 §5.3), so that every
// package and status about it names it the same way.
func AxisDocumentID(sender Agency, d Document) string {
	if d.IssuedAt == nil {
		return ""
	}
	return edxml.FormatDocumentID(AxisCode(sender), *d.IssuedAt, AxisCodeOf(d))
}

// AxisCodeOf splits a notation "15/QĐ-UBND" into the envelope's number and ký hiệu.
func AxisCodeOf(d Document) edxml.Code {
	num, notation, ok := strings.Cut(d.Notation, "/")
	if !ok {
		return edxml.Code{Number: fmt.Sprint(d.Number), Notation: d.Notation}
	}
	return edxml.Code{Number: num, Notation: notation}
}

// SearchAxisAgencies searches the axis's directory.
func (e *Engine) SearchAxisAgencies(ctx context.Context, p AxisAgencySearch) ([]AxisAgency, error) {
	if p.Limit <= 0 || p.Limit > 200 {
		p.Limit = 50
	}
	out, err := e.store.AxisAgencySearch(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("search axis agencies: %w", err)
	}
	return out, nil
}

// AxisDeliveryView is a delivery with its history, for the sender.
type AxisDeliveryView struct {
	AxisDelivery
	History []AxisDeliveryEvent
}

// AxisDeliveries lists where an outgoing document stands with each recipient on the
// axis, with each one's history, for its sender.
func (e *Engine) AxisDeliveries(ctx context.Context, actor Actor, docID string) ([]AxisDeliveryView, error) {
	d, err := e.store.DocumentGetByID(ctx, docID)
	if err != nil {
		return nil, fmt.Errorf("axis deliveries: %w", err)
	}
	if d.AgencyID != actor.AgencyID {
		return nil, fmt.Errorf("axis deliveries: %w", ErrNotFound)
	}
	dels, err := e.store.AxisDeliveryListByOutgoing(ctx, docID)
	if err != nil {
		return nil, fmt.Errorf("axis deliveries: %w", err)
	}
	out := make([]AxisDeliveryView, 0, len(dels))
	for _, del := range dels {
		h, err := e.store.AxisDeliveryEventList(ctx, del.ID)
		if err != nil {
			return nil, fmt.Errorf("axis deliveries: %w", err)
		}
		sortHistory(h)
		out = append(out, AxisDeliveryView{AxisDelivery: del, History: h})
	}
	return out, nil
}

// axisRecipients are the recipients on the axis a dispatch adds: the codes given, else,
// for a correction or replacement, whoever on the axis received the original.
func axisRecipients(ctx context.Context, q Queries, d Document, codes []string) ([]string, error) {
	codes = slices.Clone(codes)
	if len(codes) == 0 && d.ReplacesID != "" {
		old, err := q.AxisDeliveryListByOutgoing(ctx, d.ReplacesID)
		if err != nil {
			return nil, err
		}
		for _, del := range old {
			if del.Status != DeliveryFailed {
				codes = append(codes, del.RecipientCode)
			}
		}
	}
	for i := range codes {
		codes[i] = strings.TrimSpace(codes[i])
	}
	slices.Sort(codes)
	return slices.Compact(codes), nil
}

// dispatchAxis records a delivery, queued, for each recipient on the axis. The service's
// transaction hook sees the dispatch and enqueues the packages with it.
func (c *change) dispatchAxis(ctx context.Context, d *Document, codes []string) error {
	sender, err := c.q.AgencyGetByID(ctx, d.AgencyID)
	if err != nil {
		return err
	}
	for _, code := range codes {
		if code == "" {
			return invalid("external_codes", "an empty agency code")
		}
		if code == AxisCode(sender) || code == sender.Code {
			return invalid("external_codes", "an agency does not send a document to itself")
		}
		if local, err := agencyByOrganID(ctx, c.q, code); err == nil {
			return invalid("external_codes", "%s is on this instance: send it to agency %s directly", code, local.ID)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		a, err := c.q.AxisAgencyGet(ctx, code)
		if errors.Is(err, ErrNotFound) {
			return invalid("external_codes", "agency %s is not in the exchange axis's directory", code)
		}
		if err != nil {
			return fmt.Errorf("axis agency %s: %w", code, err)
		}
		del := AxisDelivery{ID: NewID(), OutgoingID: d.ID, RecipientCode: a.Code, RecipientName: a.Name,
			Status: DeliveryQueued, StatusAt: c.now, UpdatedAt: c.now}
		if err := c.q.AxisDeliveryInsert(ctx, &del); err != nil {
			return fmt.Errorf("axis delivery %s: %w", code, err)
		}
		if _, err := c.q.AxisDeliveryEventInsert(ctx, &AxisDeliveryEvent{DeliveryID: del.ID, StatusCode: string(DeliveryQueued),
			At: c.now, Status: DeliveryQueued, RecordedAt: c.now}); err != nil {
			return err
		}
	}
	return nil
}

// recallAxis marks the recipients on the axis recalled; the service sends them status
// 13 (lấy lại) from the same transaction.
func (c *change) recallAxis(ctx context.Context, d *Document, reason string) error {
	dels, err := c.q.AxisDeliveryListByOutgoing(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, del := range dels {
		if del.Status == DeliveryFailed || del.Status == DeliveryReturned {
			continue
		}
		del.Status, del.Reason, del.StatusCode, del.StatusAt, del.UpdatedAt = DeliveryRecalled, reason, "", c.now, c.now
		if err := c.q.AxisDeliveryUpdate(ctx, &del); err != nil {
			return err
		}
		if _, err := c.q.AxisDeliveryEventInsert(ctx, &AxisDeliveryEvent{DeliveryID: del.ID, StatusCode: string(DeliveryRecalled),
			At: c.now, Status: DeliveryRecalled, Reason: reason, RecordedAt: c.now}); err != nil {
			return err
		}
	}
	return nil
}

// RecordAxisSend records what the axis said to a package: taken (package id) or
// refused (reason). A delivery that moved on meanwhile (a status arrived first, or the
// document was recalled) keeps its status; the history has the step either way.
func (e *Engine) RecordAxisSend(ctx context.Context, deliveryID, packageID string, refused error) error {
	err := e.store.InTx(ctx, func(q Queries) error {
		del, err := q.AxisDeliveryGet(ctx, deliveryID)
		if err != nil {
			return err
		}
		now := e.timestamp()
		ev := AxisDeliveryEvent{DeliveryID: del.ID, StatusCode: string(DeliverySent), At: now, Status: DeliverySent, RecordedAt: now}
		if refused != nil {
			ev.StatusCode, ev.Status, ev.Reason = string(DeliveryFailed), DeliveryFailed, refused.Error()
		}
		if packageID != "" {
			del.PackageID = packageID
		}
		if del.Status == DeliveryQueued || refused != nil {
			del.Status, del.Reason, del.StatusCode, del.StatusAt = ev.Status, ev.Reason, "", now
		}
		del.UpdatedAt = now
		if err := q.AxisDeliveryUpdate(ctx, &del); err != nil {
			return err
		}
		_, err = q.AxisDeliveryEventInsert(ctx, &ev)
		return err
	})
	if err != nil {
		return fmt.Errorf("record axis send %s: %w", deliveryID, err)
	}
	return nil
}

// lifecycleRank orders the steps of a delivery as they follow one another, for steps
// within the same second (the axis writes times to the second).
var lifecycleRank = map[string]int{string(DeliveryQueued): 1, string(DeliverySent): 2, string(DeliveryFailed): 3,
	"01": 4, "02": 5, "03": 6, "04": 7, "05": 8, "06": 9, string(DeliveryRecalled): 10, "13": 11, "15": 12, "16": 13}

func statusBefore(codeA string, atA time.Time, codeB string, atB time.Time) bool {
	a, b := atA.Truncate(time.Second), atB.Truncate(time.Second)
	if !a.Equal(b) {
		return a.Before(b)
	}
	return lifecycleRank[codeA] < lifecycleRank[codeB]
}

// sortHistory puts a delivery's steps in the order they happened: by the second, then
// by the lifecycle (this instance's times are finer than the recipient's).
func sortHistory(h []AxisDeliveryEvent) {
	slices.SortStableFunc(h, func(x, y AxisDeliveryEvent) int {
		switch {
		case statusBefore(x.StatusCode, x.At, y.StatusCode, y.At):
			return -1
		case statusBefore(y.StatusCode, y.At, x.StatusCode, x.At):
			return 1
		}
		return 0
	})
}

// applyAxisStatus records a status from a recipient on the axis on its delivery: the
// history gets the step (once, however often it arrives), and the delivery shows the
// latest one reported, whatever order they arrived in. It reports false when no
// delivery to that recipient is recorded.
func (c *change) applyAxisStatus(ctx context.Context, d Document, s *edxml.StatusMessage) (bool, bool, error) {
	dels, err := c.q.AxisDeliveryListByOutgoing(ctx, d.ID)
	if err != nil {
		return false, false, err
	}
	i := slices.IndexFunc(dels, func(del AxisDelivery) bool { return del.RecipientCode == s.From.OrganID })
	if i < 0 {
		return false, false, nil
	}
	del := dels[i]
	at := s.Timestamp.UTC().Truncate(time.Second)
	staff := strings.TrimSpace(s.Staff.Staff + ", " + s.Staff.Department)
	added, err := c.q.AxisDeliveryEventInsert(ctx, &AxisDeliveryEvent{DeliveryID: del.ID, StatusCode: string(s.Code), At: at,
		Status: deliveryOf[s.Code], Reason: s.Description, Staff: strings.Trim(staff, ", "), RecordedAt: c.now})
	if err != nil || !added {
		return true, false, err
	}
	// This instance's own steps (queued, sent) come before anything the recipient reports.
	newer := del.StatusCode == "" || statusBefore(del.StatusCode, del.StatusAt, string(s.Code), at)
	if del.Status == DeliveryRecalled && s.Code != edxml.StatusChangeAccepted && s.Code != edxml.StatusChangeRejected {
		newer = false // the sender took it back: only the answer to that changes the view
	}
	if newer {
		del.Status, del.Reason, del.StatusCode, del.StatusAt, del.UpdatedAt = deliveryOf[s.Code], s.Description, string(s.Code), at, c.now
		if err := c.q.AxisDeliveryUpdate(ctx, &del); err != nil {
			return true, true, err
		}
	}
	return true, true, nil
}

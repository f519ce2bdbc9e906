package engine

import (
	"context"
	"slices"
)

// Inbox lists what waits for the actor in their role, most urgent first (Hỏa tốc, then
// Thượng khẩn, then Khẩn), then oldest first:
//   - clerk: incoming documents to register or present, outgoing ones to number, sign and dispatch;
//   - leader, deputy: incoming documents presented for direction, drafts to approve and sign;
//   - unit head, specialist: incoming documents their unit or they are assigned and not finished;
//   - reviewers: drafts whose review step waits for them.
func (e *Engine) Inbox(ctx context.Context, actor Actor) ([]Document, error) {
	docs, err := e.store.DocumentList(ctx, DocumentFilter{AgencyID: actor.AgencyID, Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	var myUnits []string
	if actor.Role == RoleUnitHead || actor.Role == RoleSpecialist {
		ms, err := e.store.MembershipListByUser(ctx, actor.UserID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.AgencyID == actor.AgencyID && m.Role == actor.Role && m.UnitID != "" {
				myUnits = append(myUnits, m.UnitID)
			}
		}
	}
	var out []Document
	for _, d := range docs {
		waits, err := e.waitsFor(ctx, actor, d, myUnits)
		if err != nil {
			return nil, err
		}
		if waits {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b Document) int {
		if ra, rb := a.Urgency.Rank(), b.Urgency.Rank(); ra != rb {
			return rb - ra
		}
		return a.UpdatedAt.Compare(b.UpdatedAt)
	})
	return out, nil
}

func (e *Engine) waitsFor(ctx context.Context, actor Actor, d Document, myUnits []string) (bool, error) {
	switch actor.Role {
	case RoleClerk:
		return slices.Contains([]State{StateReceived, StateRegistered, StateSigned, StateNumbered, StateAgencySigned}, d.State), nil
	case RoleLeader, RoleDeputyLeader:
		if d.State == StatePresented || d.State == StateReviewed || d.State == StateApproved {
			return true, nil
		}
	case RoleUnitHead, RoleSpecialist:
		if d.Flow == Incoming && (d.State == StateDirected || d.State == StateInProgress) {
			as, err := e.store.AssignmentListByDocument(ctx, d.ID)
			if err != nil {
				return false, err
			}
			for _, a := range as {
				if a.Status == "open" && a.Role != ForInformation && (a.UserID == actor.UserID || slices.Contains(myUnits, a.UnitID)) {
					return true, nil
				}
			}
		}
	}
	if d.State == StateInReview {
		steps, err := e.store.ReviewStepListByDocument(ctx, d.ID)
		if err != nil {
			return false, err
		}
		for _, s := range steps {
			if s.ReviewerID == actor.UserID && s.Status == "pending" {
				return true, nil
			}
		}
	}
	if (d.State == StateDraft || d.State == StateReturned) && d.DrafterID == actor.UserID {
		return true, nil
	}
	return false, nil
}

package engine

import (
	"context"
	"fmt"
	"slices"
)

// inboxBatch is how many documents the inbox reads per query.
const inboxBatch = 500

type flowState struct {
	flow  Flow
	state State
}

// ownSteps are the states in which a document waits for a role's own step.
var ownSteps = map[Role][]flowState{
	RoleClerk: {{Incoming, StateReceived}, {Incoming, StateRegistered}, {Outgoing, StateSigned},
		{Outgoing, StateNumbered}, {Outgoing, StateAgencySigned}},
	RoleLeader:       {{Incoming, StatePresented}, {Outgoing, StateReviewed}, {Outgoing, StateApproved}},
	RoleDeputyLeader: {{Incoming, StatePresented}, {Outgoing, StateReviewed}, {Outgoing, StateApproved}},
	RoleUnitHead:     {{Incoming, StateDirected}, {Incoming, StateInProgress}},
	RoleSpecialist:   {{Incoming, StateDirected}, {Incoming, StateInProgress}},
}

// inboxStates are the states in which a document can wait for someone in role: the
// role's own steps, plus drafts (their drafter) and reviews (a named reviewer), which
// any role can be asked for.
func inboxStates(role Role) []flowState {
	return append(slices.Clone(ownSteps[role]), flowState{Outgoing, StateInReview}, flowState{Outgoing, StateDraft}, flowState{Outgoing, StateReturned})
}

// Inbox lists what waits for the actor in their role, most urgent first (Hỏa tốc, then
// Thượng khẩn, then Khẩn), then oldest first:
//   - clerk: incoming documents to register or present, outgoing ones to number, sign and dispatch;
//   - leader, deputy: incoming documents presented for direction, drafts to approve and sign;
//   - unit head, specialist: incoming documents their unit or they are assigned and not finished;
//   - reviewers: drafts whose review step waits for them.
func (e *Engine) Inbox(ctx context.Context, actor Actor) ([]Document, error) {
	// Only the states something can wait in for this role are read, one query per flow
	// along the (agency, flow, state) index, never the agency's whole archive.
	var docs []Document
	byFlow := map[Flow][]State{}
	for _, fs := range inboxStates(actor.Role) {
		byFlow[fs.flow] = append(byFlow[fs.flow], fs.state)
	}
	for _, flow := range []Flow{Incoming, Outgoing} {
		if len(byFlow[flow]) == 0 {
			continue
		}
		for before := ""; ; {
			page, err := e.store.DocumentPage(ctx, DocumentPageFilter{AgencyID: actor.AgencyID, Flow: flow, States: byFlow[flow],
				Before: before, Limit: inboxBatch})
			if err != nil {
				return nil, fmt.Errorf("inbox: %w", err)
			}
			docs = append(docs, page...)
			if len(page) < inboxBatch {
				break
			}
			before = page[len(page)-1].ID
		}
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
		return slices.Contains(ownSteps[RoleClerk], flowState{d.Flow, d.State}), nil
	case RoleLeader, RoleDeputyLeader:
		if slices.Contains(ownSteps[actor.Role], flowState{d.Flow, d.State}) {
			return true, nil
		}
	case RoleUnitHead, RoleSpecialist:
		if slices.Contains(ownSteps[actor.Role], flowState{d.Flow, d.State}) {
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

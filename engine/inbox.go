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
	assigned, reviewing, err := e.inboxClaims(ctx, actor, docs, myUnits)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	var out []Document
	for _, d := range docs {
		if waitsFor(actor, d, assigned[d.ID], reviewing[d.ID]) {
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

// inboxClaims reads, a batch at a time rather than per document, which of docs the actor
// or a unit of theirs holds an open assignment on, and which wait for the actor's review.
func (e *Engine) inboxClaims(ctx context.Context, actor Actor, docs []Document, myUnits []string) (assigned, reviewing map[string]bool, err error) {
	var handled, inReview []string
	for _, d := range docs {
		if (actor.Role == RoleUnitHead || actor.Role == RoleSpecialist) && slices.Contains(ownSteps[actor.Role], flowState{d.Flow, d.State}) {
			handled = append(handled, d.ID)
		}
		if d.State == StateInReview && actor.Role != RoleClerk {
			inReview = append(inReview, d.ID)
		}
	}
	assigned, reviewing = map[string]bool{}, map[string]bool{}
	as, err := e.store.AssignmentListByDocuments(ctx, handled)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range as {
		if a.Status == "open" && a.Role != ForInformation && (a.UserID == actor.UserID || slices.Contains(myUnits, a.UnitID)) {
			assigned[a.DocumentID] = true
		}
	}
	steps, err := e.store.ReviewStepListByDocuments(ctx, inReview)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range steps {
		if s.ReviewerID == actor.UserID && s.Status == "pending" {
			reviewing[s.DocumentID] = true
		}
	}
	return assigned, reviewing, nil
}

// waitsFor reports whether d waits for the actor: assigned and reviewing say whether they
// hold an open assignment on it or a pending review step.
func waitsFor(actor Actor, d Document, assigned, reviewing bool) bool {
	switch actor.Role {
	case RoleClerk:
		return slices.Contains(ownSteps[RoleClerk], flowState{d.Flow, d.State})
	case RoleLeader, RoleDeputyLeader:
		if slices.Contains(ownSteps[actor.Role], flowState{d.Flow, d.State}) {
			return true
		}
	case RoleUnitHead, RoleSpecialist:
		if assigned {
			return true
		}
	}
	if d.State == StateInReview && reviewing {
		return true
	}
	return (d.State == StateDraft || d.State == StateReturned) && d.DrafterID == actor.UserID
}

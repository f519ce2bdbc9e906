package engine

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// SuccessionMap says where a predecessor's people and units go in the successor. Open
// work of anyone unmapped goes to the successor's clerk for re-routing.
type SuccessionMap struct {
	Units map[string]string // predecessor unit → successor unit
	Users map[string]string // predecessor user → successor user
}

// SuccessionReport counts what the successor took over.
type SuccessionReport struct {
	Records     int      // records whose custody moved
	Documents   int      // open documents moved
	Assignments int      // open assignments moved
	Rerouted    []string // documents left with the successor's clerk for re-routing
}

// closedStates are the states in which a document's work is over.
var closedStates = []State{StateDispatched, StateFiled, StateRecalled, StateCompleted, StateReturnedToSender, StateCancelled}

// Succeed ends an agency (merger, split, the 2025 reform) at a time and hands everything
// to its successor; see SucceedWith.
func (e *Engine) Succeed(ctx context.Context, actor Actor, predecessorID, successorID string, at time.Time) (SuccessionReport, error) {
	return e.SucceedWith(ctx, actor, predecessorID, successorID, at, SuccessionMap{})
}

// SucceedWith ends the predecessor at a time (ValidTo, SuccessorID) and hands over: the
// custody of its records (their fonds stays the predecessor's), its open documents and
// their assignments, moved to the successor's units and people as m maps them or to the
// successor's clerk. Its registers stay its own and readable by the successor
// (RegisterHistory); the successor keeps numbering in its own registers. Both agencies'
// audit chains record the hand-over. The actor is System or an admin over both.
func (e *Engine) SucceedWith(ctx context.Context, actor Actor, predecessorID, successorID string, at time.Time, m SuccessionMap) (SuccessionReport, error) {
	var rep SuccessionReport
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "succeed", now: e.timestamp()}
		if actor != System {
			for _, id := range []string{predecessorID, successorID} {
				if err := c.adminOf(ctx, id); err != nil {
					return err
				}
			}
		}
		pred, succ, err := c.successionPair(ctx, predecessorID, successorID)
		if err != nil {
			return err
		}
		end := at.UTC().Truncate(time.Microsecond)
		if end.After(c.now) {
			// Custody and work move now: a merger is recorded when it takes effect.
			return invalid("at", "the succession takes effect on %s, in the future; run it on that day", end.Format(time.DateOnly))
		}
		before := map[string]any{"valid_to": pred.ValidTo, "successor": pred.SuccessorID}
		pred.ValidTo, pred.SuccessorID = &end, succ.ID
		if err := q.AgencyUpdate(ctx, &pred); err != nil {
			return err
		}
		ev := map[string]any{"predecessor": pred.Code, "successor": succ.Code, "valid_to": end}
		c.audit(pred.ID, "agency", pred.ID, before, ev)
		c.audit(succ.ID, "agency", pred.ID, nil, ev)
		if rep.Records, err = c.moveRecords(ctx, pred, succ); err != nil {
			return err
		}
		if err := c.moveOpenWork(ctx, pred, succ, m, &rep); err != nil {
			return err
		}
		return c.finish(ctx, "", pred.ID)
	})
	if err != nil {
		return SuccessionReport{}, fmt.Errorf("succession: %w", err)
	}
	return rep, nil
}

func (c *change) successionPair(ctx context.Context, predecessorID, successorID string) (Agency, Agency, error) {
	if predecessorID == successorID {
		return Agency{}, Agency{}, invalid("successor", "an agency cannot succeed itself")
	}
	pred, err := c.q.AgencyGetByID(ctx, predecessorID)
	if err != nil {
		return Agency{}, Agency{}, fmt.Errorf("predecessor: %w", err)
	}
	succ, err := c.q.AgencyGetByID(ctx, successorID)
	if err != nil {
		return Agency{}, Agency{}, fmt.Errorf("successor: %w", err)
	}
	if pred.ValidTo != nil {
		return Agency{}, Agency{}, refuse(c.action, ReasonWrongState, "%s already ended on %s", pred.Name, pred.ValidTo.Format(time.DateOnly))
	}
	if succ.ValidTo != nil {
		return Agency{}, Agency{}, refuse(c.action, ReasonWrongState, "the successor %s has itself ended", succ.Name)
	}
	return pred, succ, nil
}

// moveRecords gives the successor custody of every record the predecessor holds.
func (c *change) moveRecords(ctx context.Context, pred, succ Agency) (int, error) {
	recs, err := c.q.RecordListByCustodian(ctx, pred.ID)
	if err != nil {
		return 0, err
	}
	for _, r := range recs {
		before, prev := r, r.Version
		r.CustodianID, r.Version = succ.ID, r.Version+1
		if err := c.q.RecordUpdate(ctx, &r, prev); err != nil {
			return 0, fmt.Errorf("record %s: %w", r.Code, err)
		}
		c.audit(pred.ID, "record", r.ID, recordSummary(before), recordSummary(r))
		c.audit(succ.ID, "record", r.ID, recordSummary(before), recordSummary(r))
	}
	return len(recs), nil
}

// moveOpenWork moves the documents still being worked on, and their open assignments.
func (c *change) moveOpenWork(ctx context.Context, pred, succ Agency, m SuccessionMap, rep *SuccessionReport) error {
	docs, err := c.q.DocumentList(ctx, DocumentFilter{AgencyID: pred.ID, Limit: 1 << 30})
	if err != nil {
		return err
	}
	var clerk *Membership
	clerkOf := func() (Membership, error) {
		if clerk != nil {
			return *clerk, nil
		}
		ms, err := c.q.MembershipListByAgency(ctx, succ.ID)
		if err != nil {
			return Membership{}, err
		}
		i := slices.IndexFunc(ms, func(m Membership) bool { return m.Role == RoleClerk })
		if i < 0 {
			return Membership{}, invalid("successor", "%s has no clerk to take over open work", succ.Name)
		}
		clerk = &ms[i]
		return *clerk, nil
	}
	for _, d := range docs {
		if slices.Contains(closedStates, d.State) {
			continue
		}
		before, prev := d, d.Version
		rerouted := false
		mapUser := func(id string) (string, error) {
			if id == "" {
				return "", nil
			}
			if to, ok := m.Users[id]; ok {
				return to, nil
			}
			rerouted = true
			cl, err := clerkOf()
			return cl.UserID, err
		}
		if d.DrafterID, err = mapUser(d.DrafterID); err != nil {
			return err
		}
		if d.SignerID != "" {
			if to, ok := m.Users[d.SignerID]; ok {
				d.SignerID = to
			} else {
				d.SignerID, rerouted = "", true // the successor's clerk presents it to a signer of its own
			}
		}
		if d.DraftingUnitID != "" {
			if to, ok := m.Units[d.DraftingUnitID]; ok {
				d.DraftingUnitID = to
			} else {
				cl, err := clerkOf()
				if err != nil {
					return err
				}
				d.DraftingUnitID, rerouted = cl.UnitID, true
			}
		}
		d.AgencyID, d.Version, d.UpdatedAt = succ.ID, d.Version+1, c.now
		if err := c.q.DocumentMoveAgency(ctx, &d, prev); err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		moved := map[string]any{"from": pred.Code, "to": succ.Code, "state": d.State, "rerouted": rerouted}
		c.audit(pred.ID, "document", d.ID, summary(before), moved)
		c.audit(succ.ID, "document", d.ID, summary(before), moved)
		rep.Documents++
		as, err := c.q.AssignmentListByDocument(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.Status != "open" {
				continue
			}
			old := assignmentSummary(a)
			unit, uok := m.Units[a.UnitID]
			user, pok := m.Users[a.UserID]
			if (a.UnitID != "" && !uok) || (a.UserID != "" && !pok) || (a.UnitID == "" && a.UserID == "") {
				cl, err := clerkOf()
				if err != nil {
					return err
				}
				unit, user, rerouted = cl.UnitID, cl.UserID, true
			}
			a.UnitID, a.UserID = unit, user
			if err := c.q.AssignmentReassign(ctx, &a); err != nil {
				return err
			}
			c.audit(succ.ID, "assignment", a.ID, old, assignmentSummary(a))
			rep.Assignments++
		}
		if rerouted {
			rep.Rerouted = append(rep.Rerouted, d.ID)
		}
	}
	return nil
}

// CurrentAgency follows an agency's successors to the one in force now: a document sent
// to a dissolved agency goes to whoever took over its work.
func (e *Engine) CurrentAgency(ctx context.Context, agencyID string) (string, error) {
	id := agencyID
	for depth := 0; depth < 32; depth++ {
		a, err := e.store.AgencyGetByID(ctx, id)
		if err != nil {
			return "", fmt.Errorf("agency %s: %w", id, err)
		}
		if a.ValidTo == nil || a.SuccessorID == "" || e.now().Before(*a.ValidTo) {
			return a.ID, nil
		}
		id = a.SuccessorID
	}
	return "", fmt.Errorf("agency %s: successors loop: %w", agencyID, ErrConflict)
}

// currentAgencies maps every id to its current successor.
func (e *Engine) currentAgencies(ctx context.Context, ids []string) ([]string, error) {
	out := make([]string, len(ids))
	for i, id := range ids {
		cur, err := e.CurrentAgency(ctx, id)
		if err != nil {
			return nil, err
		}
		out[i] = cur
	}
	return out, nil
}

// RegisterHistory lists a year's documents of an agency's registers for the actor's
// agency, which is that agency or one of its successors: a predecessor's registers stay
// readable after a merger. Reading them is audited in the reader's chain.
func (e *Engine) RegisterHistory(ctx context.Context, actor Actor, agencyID string, year int) ([]Document, error) {
	var out []Document
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "read_register", now: e.timestamp()}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if actor.Role != RoleClerk && actor.Role != RoleArchivist && actor.Role != RoleLeader {
			return refuse(c.action, ReasonWrongRole, "registers are read by the clerk, the archivist and the head")
		}
		if !c.isSuccessor(ctx, agencyID, actor.AgencyID) {
			return refuse(c.action, ReasonNotYourAgency, "the registers belong to another agency")
		}
		docs, err := q.DocumentList(ctx, DocumentFilter{AgencyID: agencyID, Year: year, Limit: 1 << 30})
		if err != nil {
			return err
		}
		out = slices.DeleteFunc(docs, func(d Document) bool { return d.Classification != Unclassified })
		if agencyID == actor.AgencyID {
			return nil
		}
		c.audit(actor.AgencyID, "register", agencyID, nil, map[string]any{"read": true, "year": year, "documents": len(out)})
		return c.finish(ctx, "", agencyID)
	})
	if err != nil {
		return nil, fmt.Errorf("register history: %w", err)
	}
	return out, nil
}

// isSuccessor reports whether heir is agencyID itself or follows it in the successors' chain.
func (c *change) isSuccessor(ctx context.Context, agencyID, heir string) bool {
	for id, depth := agencyID, 0; id != "" && depth < 32; depth++ {
		if id == heir {
			return true
		}
		a, err := c.q.AgencyGetByID(ctx, id)
		if err != nil {
			return false
		}
		id = a.SuccessorID
	}
	return false
}

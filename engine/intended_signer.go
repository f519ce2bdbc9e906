package engine

import (
	"context"
	"fmt"
	"slices"
)

// ActionChangeSigner names another leader to sign a draft (not a change of state).
const ActionChangeSigner Action = "change_signer"

// Submission is a draft sent on: who checks it, and the leader who is to sign it.
type Submission struct {
	Reviewers []Reviewer
	// SignerID names the leader or deputy of the document's agency who is to sign (người
	// ký dự kiến); empty leaves the signing to any leader, as before.
	SignerID string
}

// checkIntendedSigner refuses as intended signer anyone who is not a leader or deputy of
// the agency: nobody else could sign, and the draft would wait for ever.
func (c *change) checkIntendedSigner(ctx context.Context, agencyID, userID string) error {
	if userID == "" {
		return nil
	}
	ms, err := c.q.MembershipListByUser(ctx, userID)
	if err != nil {
		return fmt.Errorf("intended signer: %w", err)
	}
	if slices.ContainsFunc(ms, func(m Membership) bool { return m.AgencyID == agencyID && slices.Contains(leaders, m.Role) }) {
		return nil
	}
	return invalid("signer_id", "người ký dự kiến phải là lãnh đạo của cơ quan / the intended signer must be a leader or deputy of the agency")
}

// ChangeIntendedSigner names another leader to sign the draft, or none (any leader): a
// reviewer whose step is pending while it is in review; once reviewed or approved, the
// head of the agency or the leader named so far (the approver). Audited like a step.
func (e *Engine) ChangeIntendedSigner(ctx context.Context, actor Actor, docID, signerID, requestID string) (Document, error) {
	return e.documentTx(ctx, actor, docID, ActionChangeSigner, requestID, func(c *change, d *Document) error {
		if d.Flow != Outgoing {
			return refuse(ActionChangeSigner, ReasonUnknownAction, "only an outgoing draft has a signer to name")
		}
		if err := c.mayChangeSigner(ctx, *d); err != nil {
			return err
		}
		if err := c.checkIntendedSigner(ctx, d.AgencyID, signerID); err != nil {
			return err
		}
		before, prev := *d, d.Version
		d.IntendedSignerID, d.Version, d.UpdatedAt = signerID, d.Version+1, c.now
		if err := c.q.DocumentUpdate(ctx, d, prev); err != nil {
			return err
		}
		c.audit(d.AgencyID, "document", d.ID, summary(before), summary(*d))
		return nil
	})
}

// mayChangeSigner is who may name the signer in which state (see ChangeIntendedSigner).
func (c *change) mayChangeSigner(ctx context.Context, d Document) error {
	// The role first, as a step checks it: who could never name a signer is refused so.
	if !slices.Contains(reviewers, c.actor.Role) {
		return refuse(ActionChangeSigner, ReasonWrongRole, "a %s does not name the signer", c.actor.Role)
	}
	switch d.State {
	case StateInReview:
		steps, err := c.q.ReviewStepListByDocument(ctx, d.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(steps, func(s ReviewStep) bool { return s.ReviewerID == c.actor.UserID && s.Status == "pending" }) {
			return nil
		}
		return refuse(ActionChangeSigner, ReasonNotAssigned, "only a reviewer of the draft names another signer")
	case StateReviewed, StateApproved:
		if c.actor.Role == RoleLeader || (c.actor.Role == RoleDeputyLeader && (d.IntendedSignerID == "" || d.IntendedSignerID == c.actor.UserID)) {
			return nil
		}
		return refuse(ActionChangeSigner, ReasonWrongRole, "only the head of the agency or the leader named to sign names another signer")
	}
	return refuse(ActionChangeSigner, ReasonWrongState, "document is %s", d.State)
}

// MaySign tells whether the actor is one to sign d now: a leader or deputy when no signer
// was named, else the named leader; or someone holding a delegation for d's type today —
// from the named leader, when there is one. The engine decides again at the signature.
func (e *Engine) MaySign(ctx context.Context, actor Actor, d Document) (bool, error) {
	if d.Flow != Outgoing || !OutgoingLifecycle[ActionSign].allowsFrom(d.State) || actor.AgencyID != d.AgencyID {
		return false, nil
	}
	named := d.IntendedSignerID
	if slices.Contains(leaders, actor.Role) && (named == "" || named == actor.UserID) {
		return true, nil
	}
	ds, err := e.store.DelegationListTo(ctx, actor.UserID, actor.AgencyID)
	if err != nil {
		return false, fmt.Errorf("may sign: %w", err)
	}
	now := e.timestamp()
	return slices.ContainsFunc(ds, func(g Delegation) bool { return (named == "" || g.FromUser == named) && g.Covers(d.TypeCode, now) }), nil
}

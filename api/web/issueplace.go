package web

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
)

// blanksFound says whether a draft's first page has blanks for the number and the date.
type blanksFound struct {
	Number, Date bool
}

// Both: issuing needs nothing placed.
func (b blanksFound) Both() bool { return b.Number && b.Date }

// blankFinder is implemented by the keyring, which knows where issuing will write.
type blankFinder interface {
	BlanksFound(ctx context.Context, actor engine.Actor, docID string) (number, date bool, err error)
}

// fillSigning offers the signature only to whoever is to sign (the leader named, or one
// holding their delegation), says whether the actor may name another signer and, on the
// clerk's issue form, whether the number and date must be placed by hand.
func (u *UI) fillSigning(ctx context.Context, s *session, v *docView) error {
	d := v.Doc
	if d.Flow != engine.Outgoing {
		return nil
	}
	if d.State == engine.StateApproved {
		ok, err := u.deps.Engine.MaySign(ctx, s.Actor, d)
		if err != nil {
			return err
		}
		if ok {
			v.Can[string(engine.ActionSign)] = true
		} else {
			delete(v.Can, string(engine.ActionSign))
		}
	}
	var err error
	if v.CanChangeSigner, err = u.mayChangeSigner(ctx, s, d); err != nil {
		return err
	}
	if finder, ok := u.deps.Keyring.(blankFinder); ok && v.Can[string(engine.ActionIssue)] {
		// Unknown (the draft cannot be read now): the form still offers placing them.
		if number, date, err := finder.BlanksFound(ctx, s.Actor, d.ID); err == nil {
			v.Blanks = &blanksFound{Number: number, Date: date}
		}
	}
	return nil
}

// mayChangeSigner mirrors the engine's rule (ChangeIntendedSigner): a reviewer with a step
// pending; once reviewed, the head of the agency or the leader named so far.
func (u *UI) mayChangeSigner(ctx context.Context, s *session, d engine.Document) (bool, error) {
	a := s.Actor
	switch d.State {
	case engine.StateInReview:
		steps, err := u.deps.Store.ReviewStepListByDocument(ctx, d.ID)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(steps, func(st engine.ReviewStep) bool {
			return st.ReviewerID == a.UserID && st.Status == "pending"
		}), nil
	case engine.StateReviewed, engine.StateApproved:
		return a.Role == engine.RoleLeader ||
			(a.Role == engine.RoleDeputyLeader && (d.IntendedSignerID == "" || d.IntendedSignerID == a.UserID)), nil
	}
	return false, nil
}

// placementInput reads where the clerk placed the number and the date (number_x,
// number_y, date_x, date_y: PDF points on the first page from its lower left corner, as
// the preview computes them); a part left empty is not placed.
func placementInput(f map[string]string) (keyring.Placement, error) {
	var p keyring.Placement
	for _, part := range []struct {
		name string
		at   **keyring.Point
	}{{"number", &p.NumberAt}, {"date", &p.DateAt}} {
		x, y := strings.TrimSpace(f[part.name+"_x"]), strings.TrimSpace(f[part.name+"_y"])
		if x == "" && y == "" {
			continue
		}
		px, errX := strconv.ParseFloat(strings.ReplaceAll(x, ",", "."), 64)
		py, errY := strconv.ParseFloat(strings.ReplaceAll(y, ",", "."), 64)
		if errX != nil || errY != nil {
			return keyring.Placement{}, badInput("err.placement")
		}
		*part.at = &keyring.Point{X: px, Y: py}
	}
	return p, nil
}

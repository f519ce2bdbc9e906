package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestIntendedSignerRoutesTheSignature(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		draft := func(signer string, reviewers ...engine.Reviewer) engine.Document {
			t.Helper()
			d, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "GM", Subject: "Giấy mời họp giao ban", DraftingUnitID: p.culture.ID}, "")
			must(t, err)
			d, err = b.eng.SubmitFor(ctx, p.specialist, d.ID, engine.Submission{Reviewers: reviewers, SignerID: signer}, "")
			must(t, err)
			return d
		}
		mustRefuse := func(what string, err error, reason engine.Reason) {
			t.Helper()
			var te *engine.TransitionError
			if !errors.As(err, &te) || te.Reason != reason {
				t.Fatalf("%s: %v, want refused (%s)", what, err, reason)
			}
		}

		t.Run("OnlyTheNamedLeaderSigns", func(t *testing.T) {
			d := draft(p.deputy.UserID)
			if got, err := b.store.DocumentGetByID(ctx, d.ID); err != nil || got.IntendedSignerID != p.deputy.UserID {
				t.Fatalf("stored intended signer %q (%v), want the deputy", got.IntendedSignerID, err)
			}
			_, err := b.eng.Approve(ctx, p.deputy, d.ID, "")
			must(t, err)
			d, _ = b.store.DocumentGetByID(ctx, d.ID)
			for _, who := range []engine.Actor{p.leader, p.deputy, p.head} {
				ok, err := b.eng.MaySign(ctx, who, d)
				must(t, err)
				if ok != (who == p.deputy) {
					t.Errorf("MaySign(%s) = %v", who.Role, ok)
				}
			}
			_, err = b.eng.Sign(ctx, p.leader, d.ID, engine.SignInput{Signed: signedPDF}, "")
			mustRefuse("the head signing the deputy's draft", err, engine.ReasonNotAssigned)
			signed, err := b.eng.Sign(ctx, p.deputy, d.ID, engine.SignInput{Signed: signedPDF, Title: "PHÓ CHỦ TỊCH"}, "")
			must(t, err)
			if signed.SignerID != p.deputy.UserID || signed.SigningForm != engine.SignsOnBehalf {
				t.Fatalf("signed by %s as %q", signed.SignerID, signed.SigningForm)
			}
		})

		t.Run("TheNamedLeadersDelegateSigns", func(t *testing.T) {
			_, err := b.eng.Delegate(ctx, p.leader, p.head.UserID, engine.SignsByAuthorization, []string{"GM"}, time.Now().Add(time.Hour))
			must(t, err)
			forDeputy := draft(p.deputy.UserID)
			_, err = b.eng.Approve(ctx, p.deputy, forDeputy.ID, "")
			must(t, err)
			// The head's delegation does not cover a draft the deputy is named to sign.
			_, err = b.eng.Sign(ctx, p.head, forDeputy.ID, engine.SignInput{Signed: signedPDF}, "")
			mustRefuse("the head's delegate signing the deputy's draft", err, engine.ReasonNotAssigned)

			forHead := draft(p.leader.UserID)
			_, err = b.eng.Approve(ctx, p.leader, forHead.ID, "")
			must(t, err)
			forHead, _ = b.store.DocumentGetByID(ctx, forHead.ID)
			if ok, err := b.eng.MaySign(ctx, p.head, forHead); err != nil || !ok {
				t.Fatalf("MaySign(the head's delegate) = %v, %v", ok, err)
			}
			signed, err := b.eng.Sign(ctx, p.head, forHead.ID, engine.SignInput{Signed: signedPDF, Title: "TRƯỞNG PHÒNG"}, "")
			must(t, err)
			if signed.SignerID != p.head.UserID || signed.SigningForm != engine.SignsByAuthorization {
				t.Fatalf("signed by %s as %q", signed.SignerID, signed.SigningForm)
			}
		})

		t.Run("WithoutANamedSignerAnyLeaderSigns", func(t *testing.T) {
			d := draft("")
			_, err := b.eng.Approve(ctx, p.leader, d.ID, "")
			must(t, err)
			signed, err := b.eng.Sign(ctx, p.deputy, d.ID, engine.SignInput{Signed: signedPDF}, "")
			must(t, err)
			if signed.SignerID != p.deputy.UserID {
				t.Fatalf("signed by %s", signed.SignerID)
			}
		})

		t.Run("RefusesASignerWhoIsNotALeader", func(t *testing.T) {
			d, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "GM", Subject: "Giấy mời", DraftingUnitID: p.culture.ID}, "")
			must(t, err)
			_, err = b.eng.SubmitFor(ctx, p.specialist, d.ID, engine.Submission{SignerID: p.head.UserID}, "")
			var ve *engine.ValidationError
			if !errors.As(err, &ve) || ve.Field != "signer_id" {
				t.Fatalf("a unit head named to sign: %v", err)
			}
			_, err = b.eng.SubmitFor(ctx, p.specialist, d.ID, engine.Submission{SignerID: b.districts[0].leader.UserID}, "")
			if !errors.As(err, &ve) {
				t.Fatalf("another agency's leader named to sign: %v", err)
			}
		})

		t.Run("TheReviewerAndTheApproverChangeIt", func(t *testing.T) {
			d := draft(p.leader.UserID, engine.Reviewer{UserID: p.head.UserID, Kind: "content", Order: 1})
			_, err := b.eng.ChangeIntendedSigner(ctx, p.specialist, d.ID, p.deputy.UserID, "")
			mustRefuse("the drafter changing the signer in review", err, engine.ReasonNotAssigned)
			d, err = b.eng.ChangeIntendedSigner(ctx, p.head, d.ID, p.deputy.UserID, "")
			must(t, err)
			if d.IntendedSignerID != p.deputy.UserID {
				t.Fatalf("after the reviewer's change: %q", d.IntendedSignerID)
			}
			_, err = b.eng.Review(ctx, p.head, d.ID, true, "", "")
			must(t, err)
			// Reviewed: the deputy named so far hands it back to the head.
			d, err = b.eng.ChangeIntendedSigner(ctx, p.deputy, d.ID, p.leader.UserID, "")
			must(t, err)
			_, err = b.eng.ChangeIntendedSigner(ctx, p.deputy, d.ID, p.deputy.UserID, "")
			mustRefuse("a deputy not named taking it", err, engine.ReasonWrongRole)
			history, err := b.store.AuditListByDocument(ctx, d.ID, 100)
			must(t, err)
			changes := 0
			for _, e := range history {
				if e.Action == string(engine.ActionChangeSigner) {
					changes++
				}
			}
			if changes != 2 {
				t.Fatalf("%d audited changes of the signer, want 2", changes)
			}
		})
	})
}

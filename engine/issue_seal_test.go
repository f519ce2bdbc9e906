package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

// TestIssueAndSealIsOneStep numbers and seals in one transaction: a seal that fails
// leaves the document signed and the register where it was; a stale If-Match is refused
// before anything; the retry numbers without a gap; a document numbered by an earlier
// Issue is only sealed.
func TestIssueAndSealIsOneStep(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		seal := func(_ context.Context, d engine.Document) (engine.FileInput, error) {
			if d.Number == 0 || d.Notation == "" || d.IssuedAt == nil {
				return engine.FileInput{}, errors.New("sealed before the number was known")
			}
			return signedPDF, nil
		}
		d := b.signedDraft(t, "Về phòng chống dịch")
		_, err := b.eng.IssueAndSeal(ctx, p.clerk, d.ID, "seal-1", func(context.Context, engine.Document) (engine.FileInput, error) {
			return engine.FileInput{}, errors.New("the disk is full")
		})
		if err == nil {
			t.Fatal("a seal that failed issued the document")
		}
		after, err := b.store.DocumentGetByID(ctx, d.ID)
		must(t, err)
		if after.State != engine.StateSigned || after.Number != 0 || after.Version != d.Version {
			t.Fatalf("after a failed seal: %s number %d version %d", after.State, after.Number, after.Version)
		}

		stale := engine.ExpectVersion(ctx, d.Version-1)
		if _, err := b.eng.IssueAndSeal(stale, p.clerk, d.ID, "seal-1", seal); !errors.Is(err, engine.ErrStale) {
			t.Fatalf("a stale If-Match: %v, want ErrStale", err)
		}

		issued, err := b.eng.IssueAndSeal(engine.ExpectVersion(ctx, d.Version), p.clerk, d.ID, "seal-1", seal)
		must(t, err)
		if issued.State != engine.StateAgencySigned || issued.Number != 1 {
			t.Fatalf("issued %s number %d, want agency_signed number 1", issued.State, issued.Number)
		}
		again, err := b.eng.IssueAndSeal(ctx, p.clerk, d.ID, "seal-1", seal)
		must(t, err)
		if again.Number != 1 || again.Version != issued.Version {
			t.Fatalf("a retry changed the document: number %d version %d", again.Number, again.Version)
		}

		// Numbered by the Issue step alone, it is only sealed.
		second := b.signedDraft(t, "Về phòng chống bão")
		numbered, err := b.eng.Issue(ctx, p.clerk, second.ID, "")
		must(t, err)
		sealed, err := b.eng.IssueAndSeal(ctx, p.clerk, second.ID, "", seal)
		must(t, err)
		if sealed.Number != numbered.Number || sealed.Number != 2 || sealed.State != engine.StateAgencySigned {
			t.Fatalf("sealed %s number %d, numbered %d", sealed.State, sealed.Number, numbered.Number)
		}
	})
}

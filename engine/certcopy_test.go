package engine_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestCertifiedCopyByTheArchivistOfTheHoldingAgency(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p, other := b.province, b.districts[0]
		blobs := newFakeBlobs()
		rec := archivedRecord(t, b, blobs, "01.VP", "chuyen-mon")
		docs, err := b.store.RecordDocumentList(ctx, rec.ID)
		must(t, err)
		loose := b.signedDraft(t, "Không nằm trong hồ sơ nào")

		for _, actor := range []engine.Actor{p.clerk, p.leader, p.specialist} {
			if _, err := b.eng.IssueCertifiedCopy(ctx, actor, docs[0], "", unsignedCopy); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("a %s issued a certified copy: %v", actor.Role, err)
			}
		}
		if _, err := b.eng.IssueCertifiedCopy(ctx, other.archivist, docs[0], "", unsignedCopy); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("another agency's archivist copied: %v", err)
		}
		if _, err := b.eng.IssueCertifiedCopy(ctx, p.archivist, loose.ID, "", unsignedCopy); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("a document in no record was copied: %v", err)
		}

		cp, err := b.eng.IssueCertifiedCopy(ctx, p.archivist, docs[0], "", unsignedCopy)
		must(t, err)
		if cp.Notation != "01/SY-UBND" || cp.Form != "SY" || cp.Original.BlobKey != signedPDF.BlobKey ||
			cp.AgencyName != p.agency.Name || cp.Record.ID != rec.ID {
			t.Fatalf("copy: %+v", cp)
		}
		// A copy whose signing fails takes no number: the number and the signed file
		// commit together.
		failing := func(context.Context, engine.CertifiedCopy) (engine.FileInput, error) {
			return engine.FileInput{}, errors.New("the disk is full")
		}
		if _, err := b.eng.IssueCertifiedCopy(ctx, p.archivist, docs[0], "copy-2", failing); err == nil {
			t.Fatal("a copy that could not be signed was issued")
		}
		second, err := b.eng.IssueCertifiedCopy(ctx, p.archivist, docs[0], "copy-2", unsignedCopy)
		must(t, err)
		if second.Notation != "02/SY-UBND" {
			t.Fatalf("second copy numbered %s, want 02/SY-UBND (no gap after a failed signing)", second.Notation)
		}
		if _, err := b.eng.IssueCertifiedCopy(ctx, p.archivist, docs[0], "copy-2", unsignedCopy); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("the same request issued a second copy: %v", err)
		}
		_, n, err := b.eng.VerifyAudit(ctx, p.agency.ID)
		must(t, err)
		events, err := b.store.AuditListByAgency(ctx, p.agency.ID, 0, int(n))
		must(t, err)
		retrievals := slices.DeleteFunc(events, func(e engine.Event) bool { return e.Action != "retrieve" })
		if len(retrievals) != 2 || retrievals[0].ObjectID != docs[0] || retrievals[0].ActorID != p.archivist.UserID {
			t.Fatalf("retrievals audited: %+v", retrievals)
		}

		// After a merger the successor's archivist copies; after destruction nobody does.
		_, err = b.eng.Succeed(ctx, engine.System, p.agency.ID, other.agency.ID, time.Now().Add(-time.Second))
		must(t, err)
		if _, err := b.eng.IssueCertifiedCopy(ctx, p.archivist, docs[0], "", unsignedCopy); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("the dissolved agency copied: %v", err)
		}
		moved, err := b.eng.IssueCertifiedCopy(ctx, other.archivist, docs[0], "", unsignedCopy)
		must(t, err)
		if moved.AgencyID != other.agency.ID || moved.Notation != "01/SY-UBND" {
			t.Fatalf("successor's copy: %+v", moved)
		}
	})
}

// unsignedCopy stands in for the agency's signature: the engine only needs to know what
// was stored.
func unsignedCopy(_ context.Context, cp engine.CertifiedCopy) (engine.FileInput, error) {
	return engine.FileInput{Kind: "certified_copy", BlobKey: engine.CopyBlobPrefix + cp.AgencyID + "/" + cp.ID, SHA256: cp.Original.SHA256}, nil
}

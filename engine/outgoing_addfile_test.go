package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

// TestAddFileOnlyWhileTheDocumentIsOpenToIt checks who may add a file to which document:
// drafters and reviewers while a draft is being written or reviewed, the clerk while an
// incoming document is received or registered; nobody later, and nobody of another agency.
func TestAddFileOnlyWhileTheDocumentIsOpenToIt(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite)
	ctx := context.Background()
	p := b.province
	version := engine.FileInput{Kind: "draft", Name: "du-thao-2.pdf", BlobKey: signedPDF.BlobKey, SHA256: signedPDF.SHA256, Size: 10}

	draft, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "CT", Subject: "Chỉ thị", DraftingUnitID: p.culture.ID}, "")
	must(t, err)
	incoming, err := b.eng.ReceiveExternal(ctx, p.clerk, engine.ExternalInput{Subject: "Công văn đến", SenderName: "Bộ Nội vụ",
		SenderNotation: "12/BNV-VP", Files: []engine.FileInput{signedPDF}}, "")
	must(t, err)
	signed := b.signedDraft(t, "Chỉ thị đã ký")

	refused := func(t *testing.T, actor engine.Actor, docID string, reason engine.Reason, kind error) {
		t.Helper()
		_, err := b.eng.AddFile(ctx, actor, docID, version, "")
		var te *engine.TransitionError
		if !errors.As(err, &te) || te.Reason != reason || !errors.Is(err, kind) {
			t.Fatalf("AddFile by %s: got %v, want %s (%v)", actor.Role, err, reason, kind)
		}
	}

	t.Run("DraftersAndReviewersAddVersionsToADraft", func(t *testing.T) {
		for _, a := range []engine.Actor{p.specialist, p.head, p.clerk, p.leader, p.deputy} {
			if _, err := b.eng.AddFile(ctx, a, draft.ID, version, ""); err != nil {
				t.Fatalf("%s adding a version to a draft: %v", a.Role, err)
			}
		}
	})
	t.Run("ArchivistCannotTouchADraft", func(t *testing.T) {
		refused(t, p.archivist, draft.ID, engine.ReasonWrongRole, engine.ErrForbidden)
	})
	t.Run("NobodyChangesASignedDocument", func(t *testing.T) {
		refused(t, p.specialist, signed.ID, engine.ReasonWrongState, engine.ErrConflict)
		refused(t, p.clerk, signed.ID, engine.ReasonWrongState, engine.ErrConflict)
	})
	t.Run("ForeignAgencyIsNotFound", func(t *testing.T) {
		refused(t, b.districts[0].specialist, draft.ID, engine.ReasonNotYourAgency, engine.ErrNotFound)
		refused(t, b.districts[0].clerk, incoming.ID, engine.ReasonNotYourAgency, engine.ErrNotFound)
	})
	t.Run("OnlyTheClerkAddsToAnIncomingDocument", func(t *testing.T) {
		if _, err := b.eng.AddFile(ctx, p.clerk, incoming.ID, version, ""); err != nil {
			t.Fatalf("clerk adding a scan to a received document: %v", err)
		}
		refused(t, p.specialist, incoming.ID, engine.ReasonWrongRole, engine.ErrForbidden)
		refused(t, p.leader, incoming.ID, engine.ReasonWrongRole, engine.ErrForbidden)
	})
	t.Run("NotAfterTheIncomingDocumentIsPresented", func(t *testing.T) {
		_, err := b.eng.Register(ctx, p.clerk, incoming.ID, "")
		must(t, err)
		if _, err := b.eng.AddFile(ctx, p.clerk, incoming.ID, version, ""); err != nil {
			t.Fatalf("clerk adding to a registered document: %v", err)
		}
		_, err = b.eng.Present(ctx, p.clerk, incoming.ID, "")
		must(t, err)
		refused(t, p.clerk, incoming.ID, engine.ReasonWrongState, engine.ErrConflict)
	})
}

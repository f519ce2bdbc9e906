package verify

import (
	"context"
	"testing"

	"github.com/vanthu/vanthu/signer/signertest"
)

func TestRevisionBoundaries(t *testing.T) {
	t.Parallel()
	base := basePDF()
	doc := signertest.AppendUpdate(t, base, map[int]string{5: streamObj("BT (moi) Tj ET")})
	a, err := newAnalysis(context.Background(), doc, Options{})
	if err != nil {
		t.Fatalf("newAnalysis: %v", err)
	}
	if len(a.bounds) != 2 || a.trailing {
		t.Fatalf("bounds %v trailing %v, want 2 revisions and nothing after", a.bounds, a.trailing)
	}
	t.Run("the end of each revision is found", func(t *testing.T) {
		if k := a.revisionOf(len(base)); k != 0 {
			t.Errorf("revisionOf(end of original) = %d, want 0", k)
		}
		if k := a.revisionOf(len(doc)); k != 1 {
			t.Errorf("revisionOf(end of file) = %d, want 1", k)
		}
	})
	t.Run("signed bytes ending inside a revision are flagged", func(t *testing.T) {
		cs := a.modifications(len(base) - 20)
		if !hasChange(cs, kindByteRangeEnd, false) {
			t.Fatalf("changes %+v, want %s", cs, kindByteRangeEnd)
		}
	})
	t.Run("later revisions are diffed", func(t *testing.T) {
		cs := a.modifications(len(base))
		if !hasChange(cs, kindPageContent, false) || cs[0].Revision != 2 {
			t.Fatalf("changes %+v, want a page content change in revision 2", cs)
		}
	})
}

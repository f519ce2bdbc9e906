package keyring

import (
	"context"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/blank"
)

// BlanksFound tells whether issuing will find places for the number and the date on the
// first page of the document's draft, as issueText looks for them, so that the clerk's
// form says beforehand whether they must be placed. An unreadable page has neither.
func (k *Keyring) BlanksFound(ctx context.Context, actor engine.Actor, docID string) (number, date bool, err error) {
	doc, err := k.document(ctx, actor, docID)
	if err != nil {
		return false, false, err
	}
	draft, err := k.latestFile(ctx, docID, "draft")
	if err != nil {
		return false, false, err
	}
	layout, err := k.cfg.Placer(ctx, doc, draft)
	if err != nil {
		return false, false, err
	}
	if layout.Blanks != nil {
		return true, true, nil
	}
	// An unreadable page has no blanks: issuing refuses it the same way.
	found, _ := blank.Find(ctx, draft)
	if ctx.Err() != nil {
		return false, false, ctx.Err()
	}
	return found.Number != nil, found.Date != nil, nil
}

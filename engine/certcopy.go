package engine

import (
	"context"
	"fmt"
)

// CertifiedCopy is an electronic certified copy (bản sao y, SAO Y) of a document kept in a
// record: numbered in the copy register of the agency holding the record, to be signed
// with that agency's key over the signed original.
type CertifiedCopy struct {
	Copy
	AgencyName string // the copying agency, printed on the copy (tên cơ quan sao)
	Record     Record
	Document   Document
	Original   File      // the signed original the copy reproduces
	Signed     FileInput // the signed copy, as SignCopyFunc stored it
}

// SignCopyFunc signs a numbered certified copy and stores it, keyed under CopyBlobPrefix.
type SignCopyFunc func(ctx context.Context, cp CertifiedCopy) (FileInput, error)

// CopyBlobPrefix is where certified copies are kept in the blob store:
// certified-copies/<agency id>/<copy id>/…; the copy's row keeps no key, its agency and
// id name it.
const CopyBlobPrefix = "certified-copies/"

// IssueCertifiedCopy numbers a certified copy of a record's document for the archivist of
// the agency holding the record, signs it with sign and audits it as a retrieval, in one
// transaction: no copy is ever numbered without its signed file. A document in no record
// of the actor's agency is not found. A retry of requestID is a conflict: its answer is
// the one the first attempt kept (WithReply).
func (e *Engine) IssueCertifiedCopy(ctx context.Context, actor Actor, documentID, requestID string, sign SignCopyFunc) (CertifiedCopy, error) {
	var out CertifiedCopy
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "retrieve", now: e.timestamp()}
		if done, err := c.replayed(ctx, requestID, ""); err != nil || done {
			if err == nil {
				err = fmt.Errorf("request %q already issued a certified copy: %w", requestID, ErrConflict)
			}
			return err
		}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if actor.Role != RoleArchivist {
			return refuse(c.action, ReasonWrongRole, "certified copies of archived documents are issued by the archivist")
		}
		rec, err := c.holdingRecord(ctx, documentID)
		if err != nil {
			return err
		}
		d, err := q.DocumentGetByID(ctx, documentID)
		if err != nil {
			return err
		}
		files, err := q.FileListByDocument(ctx, documentID)
		if err != nil {
			return err
		}
		orig, ok := lastSigned(files)
		if !ok {
			return invalid("document_id", "the document has no signed original to copy")
		}
		agency, err := q.AgencyGetByID(ctx, actor.AgencyID)
		if err != nil {
			return err
		}
		year := c.now.In(vietnam).Year()
		n, err := q.RegisterNextNumber(ctx, agency.ID, year, RegisterCopy, "")
		if err != nil {
			return err
		}
		cp := Copy{ID: NewID(), AgencyID: agency.ID, SourceID: d.ID, Form: "SY", Year: year, Number: n,
			Notation: Notation(n, "SY", agency.ShortName, ""), CreatedBy: actor.UserID, CreatedAt: c.now}
		if err := q.CopyInsert(ctx, &cp); err != nil {
			return err
		}
		c.audit(agency.ID, "document", d.ID, nil, map[string]any{"retrieved": "certified_copy", "copy": cp.ID,
			"notation": cp.Notation, "record": rec.FileCode(), "original": orig.SHA256})
		out = CertifiedCopy{Copy: cp, AgencyName: agency.Name, Record: rec, Document: d, Original: orig}
		if out.Signed, err = sign(ctx, out); err != nil {
			return err
		}
		if err := c.finish(ctx, requestID, cp.ID); err != nil {
			return err
		}
		return c.reply(ctx, requestID, out)
	})
	if err != nil {
		return CertifiedCopy{}, fmt.Errorf("certified copy of %s: %w", documentID, err)
	}
	return out, nil
}

// holdingRecord finds a record of the actor's agency, not destroyed, that holds the document.
func (c *change) holdingRecord(ctx context.Context, documentID string) (Record, error) {
	ids, err := c.q.RecordIDsByDocument(ctx, documentID)
	if err != nil {
		return Record{}, err
	}
	var gone *Record
	for _, id := range ids {
		r, err := c.q.RecordGetByID(ctx, id)
		if err != nil {
			return Record{}, err
		}
		if r.Custodian() != c.actor.AgencyID {
			continue
		}
		if r.State == RecordDestroyed || r.State == RecordDisposing {
			gone = &r
			continue
		}
		return r, nil
	}
	if gone != nil {
		return Record{}, refuse(c.action, ReasonWrongState, "record %s was destroyed", gone.Code)
	}
	return Record{}, refuse(c.action, ReasonNotYourAgency, "no record of this agency holds the document")
}

// lastSigned is the latest signed file of a document, else the latest scan of a paper
// original.
func lastSigned(files []File) (File, bool) {
	for _, kind := range []string{"signed", "scan"} {
		for i := len(files) - 1; i >= 0; i-- {
			if files[i].Kind == kind {
				return files[i], true
			}
		}
	}
	return File{}, false
}

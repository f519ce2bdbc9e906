package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ArchiveImport is a bag of another instance's archive taken in as a record here: how a
// district's archive moves to the province, or a predecessor's to its successor. The
// source fonds and the head of the source's audit chain are kept as history.
type ArchiveImport struct {
	ID               string
	AgencyID         string // the agency that took the record in
	RecordID         string
	Identifier       string // the bag's record identifier: fonds.year.code
	PayloadDigest    string // SHA-256 of the bag's payload manifest: the same bag, byte for byte
	BagName          string
	FormatVersion    int
	SourceFondsCode  string
	SourceFondsName  string
	SourceRecordCode string
	SourceHeadHash   string
	Metadata         string // the bag's record metadata (JSON) as received
	ImportedBy       string
	ImportedAt       time.Time
}

// ArchiveImportInput is a validated bag, its files already in this instance's blob store.
type ArchiveImportInput struct {
	AgencyID      string // the agency taking the record in
	BagName       string
	Identifier    string
	PayloadDigest string
	FormatVersion int
	FondsCode     string // the record's fonds at the source
	FondsName     string
	Record        ImportedRecord
	Documents     []ImportedDocument
	// SourceEvents are the source's audit events about the record and its documents,
	// SourceHeadHash the head of the source's chain when the bag was made.
	SourceEvents   []Event
	SourceHeadHash string
	Metadata       string
	// FiledBy names the user recorded as filing the documents when System imports; a
	// person importing files them under their own name.
	FiledBy string
	// Text, when set, gives a document's extra text for the search index (the PDF's
	// text layer).
	Text func(context.Context, Document) string
}

// ImportedRecord is the record as the bag describes it.
type ImportedRecord struct {
	Code        string
	Title       string
	Year        int
	Retention   Retention
	LegalHold   bool
	OpenedAt    *time.Time
	WorkEndedAt *time.Time
	Metadata    RecordMetadata
}

// ImportedDocument is one document of the bag with its files (already stored here).
type ImportedDocument struct {
	Flow           Flow
	TypeCode       string
	Subject        string
	Notation       string // số, ký hiệu: the issuer's, or the sender's for an incoming document
	Author         string // the issuing agency (the sender of an incoming document)
	Urgency        Urgency
	Classification Classification
	IssuedAt       *time.Time
	ReceivedAt     *time.Time
	Files          []FileInput
}

// ArchiveImportResult is what an import did.
type ArchiveImportResult struct {
	Import    ArchiveImport
	Record    Record
	Documents []Document
	// AlreadyImported is set when this very bag was imported before: nothing changed.
	AlreadyImported bool
}

// ImportArchive takes a bag's record into an agency in one transaction: the record
// (handed over to the agency archive, keeping its original fonds code), its documents
// and files, the source's audit events kept read-only, and one "import_record" event in the agency's own chain naming
// the bag, the source fonds and the source chain's head. The record keeps its code; when a
// successor already has that code for the year, the predecessor's fonds code is appended.
// Importing the same bag again changes nothing and says so; a different bag of a record
// already imported is a conflict. The documents are indexed for search after commit.
func (e *Engine) ImportArchive(ctx context.Context, actor Actor, in ArchiveImportInput) (ArchiveImportResult, error) {
	if err := in.validate(); err != nil {
		return ArchiveImportResult{}, fmt.Errorf("import %s: %w", in.Identifier, err)
	}
	var res ArchiveImportResult
	err := e.store.InTx(ctx, func(q Queries) error {
		res = ArchiveImportResult{}
		c := &change{e: e, q: q, actor: actor, action: "import_record", now: e.timestamp()}
		agency, err := q.AgencyGetByID(ctx, in.AgencyID)
		if err != nil {
			return fmt.Errorf("agency: %w", err)
		}
		filer, err := c.importer(ctx, agency.ID, in.FiledBy)
		if err != nil {
			return err
		}
		prior, err := q.ArchiveImportGetByIdentifier(ctx, agency.ID, in.Identifier)
		switch {
		case err == nil && prior.PayloadDigest == in.PayloadDigest:
			res.Import, res.AlreadyImported = prior, true
			res.Record, err = q.RecordGetByID(ctx, prior.RecordID)
			return err
		case err == nil:
			return fmt.Errorf("%s was already imported on %s from another bag (different files): %w",
				in.Identifier, prior.ImportedAt.Format(time.DateOnly), ErrConflict)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		rec, err := c.importRecord(ctx, agency, in, filer)
		if err != nil {
			return err
		}
		res.Record = rec
		for _, d := range in.Documents {
			doc, err := c.importDocument(ctx, rec, d, filer)
			if err != nil {
				return fmt.Errorf("document %q: %w", d.Subject, err)
			}
			res.Documents = append(res.Documents, doc)
		}
		res.Import = ArchiveImport{ID: NewID(), AgencyID: agency.ID, RecordID: rec.ID, Identifier: in.Identifier,
			PayloadDigest: in.PayloadDigest, BagName: in.BagName, FormatVersion: in.FormatVersion, SourceFondsCode: in.FondsCode,
			SourceFondsName: in.FondsName, SourceRecordCode: in.Record.Code, SourceHeadHash: in.SourceHeadHash,
			Metadata: in.Metadata, ImportedBy: actor.UserID, ImportedAt: c.now}
		if err := q.ArchiveImportInsert(ctx, &res.Import); err != nil {
			return err
		}
		for i := range in.SourceEvents {
			if err := q.ArchiveImportEventInsert(ctx, res.Import.ID, &in.SourceEvents[i]); err != nil {
				return err
			}
		}
		c.audit(agency.ID, "record", rec.ID, nil, map[string]any{"bag": in.BagName, "identifier": in.Identifier,
			"source_fonds": in.FondsCode, "source_fonds_name": in.FondsName, "source_chain_head": in.SourceHeadHash,
			"code": rec.Code, "documents": len(res.Documents), "source_events": len(in.SourceEvents)})
		return c.finish(ctx, "", rec.ID)
	})
	if err != nil {
		return ArchiveImportResult{}, fmt.Errorf("import %s: %w", in.Identifier, err)
	}
	for _, d := range res.Documents {
		extra := ""
		if in.Text != nil {
			extra = in.Text(ctx, d)
		}
		// The import stands even if indexing fails: the index picks up stale documents later.
		if err := e.IndexDocument(ctx, d, extra); err != nil {
			return res, fmt.Errorf("import %s: imported, but not yet searchable: %w", in.Identifier, err)
		}
	}
	return res, nil
}

func (in *ArchiveImportInput) validate() error {
	switch {
	case strings.TrimSpace(in.Identifier) == "":
		return invalid("identifier", "the bag names no record identifier")
	case in.PayloadDigest == "":
		return invalid("payload_digest", "the bag's payload digest is required")
	case in.FondsCode == "":
		return invalid("fonds_code", "the bag names no fonds")
	case len(in.Documents) == 0:
		return invalid("documents", "the bag holds no documents")
	}
	r := Record{Code: in.Record.Code, Title: in.Record.Title, Year: in.Record.Year, Retention: in.Record.Retention,
		FondsCode: in.FondsCode, RecordMetadata: in.Record.Metadata}
	if err := r.Validate(); err != nil {
		return err
	}
	for _, d := range in.Documents {
		doc := Document{Flow: d.Flow, Subject: d.Subject, TypeCode: d.TypeCode, Urgency: d.Urgency, Classification: d.Classification}
		if err := doc.Validate(); err != nil {
			return err
		}
		for _, f := range d.Files {
			if f.BlobKey == "" || f.SHA256 == "" {
				return invalid("files", "document %q has a file not stored here", d.Subject)
			}
		}
	}
	return nil
}

// importer checks that the actor may take records into the agency's archive (its
// archivist, an admin of it or above, or the system) and returns who files the documents.
func (c *change) importer(ctx context.Context, agencyID, filedBy string) (string, error) {
	switch {
	case c.actor == System:
		if filedBy == "" {
			return "", invalid("filed_by", "an import by the system names the user who takes the record in")
		}
		if _, err := c.q.UserGetByID(ctx, filedBy); err != nil {
			return "", fmt.Errorf("filed by: %w", err)
		}
		return filedBy, nil
	case c.actor.Role == RoleArchivist:
		return c.actor.UserID, c.authorize(ctx, agencyID)
	case c.actor.Role == RoleAdmin:
		return c.actor.UserID, c.adminOf(ctx, agencyID)
	}
	return "", refuse(c.action, ReasonWrongRole, "the archivist or an admin of the agency imports records")
}

// importRecord inserts the record, handed over to the agency archive. A successor that
// already has the code for that year gets the predecessor's fonds code appended to it.
func (c *change) importRecord(ctx context.Context, agency Agency, in ArchiveImportInput, filer string) (Record, error) {
	existing, err := c.q.RecordListByAgency(ctx, agency.ID, in.Record.Year)
	if err != nil {
		return Record{}, err
	}
	taken := map[string]bool{}
	for _, r := range existing {
		taken[r.Code] = true
	}
	code := in.Record.Code
	if taken[code] && in.FondsCode != agency.Code {
		code = in.Record.Code + "." + in.FondsCode
	}
	if taken[code] {
		return Record{}, fmt.Errorf("%s already has a record %s of %d: %w", agency.Name, code, in.Record.Year, ErrConflict)
	}
	r := Record{ID: NewID(), AgencyID: agency.ID, FondsCode: in.FondsCode, CustodianID: agency.ID, Code: code, Title: in.Record.Title, Year: in.Record.Year,
		Retention: in.Record.Retention, RecordMetadata: in.Record.Metadata, OwnerID: filer, State: RecordHandedOver, LegalHold: in.Record.LegalHold,
		OpenedAt: in.Record.OpenedAt, WorkEndedAt: in.Record.WorkEndedAt, ClosedAt: &c.now, HandedOverAt: &c.now,
		Version: 1, CreatedAt: c.now}
	if err := r.Validate(); err != nil {
		return Record{}, fmt.Errorf("record code %s in %s: %w", code, agency.Code, err)
	}
	if err := c.q.RecordInsert(ctx, &r); err != nil {
		return Record{}, fmt.Errorf("record %s: %w", code, err)
	}
	return r, nil
}

// importDocument inserts a filed document with its files into the record. It takes no
// number of this agency's registers: its số, ký hiệu stays the text the issuer gave it.
func (c *change) importDocument(ctx context.Context, rec Record, in ImportedDocument, filer string) (Document, error) {
	d := Document{ID: NewID(), AgencyID: rec.AgencyID, Flow: in.Flow, State: StateFiled, Version: 1, TypeCode: in.TypeCode,
		Subject: in.Subject, Urgency: in.Urgency, Classification: in.Classification, Year: rec.Year,
		IssuedAt: in.IssuedAt, ReceivedAt: in.ReceivedAt, CreatedAt: c.now, UpdatedAt: c.now}
	if in.IssuedAt != nil {
		d.Year = in.IssuedAt.In(vietnam).Year()
	}
	if in.Flow == Incoming {
		d.SenderName, d.SenderNotation = in.Author, in.Notation
	} else {
		d.Notation = in.Notation
	}
	if err := c.q.DocumentInsert(ctx, &d); err != nil {
		return Document{}, err
	}
	for _, f := range in.Files {
		if err := c.addFile(ctx, d.ID, f, "attachment"); err != nil {
			return Document{}, err
		}
	}
	if err := c.q.RecordDocumentInsert(ctx, rec.ID, d.ID, filer, c.now); err != nil {
		return Document{}, fmt.Errorf("file into record: %w", err)
	}
	return d, nil
}

// ImportedHistory returns where an imported record came from and the source's audit
// events about it, for anyone working in the record's agency.
func (e *Engine) ImportedHistory(ctx context.Context, actor Actor, recordID string) (ArchiveImport, []Event, error) {
	c := &change{e: e, q: e.store, actor: actor, action: "imported_history", now: e.timestamp()}
	rec, err := e.store.RecordGetByID(ctx, recordID)
	if err != nil {
		return ArchiveImport{}, nil, fmt.Errorf("imported history: %w", err)
	}
	if err := c.authorize(ctx, rec.AgencyID); err != nil {
		return ArchiveImport{}, nil, fmt.Errorf("imported history: %w", err)
	}
	imp, err := e.store.ArchiveImportGetByRecord(ctx, recordID)
	if err != nil {
		return ArchiveImport{}, nil, fmt.Errorf("imported history: %w", err)
	}
	events, err := e.store.ArchiveImportEventList(ctx, imp.ID)
	if err != nil {
		return ArchiveImport{}, nil, fmt.Errorf("imported history: %w", err)
	}
	return imp, events, nil
}

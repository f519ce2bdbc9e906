package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/bagit"
	"github.com/vanthu/vanthu/storage/blob"
)

// vietnam is the zone the bag's dates (YYYY-MM-DD) are written in.
var vietnam = time.FixedZone("ICT", 7*60*60)

var (
	// ErrDamagedBag is a bag that fails RFC 8493 validation or whose metadata does not
	// match its payload: nothing of it is imported.
	ErrDamagedBag = errors.New("archive: damaged bag")
	// ErrNewerFormat is a bag written by a newer vanthu than this one.
	ErrNewerFormat = errors.New("archive: bag format is newer than this vanthu reads")
)

// Limits on the tag files an import reads into memory.
const (
	maxMetadataBytes = 64 << 20
	maxAuditBytes    = 512 << 20
)

// ImportOptions say where and as whom a bag is imported.
type ImportOptions struct {
	// AgencyCode is the agency taking the record in (--into: a successor); empty means
	// the agency whose code is the bag's fonds.
	AgencyCode string
	Actor      engine.Actor
	// FiledBy names the user filing the documents when Actor is engine.System.
	FiledBy string
	// Validating and Storing, when set, are told how many bytes were hashed while
	// validating the bag, then how many were stored.
	Validating func(done, total int64)
	Storing    func(done, total int64)
	// Text gives a document's extra text for the search index (the PDF's text layer).
	Text func(context.Context, engine.Document) string
}

// ImportResult is what Import did.
type ImportResult struct {
	engine.ArchiveImportResult
	Identifier string
	Files      int
	Bytes      int64
}

// Import validates the bag in dir (RFC 8493, every digest), stores its files in blobs
// (each verified against the manifest on the way and by the content address after), and
// has the engine take the record, its documents and the source's audit trail in, in one
// transaction. A failure leaves no metadata behind; the stored blobs are content-addressed,
// so a retry stores nothing twice. Importing the same bag again is reported, not repeated.
func Import(ctx context.Context, eng *engine.Engine, store engine.Store, blobs blob.Store, dir string, opts ImportOptions) (*ImportResult, error) {
	bag, err := bagit.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("archive: import %s: %w", dir, err)
	}
	report, err := bag.Validate(ctx, bagit.ValidateOptions{Progress: opts.Validating})
	if err != nil {
		return nil, fmt.Errorf("archive: import %s: %w", dir, err)
	}
	if !report.Valid() {
		return nil, fmt.Errorf("%w: %s: %s", ErrDamagedBag, filepath.Base(dir), report)
	}
	meta, events, err := readMetadata(bag)
	if err != nil {
		return nil, fmt.Errorf("archive: import %s: %w", filepath.Base(dir), err)
	}
	code := opts.AgencyCode
	if code == "" {
		code = meta.FondsCode
	}
	agency, err := store.AgencyGetByCode(ctx, code)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, fmt.Errorf("archive: import %s: no agency with code %s here (use --into for a successor): %w", meta.Identifier, code, err)
	}
	if err != nil {
		return nil, fmt.Errorf("archive: import %s: agency %s: %w", meta.Identifier, code, err)
	}
	files, digest, err := payloadOf(bag, meta)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDamagedBag, filepath.Base(dir), err)
	}
	res := &ImportResult{Identifier: meta.Identifier, Files: len(files)}
	for _, f := range files {
		res.Bytes += f.Size
	}
	if prior, err := store.ArchiveImportGetByIdentifier(ctx, agency.ID, meta.Identifier); err == nil && prior.PayloadDigest == digest {
		// Already here: skip storing anything; the engine says so without changing a thing.
		res.Bytes = 0
	} else if err := storeFiles(ctx, bag, blobs, files, res.Bytes, opts.Storing); err != nil {
		return nil, fmt.Errorf("archive: import %s: %w", meta.Identifier, err)
	}
	in, err := importInput(meta, events, files, agency.ID, digest, filepath.Base(dir))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDamagedBag, filepath.Base(dir), err)
	}
	metaJSON, _ := json.Marshal(meta)
	in.Metadata, in.FiledBy, in.Text = string(metaJSON), opts.FiledBy, opts.Text
	out, err := eng.ImportArchive(ctx, opts.Actor, in)
	res.ArchiveImportResult = out
	if err != nil {
		return res, fmt.Errorf("archive: %w", err)
	}
	return res, nil
}

// readMetadata reads the record's metadata and audit trail, both checked against the
// tag manifest, and refuses a format newer than this code knows.
func readMetadata(bag *bagit.Bag) (*RecordMetadata, []engine.Event, error) {
	data, err := bag.ReadTagFile("metadata/record.json", maxMetadataBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrDamagedBag, err)
	}
	var meta RecordMetadata
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, nil, fmt.Errorf("%w: metadata/record.json: %w", ErrDamagedBag, err)
	}
	if meta.FormatVersion == 0 {
		meta.FormatVersion = 1 // bags written before the field existed
	}
	if meta.FormatVersion > FormatVersion {
		return nil, nil, fmt.Errorf("%w: format %d, this vanthu reads up to %d; import it with a newer vanthu",
			ErrNewerFormat, meta.FormatVersion, FormatVersion)
	}
	if meta.Identifier == "" || meta.FondsCode == "" {
		return nil, nil, fmt.Errorf("%w: metadata/record.json names no record or fonds", ErrDamagedBag)
	}
	var events []engine.Event
	if data, err := bag.ReadTagFile("metadata/audit.json", maxAuditBytes); err == nil {
		if err := json.Unmarshal(data, &events); err != nil {
			return nil, nil, fmt.Errorf("%w: metadata/audit.json: %w", ErrDamagedBag, err)
		}
	} else {
		return nil, nil, fmt.Errorf("%w: %w", ErrDamagedBag, err)
	}
	return &meta, events, nil
}

// bagFile is one payload file the metadata names, as the bag holds it.
type bagFile struct {
	doc  int    // index into the metadata's documents
	rel  string // path under data/
	meta FileMeta
	Size int64
}

// payloadOf matches the metadata's files with the payload manifest: every file named must
// be listed with the same SHA-256, and every payload file must belong to a document. The
// digest identifies the payload (the same bag exported twice has the same one).
func payloadOf(bag *bagit.Bag, meta *RecordMetadata) ([]bagFile, string, error) {
	listed := map[string]string{}
	for e := range bag.Files() {
		listed[e.Path] = e.Digests["sha256"]
	}
	var files []bagFile
	named := map[string]bool{}
	for i, d := range meta.Documents {
		for _, f := range d.Files {
			rel, ok := strings.CutPrefix(f.Path, "data/")
			if !ok || named[rel] {
				return nil, "", fmt.Errorf("file %q of document %q is not a payload path or is named twice", f.Path, d.Subject)
			}
			got, ok := listed[rel]
			switch {
			case !ok:
				return nil, "", fmt.Errorf("file %q of document %q is not in the bag", f.Path, d.Subject)
			case got == "":
				return nil, "", fmt.Errorf("file %q has no SHA-256 in the payload manifest", f.Path)
			case got != strings.ToLower(f.SHA256):
				return nil, "", fmt.Errorf("file %q: the metadata says SHA-256 %s, the manifest %s", f.Path, f.SHA256, got)
			}
			named[rel] = true
			files = append(files, bagFile{doc: i, rel: rel, meta: f, Size: f.Size})
		}
	}
	paths := make([]string, 0, len(listed))
	for p := range listed {
		if !named[p] {
			return nil, "", fmt.Errorf("payload file %q belongs to no document of the metadata", p)
		}
		paths = append(paths, p)
	}
	slices.Sort(paths)
	h := sha256.New()
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00%s\n", p, listed[p])
	}
	return files, hex.EncodeToString(h.Sum(nil)), nil
}

// storeFiles puts each file into the blob store, read through the bag's verifying reader
// (damage found while reading stops the import) and checked against the content address.
func storeFiles(ctx context.Context, bag *bagit.Bag, blobs blob.Store, files []bagFile, total int64, progress func(done, total int64)) error {
	var done int64
	for i := range files {
		f := &files[i]
		r, err := bag.Open(f.rel)
		if err != nil {
			return err
		}
		obj, err := blobs.Put(ctx, &countingReader{r: r, onRead: func(n int64) {
			done += n
			if progress != nil {
				progress(done, total)
			}
		}}, blob.PutOptions{ContentType: contentType(f.rel)})
		r.Close()
		if err != nil {
			return fmt.Errorf("store %s: %w", f.rel, err)
		}
		if obj.SHA256 != strings.ToLower(f.meta.SHA256) || obj.Size != f.meta.Size {
			return fmt.Errorf("store %s: %w: stored %s (%d bytes), the bag says %s (%d bytes)", f.rel, blob.ErrIntegrity,
				obj.SHA256, obj.Size, f.meta.SHA256, f.meta.Size)
		}
		f.meta.Path = obj.Key // from here on, where the bytes are in this instance
	}
	if progress != nil && done < total {
		progress(total, total)
	}
	return nil
}

func contentType(name string) string {
	if strings.EqualFold(path.Ext(name), ".pdf") {
		return "application/pdf"
	}
	return "application/octet-stream"
}

// importInput turns the bag's metadata into what the engine imports.
func importInput(meta *RecordMetadata, events []engine.Event, files []bagFile, agencyID, digest, bagName string) (engine.ArchiveImportInput, error) {
	retention, err := parseRetention(meta.Retention)
	if err != nil {
		return engine.ArchiveImportInput{}, err
	}
	in := engine.ArchiveImportInput{AgencyID: agencyID, BagName: bagName, Identifier: meta.Identifier, PayloadDigest: digest,
		FormatVersion: meta.FormatVersion, FondsCode: meta.FondsCode, FondsName: meta.FondsName, SourceEvents: events,
		SourceHeadHash: meta.AuditChainHead,
		Record: engine.ImportedRecord{Code: meta.Code, Title: meta.Title, Year: meta.Year, Retention: retention, LegalHold: meta.LegalHold,
			Metadata: recordMetadata(meta)}}
	if in.SourceHeadHash == "" && len(events) > 0 {
		in.SourceHeadHash = events[len(events)-1].Hash // bags from before the head was written
	}
	if in.Record.OpenedAt, err = parseDate("start_date", meta.StartDate); err != nil {
		return in, err
	}
	if in.Record.WorkEndedAt, err = parseDate("end_date", meta.EndDate); err != nil {
		return in, err
	}
	for _, d := range meta.Documents {
		doc, err := importedDocument(d)
		if err != nil {
			return in, fmt.Errorf("document %q: %w", d.Subject, err)
		}
		in.Documents = append(in.Documents, doc)
	}
	for _, f := range files {
		in.Documents[f.doc].Files = append(in.Documents[f.doc].Files, engine.FileInput{Kind: f.meta.Kind, Name: path.Base(f.rel),
			BlobKey: f.meta.Path, SHA256: strings.ToLower(f.meta.SHA256), Size: f.meta.Size})
	}
	return in, nil
}

// recordMetadata is the national field list's part of the record; bags from before
// access_mode only carry its label, and Vietnamese is what an empty language meant.
func recordMetadata(meta *RecordMetadata) engine.RecordMetadata {
	m := engine.RecordMetadata{AccessMode: engine.AccessMode(meta.AccessMode), Language: meta.Language, Keywords: meta.Keywords,
		Description: meta.Description, InfoSign: meta.InfoSign, PageTotal: meta.PageTotal, SheetTotal: meta.SheetTotal}
	if m.AccessMode == "" {
		m.AccessMode = engine.AccessOpen
		if strings.HasPrefix(meta.Access, "Hạn chế") {
			m.AccessMode = engine.AccessRestricted
		}
	}
	if m.Language == "" {
		m.Language = "vi"
	}
	return m
}

func importedDocument(d DocumentMeta) (engine.ImportedDocument, error) {
	typeCode, ok := d.TypeCode, d.TypeCode != ""
	if !ok { // bags from before type_code: the type's name
		for _, t := range engine.DocumentTypes {
			if t.Name == d.Type {
				typeCode, ok = t.Code, true
			}
		}
	}
	if !ok {
		return engine.ImportedDocument{}, fmt.Errorf("unknown document type %q", d.Type)
	}
	out := engine.ImportedDocument{Flow: engine.Flow(d.Flow), TypeCode: typeCode, Subject: d.Subject, Notation: d.Notation,
		Author: d.Author, Urgency: engine.Urgency(d.Urgency), Classification: engine.Classification(d.Classification)}
	var err error
	if out.IssuedAt, err = parseDate("issued_date", d.IssuedDate); err != nil {
		return out, err
	}
	if out.ReceivedAt, err = parseDate("received_date", d.ReceivedDate); err != nil {
		return out, err
	}
	return out, nil
}

// parseRetention reads the period as String wrote it: "Vĩnh viễn" or "N năm".
func parseRetention(s string) (engine.Retention, error) {
	if s == (engine.Retention{Permanent: true}).String() {
		return engine.Retention{Permanent: true}, nil
	}
	if n, ok := strings.CutSuffix(s, " năm"); ok {
		if years, err := strconv.Atoi(n); err == nil {
			return engine.Retention{Years: years}, nil
		}
	}
	return engine.Retention{}, fmt.Errorf("retention %q is neither \"Vĩnh viễn\" nor \"N năm\"", s)
}

func parseDate(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, vietnam)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", field, s)
	}
	t = t.UTC()
	return &t, nil
}

// countingReader reports how many bytes pass through it.
type countingReader struct {
	r      io.Reader
	onRead func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.onRead(int64(n))
	}
	return n, err
}

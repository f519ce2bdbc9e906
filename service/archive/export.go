// Package archive turns records (hồ sơ) into archival packages: BagIt bags (RFC 8493)
// holding the signed originals byte for byte, the record's and documents' metadata (JSON
// and an XML form of the national field list) and the audit trail of everything in it.
package archive

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/bagit"
	"github.com/vanthu/vanthu/storage/blob"
)

// RecordMetadata describes a record as the national field list for records does
// (TT 02/2019, TT 05/2025): identifier, fonds, title, dates, retention, language, counts.
type RecordMetadata struct {
	XMLName     xml.Name       `json:"-" xml:"HoSo"`
	Identifier  string         `json:"identifier" xml:"MaHoSo"`
	FondsCode   string         `json:"fonds_code" xml:"MaPhong"`
	FondsName   string         `json:"fonds_name" xml:"TenPhong"`
	Code        string         `json:"code" xml:"SoKyHieuHoSo"`
	Title       string         `json:"title" xml:"TieuDeHoSo"`
	Year        int            `json:"year" xml:"NamHinhThanh"`
	Retention   string         `json:"retention" xml:"ThoiHanBaoQuan"`
	StartDate   string         `json:"start_date,omitempty" xml:"ThoiGianBatDau,omitempty"`
	EndDate     string         `json:"end_date,omitempty" xml:"ThoiGianKetThuc,omitempty"`
	Language    string         `json:"language" xml:"NgonNgu"`
	Access      string         `json:"access" xml:"CheDoSuDung"`
	AccessMode  string         `json:"access_mode,omitempty" xml:"-"` // open, restricted
	Keywords    []string       `json:"keywords,omitempty" xml:"TuKhoa,omitempty"`
	Description string         `json:"description,omitempty" xml:"ChuGiai,omitempty"`
	InfoSign    string         `json:"info_sign,omitempty" xml:"KyHieuThongTin,omitempty"`
	PageTotal   int            `json:"page_total,omitempty" xml:"SoLuongTrang,omitempty"`
	SheetTotal  int            `json:"sheet_total,omitempty" xml:"SoLuongTo,omitempty"`
	DocTotal    int            `json:"document_total" xml:"TongSoVanBan"`
	LegalHold   bool           `json:"legal_hold" xml:"PhongToa"`
	Documents   []DocumentMeta `json:"documents" xml:"VanBan"`
	ExportedAt  string         `json:"exported_at" xml:"ThoiGianXuat"`
	ExportAgent string         `json:"export_agent" xml:"PhanMem"`
	// FormatVersion says how this metadata is laid out, so an older vanthu refuses a bag
	// it would misread; bags without it are version 1.
	FormatVersion int `json:"format_version" xml:"-"`
	// AuditChainHead is the hash at the head of the fonds' audit chain when the bag was
	// made: the events in metadata/audit.json are part of that chain.
	AuditChainHead string `json:"audit_chain_head,omitempty" xml:"-"`
}

// FormatVersion is the layout of the bags this vanthu writes and the newest it reads.
const FormatVersion = 1

// DocumentMeta describes one document of the record (TT 02/2019 document fields).
type DocumentMeta struct {
	Identifier     string     `json:"identifier" xml:"MaDinhDanhVanBan"`
	Flow           string     `json:"flow" xml:"LoaiVanBanDiDen"`
	Notation       string     `json:"notation,omitempty" xml:"SoKyHieu,omitempty"`
	IncomingNumber int        `json:"incoming_number,omitempty" xml:"SoDen,omitempty"`
	Type           string     `json:"type" xml:"TenLoaiVanBan"`
	TypeCode       string     `json:"type_code" xml:"-"` // the official abbreviation, "" for công văn
	Subject        string     `json:"subject" xml:"TrichYeu"`
	IssuedDate     string     `json:"issued_date,omitempty" xml:"NgayVanBan,omitempty"`
	ReceivedDate   string     `json:"received_date,omitempty" xml:"NgayDen,omitempty"`
	Author         string     `json:"author" xml:"CoQuanBanHanh"`
	Urgency        string     `json:"urgency,omitempty" xml:"DoKhan,omitempty"`
	Classification string     `json:"classification,omitempty" xml:"DoMat,omitempty"`
	Files          []FileMeta `json:"files" xml:"TepTin"`
}

// FileMeta is one file of a document as stored in the bag.
type FileMeta struct {
	Path   string `json:"path" xml:"DuongDan"`
	Kind   string `json:"kind" xml:"Loai"`
	SHA256 string `json:"sha256" xml:"SHA256"`
	Size   int64  `json:"size" xml:"KichThuoc"`
}

// Export writes the record as a bag in dir (which must not exist) and returns its
// metadata. progress, if set, is told how many payload bytes are written.
func Export(ctx context.Context, store engine.Store, blobs blob.Store, recordID, dir string, progress func(done, total int64)) (*RecordMetadata, error) {
	rec, err := store.RecordGetByID(ctx, recordID)
	if err != nil {
		return nil, fmt.Errorf("archive: record: %w", err)
	}
	agency, err := store.AgencyGetByID(ctx, rec.AgencyID)
	if err != nil {
		return nil, fmt.Errorf("archive: agency: %w", err)
	}
	docIDs, err := store.RecordDocumentList(ctx, rec.ID)
	if err != nil {
		return nil, fmt.Errorf("archive: documents: %w", err)
	}
	meta := &RecordMetadata{Identifier: agency.Code + "." + fmt.Sprint(rec.Year) + "." + rec.Code, FondsCode: agency.Code,
		FondsName: agency.Name, Code: rec.Code, Title: rec.Title, Year: rec.Year, Retention: rec.Retention.String(),
		Language: rec.Language, Access: rec.AccessMode.Label(), AccessMode: string(rec.AccessMode), Keywords: rec.Keywords,
		Description: rec.Description, InfoSign: rec.InfoSign, PageTotal: rec.PageTotal, SheetTotal: rec.SheetTotal,
		LegalHold: rec.LegalHold, DocTotal: len(docIDs),
		ExportedAt: time.Now().UTC().Format(time.RFC3339), ExportAgent: "vanthu", FormatVersion: FormatVersion}
	if head, err := store.AuditHeadGet(ctx, agency.ID); err == nil {
		meta.AuditChainHead = head.Hash
	} else if !errors.Is(err, engine.ErrNotFound) {
		return nil, fmt.Errorf("archive: audit head: %w", err)
	}
	if rec.OpenedAt != nil {
		meta.StartDate = rec.OpenedAt.Format("2006-01-02")
	}
	if rec.WorkEndedAt != nil {
		meta.EndDate = rec.WorkEndedAt.Format("2006-01-02")
	}

	type payload struct {
		bagPath string
		file    engine.File
	}
	var files []payload
	var total int64
	for i, id := range docIDs {
		d, err := store.DocumentGetByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("archive: document %s: %w", id, err)
		}
		dm := documentMeta(d, agency)
		stored, err := store.FileListByDocument(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		folder := fmt.Sprintf("%03d-%s", i+1, safeName(firstNonEmpty(d.Notation, d.SenderNotation, d.ID)))
		for _, f := range originals(stored) {
			p := path.Join("documents", folder, fmt.Sprintf("%02d-%s", f.Seq, safeName(f.Name)))
			files = append(files, payload{bagPath: p, file: f})
			total += f.Size
			dm.Files = append(dm.Files, FileMeta{Path: "data/" + p, Kind: f.Kind, SHA256: f.SHA256, Size: f.Size})
		}
		meta.Documents = append(meta.Documents, dm)
	}

	w, err := bagit.NewWriter(dir, bagit.WriterOptions{Agent: "vanthu", Progress: progress, ExpectedBytes: total})
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			w.Abort()
		}
	}()
	for _, p := range files {
		r, err := blobs.Open(ctx, p.file.BlobKey)
		if err != nil {
			return nil, fmt.Errorf("archive: %s: %w", p.bagPath, err)
		}
		err = w.AddFile(ctx, p.bagPath, r) // the blob store's reader refuses damaged bytes
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("archive: %s: %w", p.bagPath, err)
		}
	}
	jsonMeta, _ := json.MarshalIndent(meta, "", "  ")
	xmlMeta, _ := xml.MarshalIndent(meta, "", "  ")
	audit, err := auditTrail(ctx, store, rec.AgencyID, rec.ID)
	if err != nil {
		return nil, err
	}
	for name, content := range map[string][]byte{"metadata/record.json": jsonMeta,
		"metadata/record.xml": append([]byte(xml.Header), xmlMeta...), "metadata/audit.json": audit} {
		if err := w.AddTagFile(name, content); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
	}
	for label, value := range map[string]string{"Source-Organization": agency.Name, "Organization-Address": agency.Code,
		"External-Identifier": meta.Identifier, "External-Description": rec.Title, "Bag-Group-Identifier": agency.Code + "." + fmt.Sprint(rec.Year)} {
		if err := w.SetInfo(label, value); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	ok = true
	return meta, nil
}

// originals are the files that carry legal value: the latest signed PDF, or what was
// received, plus attachments; drafts stay out of the archive (Decree 30 Art. 30).
func originals(files []engine.File) []engine.File {
	var out []engine.File
	lastSigned := -1
	for i, f := range files {
		if f.Kind == "signed" {
			lastSigned = i
		}
	}
	for i, f := range files {
		switch {
		case f.Kind == "draft":
		case f.Kind == "signed" && i != lastSigned: // the leader-only version is contained in the final one
		default:
			out = append(out, f)
		}
	}
	return out
}

func documentMeta(d engine.Document, agency engine.Agency) DocumentMeta {
	typeName := "Công văn"
	if t, ok := engine.TypeByCode(d.TypeCode); ok {
		typeName = t.Name
	}
	dm := DocumentMeta{Flow: string(d.Flow), Notation: d.Notation, IncomingNumber: d.IncomingNumber, Type: typeName, TypeCode: d.TypeCode,
		Subject: d.Subject, Urgency: string(d.Urgency), Classification: string(d.Classification), Author: agency.Name}
	if d.Flow == engine.Incoming {
		dm.Notation, dm.Author = d.SenderNotation, d.SenderName
	}
	if d.ReceivedAt != nil {
		dm.ReceivedDate = d.ReceivedAt.In(vietnam).Format("2006-01-02")
	}
	if d.IssuedAt != nil {
		dm.IssuedDate = d.IssuedAt.In(vietnam).Format("2006-01-02")
		// Mã định danh văn bản: issuer code, year of issue, number and notation (§5.3).
		dm.Identifier = agency.Code + "." + d.IssuedAt.In(vietnam).Format("2006") + "." + d.Notation
	} else {
		dm.Identifier = d.ID
	}
	return dm
}

// auditTrail is every event of the agency's chain about the record or its documents.
func auditTrail(ctx context.Context, store engine.Store, agencyID, recordID string) ([]byte, error) {
	events, err := store.ArchiveAuditListByRecord(ctx, agencyID, recordID)
	if err != nil {
		return nil, fmt.Errorf("archive: audit: %w", err)
	}
	return json.MarshalIndent(events, "", "  ")
}

func safeName(s string) string {
	r := strings.NewReplacer("/", "-", "\\", "-", "..", ".", "\x00", "")
	s = strings.TrimSpace(r.Replace(s))
	if s == "" || s == "." {
		return "tep"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

package edxml

import (
	"bufio"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Attachment is a file to send. Content is read once, while it is written.
type Attachment struct {
	ContentID   string // "" gives "cid:<position>"
	Name        string // required
	Description string
	ContentType string // "" gives application/octet-stream
	Content     io.Reader
}

// BuildMessage writes m as an edoc envelope with the attachments base64
// encoded as they are read. m.Attachments and m.Manifest are ignored: the
// manifest is written from attachments. Nothing is filled in for the caller
// (not DeclaredID, not a TraceHeader), so what is written is exactly m;
// set DeclaredID and Business.DocumentID from m.DocumentID() when sending.
//
// Element order follows the VNPT sample that the axis accepts, because the
// .NET receivers deserialise by position.
func BuildMessage(w io.Writer, m *Message, attachments ...Attachment) error {
	if _, err := m.validate(); err != nil {
		return err
	}
	if len(attachments) == 0 {
		return fmt.Errorf("edxml: AttachmentEncoded/Attachment: a message carries at least one attachment: %w", ErrMissing)
	}
	for i, a := range attachments {
		if a.Name == "" {
			return fmt.Errorf("edxml: AttachmentEncoded/Attachment[%d]/AttachmentName: %w", i+1, ErrMissing)
		}
		if a.Content == nil {
			return fmt.Errorf("edxml: AttachmentEncoded/Attachment[%d]: attachment %q has no content: %w", i+1, a.Name, ErrMissing)
		}
	}
	x := newWriter(w)
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<edXML xmlns="` + Namespace + `" xmlns:edXML="` + Namespace + `">` + "\n")
	x.open("edXML:edXMLEnvelope")
	x.open("edXML:edXMLHeader")
	writeHeader(x, m)
	writeTrace(x, m)
	x.close("edXML:edXMLHeader")
	x.open("edXML:edXMLBody")
	x.open(`edXML:edXMLManifest version="1.0"`)
	for i, a := range attachments {
		a = a.withDefaults(i)
		x.open("edXML:Reference")
		x.el("edXML:ContentId", a.ContentID)
		x.el("edXML:ContentType", a.ContentType)
		x.opt("edXML:Description", a.Description)
		x.el("edXML:AttachmentName", a.Name)
		x.close("edXML:Reference")
	}
	x.close("edXML:edXMLManifest")
	x.close("edXML:edXMLBody")
	x.close("edXML:edXMLEnvelope")
	x.open("AttachmentEncoded")
	for i, a := range attachments {
		a = a.withDefaults(i)
		x.open("Attachment")
		x.el("ContentId", a.ContentID)
		x.el("AttachmentName", a.Name)
		x.opt("Description", a.Description)
		x.el("ContentType", a.ContentType)
		if err := x.base64("edXML:ContentTransferEncoded", a.Content); err != nil {
			return fmt.Errorf("edxml: attachment %q: %w", a.Name, err)
		}
		x.close("Attachment")
	}
	x.close("AttachmentEncoded")
	x.raw("</edXML>\n")
	if err := x.w.Flush(); err != nil {
		return fmt.Errorf("edxml: writing message: %w", err)
	}
	return nil
}

func (a Attachment) withDefaults(i int) Attachment {
	if a.ContentID == "" {
		a.ContentID = "cid:" + strconv.Itoa(i+1)
	}
	if a.ContentType == "" {
		a.ContentType = "application/octet-stream"
	}
	return a
}

func writeHeader(x *writer, m *Message) {
	x.open("edXML:MessageHeader")
	writeOrganization(x, "edXML:From", m.From)
	for _, to := range m.To {
		writeOrganization(x, "edXML:To", to)
	}
	x.opt("edXML:DocumentId", m.DeclaredID)
	x.open("edXML:Code")
	x.el("edXML:CodeNumber", m.Code.Number)
	x.el("edXML:CodeNotation", m.Code.Notation)
	x.close("edXML:Code")
	x.open("edXML:PromulgationInfo")
	x.el("edXML:Place", m.Promulgation.Place)
	x.date("edXML:PromulgationDate", m.Promulgation.Date)
	x.close("edXML:PromulgationInfo")
	x.open("edXML:DocumentType")
	x.el("edXML:Type", strconv.Itoa(m.DocumentType.Type))
	x.el("edXML:TypeDetail", strconv.Itoa(m.DocumentType.TypeDetail))
	x.el("edXML:TypeName", m.DocumentType.TypeName)
	x.close("edXML:DocumentType")
	x.el("edXML:Subject", m.Subject)
	x.opt("edXML:Content", m.Content)
	x.open("edXML:SignerInfo")
	x.el("edXML:Competence", m.Signer.Competence)
	x.el("edXML:Position", m.Signer.Position)
	x.el("edXML:FullName", m.Signer.FullName)
	x.close("edXML:SignerInfo")
	x.date("edXML:DueDate", m.DueDate)
	oi := m.OtherInfo
	x.open("edXML:OtherInfo")
	x.el("edXML:Priority", strconv.Itoa(oi.Priority))
	x.el("edXML:SphereOfPromulgation", oi.SphereOfPromulgation)
	x.el("edXML:TyperNotation", oi.TyperNotation)
	x.el("edXML:PromulgationAmount", strconv.Itoa(oi.PromulgationAmount))
	x.el("edXML:PageAmount", strconv.Itoa(oi.PageAmount))
	x.opt("edXML:Direction", oi.Direction)
	if len(oi.Appendixes) > 0 {
		x.open("edXML:Appendixes")
		for _, a := range oi.Appendixes {
			x.el("edXML:Appendix", a)
		}
		x.close("edXML:Appendixes")
	}
	x.close("edXML:OtherInfo")
	x.el("edXML:SteeringType", strconv.Itoa(m.SteeringType))
	if len(m.ToPlaces) > 0 {
		x.open("edXML:ToPlaces")
		for _, p := range m.ToPlaces {
			x.el("edXML:Place", p)
		}
		x.close("edXML:ToPlaces")
	}
	for _, rf := range m.ResponseFor {
		writeResponseFor(x, rf)
	}
	x.close("edXML:MessageHeader")
}

func writeOrganization(x *writer, name string, o Organization) {
	x.open(name)
	x.el("edXML:OrganId", o.OrganID)
	x.opt("edXML:OrganizationInCharge", o.OrganizationInCharge)
	x.opt("edXML:OrganName", o.OrganName)
	x.opt("edXML:OrganAdd", o.OrganAdd)
	x.opt("edXML:Email", o.Email)
	x.opt("edXML:Telephone", o.Telephone)
	x.opt("edXML:Fax", o.Fax)
	x.opt("edXML:Website", o.Website)
	x.close(name)
}

func writeResponseFor(x *writer, rf ResponseFor) {
	x.open("edXML:ResponseFor")
	x.el("edXML:OrganId", rf.OrganID)
	x.el("edXML:Code", rf.Code)
	x.date("edXML:PromulgationDate", rf.PromulgationDate)
	x.el("edXML:DocumentId", rf.DocumentID)
	x.close("edXML:ResponseFor")
}

func writeStaff(x *writer, s StaffInfo) {
	x.open("edXML:StaffInfo")
	x.el("edXML:Department", s.Department)
	x.el("edXML:Staff", s.Staff)
	x.opt("edXML:Mobile", s.Mobile)
	x.opt("edXML:Email", s.Email)
	x.close("edXML:StaffInfo")
}

func writeTrace(x *writer, m *Message) {
	x.open("edXML:TraceHeaderList")
	for _, th := range m.TraceHeaders {
		x.open("edXML:TraceHeader")
		x.el("edXML:OrganId", th.OrganID)
		x.timestamp("edXML:Timestamp", th.Timestamp)
		x.close("edXML:TraceHeader")
	}
	b := m.Business
	x.open("edXML:Bussiness")
	x.opt("edXML:DocumentId", b.DocumentID)
	x.el("edXML:BussinessDocType", strconv.Itoa(int(b.DocType)))
	x.opt("edXML:BussinessDocReason", b.DocReason)
	x.el("edXML:Paper", strconv.Itoa(b.Paper))
	if b.Staff != (StaffInfo{}) {
		writeStaff(x, b.Staff)
	}
	if b.DocumentInfo != "" || b.Receiver != "" || len(b.Receivers) > 0 {
		x.open("edXML:BussinessDocumentInfo")
		x.opt("edXML:DocumentInfo", b.DocumentInfo)
		x.opt("edXML:DocumentReceiver", b.Receiver)
		if len(b.Receivers) > 0 {
			x.open("edXML:ReceiverList")
			for _, r := range b.Receivers {
				x.open("edXML:Receiver")
				x.el("edXML:OrganId", r.OrganID)
				x.el("edXML:ReceiverType", r.ReceiverType)
				x.close("edXML:Receiver")
			}
			x.close("edXML:ReceiverList")
		}
		x.close("edXML:BussinessDocumentInfo")
	}
	if len(b.Replacements) > 0 {
		x.open("edXML:ReplacementInfoList")
		for _, r := range b.Replacements {
			x.open("edXML:ReplacementInfo")
			x.el("edXML:DocumentId", r.DocumentID)
			x.open("edXML:OrganIdList")
			for _, id := range r.OrganIDs {
				x.el("edXML:OrganId", id)
			}
			x.close("edXML:OrganIdList")
			x.close("edXML:ReplacementInfo")
		}
		x.close("edXML:ReplacementInfoList")
	}
	x.close("edXML:Bussiness")
	x.close("edXML:TraceHeaderList")
}

// writer writes indented elements; bufio.Writer keeps the first write error
// and Flush reports it, so the helpers need no error returns.
type writer struct {
	w     *bufio.Writer
	depth int
}

func newWriter(w io.Writer) *writer { return &writer{w: bufio.NewWriterSize(w, 32<<10), depth: 1} }

func (x *writer) raw(s string) { x.w.WriteString(s) }

func (x *writer) indent() { x.w.WriteString(strings.Repeat("  ", x.depth)) }

// open writes a start tag; tag may carry attributes.
func (x *writer) open(tag string) {
	x.indent()
	x.raw("<" + tag + ">\n")
	x.depth++
}

func (x *writer) close(name string) {
	x.depth--
	x.indent()
	x.raw("</" + name + ">\n")
}

// el writes an element with escaped text, even when empty.
func (x *writer) el(name, text string) {
	x.indent()
	x.raw("<" + name + ">")
	// EscapeText escapes \r and \n as references, so values survive the
	// line-break normalisation of XML parsers byte for byte.
	_ = xml.EscapeText(x.w, []byte(text))
	x.raw("</" + name + ">\n")
}

// opt writes an element only when text is not empty.
func (x *writer) opt(name, text string) {
	if text != "" {
		x.el(name, text)
	}
}

func (x *writer) date(name string, t time.Time) {
	if !t.IsZero() {
		x.el(name, formatDate(t))
	}
}

func (x *writer) timestamp(name string, t time.Time) {
	if !t.IsZero() {
		x.el(name, formatTimestamp(t))
	}
}

// base64 streams r into an element as one base64 line.
func (x *writer) base64(name string, r io.Reader) error {
	x.indent()
	x.raw("<" + name + ">")
	enc := base64.NewEncoder(base64.StdEncoding, x.w)
	if _, err := io.Copy(enc, r); err != nil {
		return fmt.Errorf("reading content: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encoding content: %w", err)
	}
	x.raw("</" + name + ">\n")
	return nil
}

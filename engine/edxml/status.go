package edxml

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// StatusCode is the business status a recipient reports back about a
// document it received (QĐ 28/2018; vn-standards §3.4).
type StatusCode string

const (
	StatusArrived         StatusCode = "01" // Đã đến: the software has it, the văn thư has not acted
	StatusRejected        StatusCode = "02" // Từ chối tiếp nhận / trả lại; Description gives the reason
	StatusAccepted        StatusCode = "03" // Đã tiếp nhận: registered in the incoming book
	StatusAssigned        StatusCode = "04" // Phân công: a leader assigned the handling
	StatusProcessing      StatusCode = "05" // Đang xử lý
	StatusCompleted       StatusCode = "06" // Hoàn thành
	StatusRecallRequested StatusCode = "13" // Lấy lại: sent by the original sender
	StatusChangeAccepted  StatusCode = "15" // Đồng ý cập nhật / lấy lại
	StatusChangeRejected  StatusCode = "16" // Từ chối cập nhật / lấy lại
)

var statusMeanings = map[StatusCode]string{
	StatusArrived:         "Đã đến",
	StatusRejected:        "Từ chối tiếp nhận",
	StatusAccepted:        "Đã tiếp nhận",
	StatusAssigned:        "Phân công",
	StatusProcessing:      "Đang xử lý",
	StatusCompleted:       "Hoàn thành",
	StatusRecallRequested: "Lấy lại",
	StatusChangeAccepted:  "Đồng ý cập nhật, lấy lại",
	StatusChangeRejected:  "Từ chối cập nhật, lấy lại",
}

// Valid reports whether c is one of the codes above.
func (c StatusCode) Valid() bool { _, ok := statusMeanings[c]; return ok }

// Meaning is the Vietnamese label, "" for an unknown code.
func (c StatusCode) Meaning() string { return statusMeanings[c] }

// StatusMessage is a gói tin trạng thái.
type StatusMessage struct {
	ResponseFor ResponseFor // the document the status is about
	From        Organization
	Code        StatusCode
	Description string
	Timestamp   time.Time
	Staff       StaffInfo
}

// statusLimits: a status message is a few hundred bytes.
var statusLimits = Limits{MaxMessageBytes: 1 << 20, MaxMarkupBytes: 1 << 20, MaxDepth: 16}

func (s *StatusMessage) validate() error {
	switch {
	case s.ResponseFor.DocumentID == "" && (s.ResponseFor.OrganID == "" || s.ResponseFor.Code == ""):
		return fmt.Errorf("edxml: Status/ResponseFor: needs DocumentId, or OrganId and Code: %w", ErrMissing)
	case s.From.OrganID == "":
		return fmt.Errorf("edxml: Status/From/OrganId: %w", ErrMissing)
	case s.Code == "":
		return fmt.Errorf("edxml: Status/StatusCode: %w", ErrMissing)
	case !s.Code.Valid():
		return fmt.Errorf("edxml: Status/StatusCode: unknown code %q: %w", string(s.Code), ErrMalformed)
	case s.Timestamp.IsZero():
		return fmt.Errorf("edxml: Status/Timestamp: %w", ErrMissing)
	}
	if err := CheckOrganID(s.From.OrganID); err != nil {
		return fmt.Errorf("edxml: Status/From/OrganId: %w", err)
	}
	return nil
}

// BuildStatus writes s in the SOAP envelope the axis uses for status
// messages. A rejection (02, 16) must say why.
func BuildStatus(w io.Writer, s StatusMessage) error {
	if err := s.validate(); err != nil {
		return err
	}
	if (s.Code == StatusRejected || s.Code == StatusChangeRejected) && strings.TrimSpace(s.Description) == "" {
		return fmt.Errorf("edxml: Status/Description: a rejection (%s) must give its reason: %w", string(s.Code), ErrMissing)
	}
	x := newWriter(w)
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:edXML="` + Namespace + `">` + "\n")
	x.open("SOAP-ENV:Header")
	x.open("edXML:Status")
	writeResponseFor(x, s.ResponseFor)
	writeOrganization(x, "edXML:From", s.From)
	x.el("edXML:StatusCode", string(s.Code))
	x.el("edXML:Description", s.Description)
	x.timestamp("edXML:Timestamp", s.Timestamp)
	writeStaff(x, s.Staff)
	x.close("edXML:Status")
	x.close("SOAP-ENV:Header")
	x.raw("  <SOAP-ENV:Body/>\n</SOAP-ENV:Envelope>\n")
	if err := x.w.Flush(); err != nil {
		return fmt.Errorf("edxml: writing status: %w", err)
	}
	return nil
}

// ParseStatus reads a status message. The Status element is found wherever
// the sender put it (SOAP Header, edXMLHeader, or as the root). Code "14",
// which one SDK sample writes for "đồng ý", is read as 15 [INFER, §6.8].
func ParseStatus(r io.Reader) (*StatusMessage, error) {
	p := newParser(r, statusLimits)
	root, err := p.root()
	if err != nil {
		return nil, err
	}
	status, err := p.findStatus(root)
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	var f fields
	s := &StatusMessage{
		ResponseFor: f.responseFor(status.child("ResponseFor")),
		From:        readOrganization(status.child("From")),
		Code:        StatusCode(status.str("StatusCode")),
		Description: status.str("Description"),
		Timestamp:   f.timestamp(status, "Timestamp"),
		Staff:       readStaff(status.child("StaffInfo")),
	}
	if f.err != nil {
		return nil, f.err
	}
	if s.Code == "14" {
		s.Code = StatusChangeAccepted
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// findStatus walks down from root to the first Status element and reads it;
// other elements on the way are skipped.
func (p *parser) findStatus(root xml.StartElement) (*node, error) {
	if root.Name.Local == "Status" {
		return p.readNode(root, "")
	}
	var status *node
	stack := []string{root.Name.Local}
	for len(stack) > 0 {
		tok, err := p.next()
		if err != nil {
			return nil, fmt.Errorf("edxml: %s: %w", strings.Join(stack, "/"), eofIsUnexpected(err))
		}
		switch t := tok.(type) {
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.StartElement:
			parent := strings.Join(stack, "/")
			switch {
			case t.Name.Local == "Status" && status == nil:
				status, err = p.readNode(t, parent)
			case t.Name.Local == "Header" || t.Name.Local == "edXMLHeader" || t.Name.Local == "edXMLEnvelope":
				stack = append(stack, t.Name.Local)
			default:
				err = p.skip(t.Name.Local, parent)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if status == nil {
		return nil, fmt.Errorf("edxml: %s/Header/Status: %w", root.Name.Local, ErrMissing)
	}
	return status, nil
}

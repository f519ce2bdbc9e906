package edxml

import (
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
	// Warnings are the unusual values the parser accepted; not written.
	Warnings []string
}

// statusLimits: a status message is a few hundred bytes.
var statusLimits = Limits{MaxMessageBytes: 1 << 20, MaxMarkupBytes: 1 << 20, MaxDepth: 16}

// validate refuses a status that cannot be applied (no document named, no
// sender, no known code, no time) and warns about an agency code of an
// unknown form.
func (s *StatusMessage) validate() (warnings []string, err error) {
	switch {
	case s.ResponseFor.DocumentID == "" && (s.ResponseFor.OrganID == "" || s.ResponseFor.Code == ""):
		return nil, fmt.Errorf("edxml: Status/ResponseFor: needs DocumentId, or OrganId and Code: %w", ErrMissing)
	case s.From.OrganID == "":
		return nil, fmt.Errorf("edxml: Status/From/OrganId: %w", ErrMissing)
	case s.Code == "":
		return nil, fmt.Errorf("edxml: Status/StatusCode: %w", ErrMissing)
	case !s.Code.Valid():
		return nil, fmt.Errorf("edxml: Status/StatusCode: unknown code %q: %w", string(s.Code), ErrMalformed)
	case s.Timestamp.IsZero():
		return nil, fmt.Errorf("edxml: Status/Timestamp: %w", ErrMissing)
	}
	if w := organIDWarning("Status/From/OrganId", s.From.OrganID); w != "" {
		warnings = append(warnings, w)
	}
	if w := organIDWarning("Status/ResponseFor/OrganId", s.ResponseFor.OrganID); w != "" && s.ResponseFor.OrganID != "" {
		warnings = append(warnings, w)
	}
	return warnings, nil
}

// BuildStatus writes s in the layout of the axis SDK's own samples: the
// status fields directly in MessageHeader, no To, no body. A rejection (02,
// 16) must say why.
func BuildStatus(w io.Writer, s StatusMessage) error {
	if _, err := s.validate(); err != nil {
		return err
	}
	if (s.Code == StatusRejected || s.Code == StatusChangeRejected) && strings.TrimSpace(s.Description) == "" {
		return fmt.Errorf("edxml: Status/Description: a rejection (%s) must give its reason: %w", string(s.Code), ErrMissing)
	}
	x := newWriter(w)
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<edXML xmlns="` + Namespace + `" xmlns:edXML="` + Namespace + `">` + "\n")
	x.open("edXML:edXMLEnvelope")
	x.open("edXML:edXMLHeader")
	x.open("edXML:MessageHeader")
	writeOrganization(x, "edXML:From", s.From)
	writeResponseFor(x, s.ResponseFor)
	writeStaff(x, s.Staff)
	x.el("edXML:StatusCode", string(s.Code))
	x.el("edXML:Description", s.Description)
	x.timestamp("edXML:Timestamp", s.Timestamp)
	x.close("edXML:MessageHeader")
	x.close("edXML:edXMLHeader")
	x.close("edXML:edXMLEnvelope")
	x.raw("</edXML>\n")
	if err := x.w.Flush(); err != nil {
		return fmt.Errorf("edxml: writing status: %w", err)
	}
	return nil
}

// ParseStatus reads a status message in either layout Parse knows. Code
// "14", which one SDK sample writes for "đồng ý", is read as 15 [INFER, §6.8].
func ParseStatus(r io.Reader) (*StatusMessage, error) {
	pkg, err := Parse(r, statusLimits, nil)
	if err != nil {
		return nil, err
	}
	if pkg.Status == nil {
		return nil, fmt.Errorf("edxml: MessageHeader/StatusCode: a document message, not a status: %w", ErrMissing)
	}
	return pkg.Status, nil
}

// readStatus maps a status node: the SDK's MessageHeader or the older
// Status element, whose children have the same names.
func readStatus(n *node) (*StatusMessage, error) {
	var f fields
	s := &StatusMessage{
		ResponseFor: f.responseFor(n.child("ResponseFor")),
		From:        readOrganization(n.child("From")),
		Code:        StatusCode(n.str("StatusCode")),
		Description: n.str("Description"),
		Timestamp:   f.mustTimestamp(n, "Timestamp"),
		Staff:       readStaff(n.child("StaffInfo")),
	}
	if f.err != nil {
		return nil, f.err
	}
	if s.Code == "14" {
		s.Code = StatusChangeAccepted
	}
	warnings, err := s.validate()
	if err != nil {
		return nil, err
	}
	if w := append(f.warnings, warnings...); len(w) > 0 {
		s.Warnings = w
	}
	return s, nil
}

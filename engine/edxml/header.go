package edxml

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// fields reads typed values out of nodes. A value it cannot read becomes a
// warning and its zero value, except in the few fields (must…) whose meaning
// decides what is done with the message; there the first error is kept.
type fields struct {
	err      error
	warnings []string
}

func (f *fields) fail(n *node, name string, err error) {
	if f.err == nil {
		f.err = fmt.Errorf("edxml: %s/%s: %w", n.path, name, err)
	}
}

func (f *fields) warn(n *node, name string, err error) {
	f.warnings = append(f.warnings, fmt.Sprintf("%s/%s: %s; ignored", n.path, name, strings.TrimSuffix(err.Error(), ": "+ErrMalformed.Error())))
}

// int reads a number; absent or empty is 0, unreadable a warning and 0.
func (f *fields) int(n *node, name string) int {
	v, err := readInt(n, name)
	if err != nil {
		f.warn(n, name, err)
	}
	return v
}

// mustInt is int for a number the message cannot be handled without.
func (f *fields) mustInt(n *node, name string) int {
	v, err := readInt(n, name)
	if err != nil {
		f.fail(n, name, err)
	}
	return v
}

func readInt(n *node, name string) (int, error) {
	s := n.str(name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number: %w", s, ErrMalformed)
	}
	return v, nil
}

// date reads yyyy/MM/dd; absent or empty is the zero time, unreadable a
// warning and the zero time.
func (f *fields) date(n *node, name string) time.Time {
	s := n.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := parseDate(s)
	if err != nil {
		f.warn(n, name, err)
	}
	return t
}

// mustTimestamp reads the time a status was made; a status cannot be
// ordered without it.
func (f *fields) mustTimestamp(n *node, name string) time.Time {
	s := n.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := parseTimestamp(s)
	if err != nil {
		f.fail(n, name, err)
	}
	return t
}

// timestamp is mustTimestamp for a hop's time, which only informs.
func (f *fields) timestamp(n *node, name string) time.Time {
	s := n.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := parseTimestamp(s)
	if err != nil {
		f.warn(n, name, err)
	}
	return t
}

func readOrganization(n *node) Organization {
	return Organization{
		OrganID:              n.str("OrganId"),
		OrganizationInCharge: n.str("OrganizationInCharge"),
		OrganName:            n.str("OrganName"),
		OrganAdd:             n.str("OrganAdd"),
		Email:                n.str("Email"),
		Telephone:            n.str("Telephone"),
		Fax:                  n.str("Fax"),
		Website:              n.str("Website"),
	}
}

func readStaff(n *node) StaffInfo {
	return StaffInfo{Department: n.str("Department"), Staff: n.str("Staff"), Mobile: n.str("Mobile"), Email: n.str("Email")}
}

func (f *fields) responseFor(n *node) ResponseFor {
	code := n.str("Code")
	if c := n.child("Code"); c != nil && len(c.kids) > 0 {
		// Some senders split it like MessageHeader/Code.
		code = Code{Number: c.str("CodeNumber"), Notation: c.str("CodeNotation")}.String()
	}
	return ResponseFor{
		OrganID:          n.str("OrganId"),
		Code:             code,
		PromulgationDate: f.date(n, "PromulgationDate"),
		DocumentID:       n.str("DocumentId"),
	}
}

// readHeader maps MessageHeader (QCVN 1.1–1.14).
func readHeader(f *fields, h *node, m *Message) {
	m.From = readOrganization(h.child("From"))
	for _, to := range h.children("To") {
		m.To = append(m.To, readOrganization(to))
	}
	code := h.child("Code")
	m.Code = Code{Number: code.str("CodeNumber"), Notation: code.str("CodeNotation")}
	pi := h.child("PromulgationInfo")
	m.Promulgation = PromulgationInfo{Place: pi.str("Place"), Date: f.date(pi, "PromulgationDate")}
	dt := h.child("DocumentType")
	m.DocumentType = DocumentType{Type: f.int(dt, "Type"), TypeDetail: f.int(dt, "TypeDetail"), TypeName: dt.str("TypeName")}
	m.Subject = h.str("Subject")
	m.Content = h.str("Content")
	signer := h.child("SignerInfo")
	if signer == nil {
		signer = h.child("Author")
	}
	m.Signer = SignerInfo{Competence: signer.str("Competence"), Position: signer.str("Position"), FullName: signer.str("FullName")}
	m.DueDate = f.date(h, "DueDate")
	for _, place := range h.child("ToPlaces").children("Place") {
		m.ToPlaces = append(m.ToPlaces, place.text)
	}
	oi := h.child("OtherInfo")
	m.OtherInfo = OtherInfo{
		Priority:             f.int(oi, "Priority"),
		SphereOfPromulgation: oi.str("SphereOfPromulgation"),
		TyperNotation:        oi.str("TyperNotation"),
		PromulgationAmount:   f.int(oi, "PromulgationAmount"),
		PageAmount:           f.int(oi, "PageAmount"),
		Direction:            oi.str("Direction"),
	}
	for _, a := range oi.child("Appendixes").children("Appendix") {
		m.OtherInfo.Appendixes = append(m.OtherInfo.Appendixes, a.text)
	}
	for _, rf := range h.children("ResponseFor") {
		m.ResponseFor = append(m.ResponseFor, f.responseFor(rf))
	}
	m.SteeringType = f.int(h, "SteeringType")
	m.DeclaredID = h.str("DocumentId")
}

// readTrace maps TraceHeaderList; it is optional because a message that
// has not yet crossed the axis has no hops.
func readTrace(f *fields, t *node, m *Message) {
	for _, th := range t.children("TraceHeader") {
		m.TraceHeaders = append(m.TraceHeaders, TraceHeader{OrganID: th.str("OrganId"), Timestamp: f.timestamp(th, "Timestamp")})
	}
	b := t.child("Bussiness")
	info := b.child("BussinessDocumentInfo")
	m.Business = Business{
		DocType:      BusinessDocType(f.mustInt(b, "BussinessDocType")),
		DocReason:    b.str("BussinessDocReason"),
		DocumentID:   b.str("DocumentId"),
		Paper:        f.int(b, "Paper"),
		Staff:        readStaff(b.child("StaffInfo")),
		DocumentInfo: info.str("DocumentInfo"),
		Receiver:     info.str("DocumentReceiver"),
	}
	for _, r := range info.child("ReceiverList").children("Receiver") {
		m.Business.Receivers = append(m.Business.Receivers, Receiver{OrganID: r.str("OrganId"), ReceiverType: r.str("ReceiverType")})
	}
	for _, r := range b.child("ReplacementInfoList").children("ReplacementInfo") {
		rep := Replacement{DocumentID: r.str("DocumentId")}
		for _, id := range r.child("OrganIdList").children("OrganId") {
			rep.OrganIDs = append(rep.OrganIDs, id.text)
		}
		m.Business.Replacements = append(m.Business.Replacements, rep)
	}
}

func readManifest(n *node) []AttachmentInfo {
	var out []AttachmentInfo
	for _, r := range n.children("Reference") {
		out = append(out, AttachmentInfo{
			ContentID:   r.str("ContentId"),
			Name:        r.str("AttachmentName"),
			Description: r.str("Description"),
			ContentType: r.str("ContentType"),
		})
	}
	return out
}
